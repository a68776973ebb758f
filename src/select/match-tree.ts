import type { CapturedSpan } from '../model/captured-span.js'
import type { TraceTree } from '../model/trace-tree.js'
import { explainMismatch } from './select-spans.js'
import type { Equals, Mismatch } from './select-spans.js'
import type { CompiledPattern } from './tree-pattern.js'
import type { Trace } from './trace.js'
import { treeOf } from './trace-trees.js'

/** One level of expected children: what a node says about the spans below it. */
type Level = Pick<CompiledPattern, 'sequence' | 'children' | 'spread' | 'ordered'>

/** How one expected node or actual span came out of the comparison. */
export type TreeDiffEntry =
  /** The span matches the node, subtree included. */
  | { readonly kind: 'same'; readonly node: CompiledPattern; readonly span: CapturedSpan; readonly below: number }
  /** The node was paired with this span, but the span's own fields or its subtree differ. */
  | { readonly kind: 'changed'; readonly node: CompiledPattern; readonly span: CapturedSpan; readonly mismatches: readonly Mismatch[]; readonly children: readonly TreeDiffEntry[] }
  /** No span for this node. */
  | { readonly kind: 'missing'; readonly node: CompiledPattern }
  /** A span no node asked for, and no anySpans() allows. */
  | { readonly kind: 'unexpected'; readonly span: CapturedSpan }
  /** Spans an anySpans() marker allowed at this level. */
  | { readonly kind: 'allowed'; readonly spans: readonly CapturedSpan[] }

/**
 * Compares a trace with a compiled tree pattern. `matches()` is the exact check (children matched
 * as a maximum bipartite matching, so a looser pattern never takes the span a stricter sibling
 * needed); `diff()` explains a mismatch by pairing each node with its likeliest span.
 */
export class TreeComparison {
  readonly #trace: Trace
  readonly #tree: TraceTree
  readonly #root: CompiledPattern
  readonly #equals: Equals
  readonly #fits = new Map<CompiledPattern, Map<CapturedSpan, boolean>>()
  // Field-by-field likeness (explainMismatch) is what makes a diff readable, and what would make a
  // failure on a huge tree slow to print; past this many, pairs are judged by fit alone.
  #closeLooksLeft = 5_000

  constructor(trace: Trace, root: CompiledPattern, equals: Equals) {
    this.#trace = trace
    this.#tree = treeOf(trace)
    this.#root = root
    this.#equals = equals
  }

  /** The spans without a parent in the trace, the level the root pattern is compared with. */
  get #topLevel(): Level {
    return { sequence: [this.#root], children: [this.#root], spread: false, ordered: false }
  }

  /** True when the trace's tree is exactly the pattern. */
  matches(): boolean {
    return this.#levelFits(this.#topLevel, this.#tree.roots)
  }

  /** The comparison as a tree of entries, for the failure message. */
  diff(): TreeDiffEntry[] {
    return this.#diffLevel(this.#topLevel, this.#tree.roots)
  }

  #fitsSpan(node: CompiledPattern, span: CapturedSpan): boolean {
    // A leaf costs one test and a count: cheaper than remembering it, and most nodes are leaves.
    if (node.sequence.length === 0) return node.test(span, this.#trace) && this.#tree.children(span).length === 0
    let memo = this.#fits.get(node)
    if (memo === undefined) this.#fits.set(node, (memo = new Map()))
    let fits = memo.get(span)
    if (fits === undefined) {
      fits = node.test(span, this.#trace) && this.#levelFits(node, this.#tree.children(span))
      memo.set(span, fits)
    }
    return fits
  }

  #levelFits(level: Level, spans: readonly CapturedSpan[]): boolean {
    const wanted = level.children.length
    if (spans.length < wanted || (!level.spread && spans.length !== wanted)) return false
    if (level.ordered) {
      if (!level.spread) return level.children.every((node, i) => this.#fitsSpan(node, spans[i] as CapturedSpan))
      return orderedFits(level.sequence, spans, (node, span) => this.#fitsSpan(node, span))
    }
    const { ofExpected } = maxMatching(level.children, spans, (node, span) => this.#fitsSpan(node, span), true)
    return ofExpected.every((j) => j >= 0)
  }

  #diffLevel(level: Level, spans: readonly CapturedSpan[]): TreeDiffEntry[] {
    return level.ordered ? this.#diffOrdered(level, spans) : this.#diffUnordered(level, spans)
  }

  // Unordered: entries follow the spans' start order; what anySpans() allowed, then what is
  // missing, come last.
  #diffUnordered(level: Level, spans: readonly CapturedSpan[]): TreeDiffEntry[] {
    const pairs = this.#pairUnordered(level, spans)
    const nodeOf = new Map<CapturedSpan, CompiledPattern>()
    for (const [node, span] of pairs) nodeOf.set(span, node)
    const entries: TreeDiffEntry[] = []
    const allowed: CapturedSpan[] = []
    for (const span of spans) {
      const node = nodeOf.get(span)
      if (node !== undefined) entries.push(this.#pairEntry(node, span))
      else if (level.spread) allowed.push(span)
      else entries.push({ kind: 'unexpected', span })
    }
    if (level.spread) entries.push({ kind: 'allowed', spans: allowed })
    const paired = new Set(pairs.map(([node]) => node))
    for (const node of level.children) if (!paired.has(node)) entries.push({ kind: 'missing', node })
    return entries
  }

  // Ordered: entries follow the alignment, so a missing node and an anySpans() marker show where
  // they stand in the expected order.
  #diffOrdered(level: Level, spans: readonly CapturedSpan[]): TreeDiffEntry[] {
    const entries: TreeDiffEntry[] = []
    let allowed: CapturedSpan[] | undefined
    for (const move of this.#alignOrdered(level, spans)) {
      if (move.item === 'any') {
        if (allowed === undefined) entries.push({ kind: 'allowed', spans: (allowed = []) })
        if (move.span !== undefined) allowed.push(move.span)
        else allowed = undefined
        continue
      }
      if (move.item !== undefined && move.span !== undefined) entries.push(this.#pairEntry(move.item, move.span))
      else if (move.item !== undefined) entries.push({ kind: 'missing', node: move.item })
      else if (move.span !== undefined) entries.push({ kind: 'unexpected', span: move.span })
    }
    return entries
  }

  #pairEntry(node: CompiledPattern, span: CapturedSpan): TreeDiffEntry {
    if (this.#fitsSpan(node, span)) return { kind: 'same', node, span, below: this.#tree.descendants(span).length }
    const mismatches = node.test(span, this.#trace) ? [] : explainMismatch(span, this.#trace, node.query, this.#equals)
    return { kind: 'changed', node, span, mismatches, children: this.#diffLevel(node, this.#tree.children(span)) }
  }

  // Unordered: exact fits first (a maximum matching), then spans whose own fields match, then
  // spans of the name asked for, then the likeliest of the rest by how many fields agree.
  #pairUnordered(level: Level, spans: readonly CapturedSpan[]): [CompiledPattern, CapturedSpan][] {
    const pairs: [CompiledPattern, CapturedSpan][] = []
    let nodes = level.children
    let rest = spans
    const phases = [
      (n: CompiledPattern, s: CapturedSpan) => this.#fitsSpan(n, s),
      (n: CompiledPattern, s: CapturedSpan) => n.test(s, this.#trace),
      // The name says most about which span was meant, and pairing by it is cheap at any size.
      (n: CompiledPattern, s: CapturedSpan) => n.exactName === s.name,
    ]
    for (const edge of phases) {
      const { ofExpected } = maxMatching(nodes, rest, edge, false)
      const taken = new Set<number>()
      ofExpected.forEach((j, i) => {
        if (j < 0) return
        pairs.push([nodes[i] as CompiledPattern, rest[j] as CapturedSpan])
        taken.add(j)
      })
      nodes = nodes.filter((_, i) => (ofExpected[i] as number) < 0)
      rest = rest.filter((_, j) => !taken.has(j))
    }
    const scored: [number, CompiledPattern, CapturedSpan][] = []
    for (const node of nodes) {
      for (const span of rest) {
        const score = this.#likeness(node, span)
        if (score > 0) scored.push([score, node, span])
      }
    }
    scored.sort((a, b) => b[0] - a[0])
    const usedNodes = new Set<CompiledPattern>()
    const usedSpans = new Set<CapturedSpan>()
    for (const [, node, span] of scored) {
      if (usedNodes.has(node) || usedSpans.has(span)) continue
      usedNodes.add(node)
      usedSpans.add(span)
      pairs.push([node, span])
    }
    return pairs
  }

  // Ordered: the alignment with the best total likeness that keeps both orders; a span between
  // pairs is allowed when an anySpans() marker stands there.
  #alignOrdered(level: Level, spans: readonly CapturedSpan[]): AlignMove[] {
    const seq = level.sequence
    const n = seq.length
    const m = spans.length
    const width = m + 1
    const best = new Float64Array((n + 1) * width)
    const step = new Uint8Array((n + 1) * width) // 1 pair, 2 skip node, 3 skip span
    for (let i = n; i >= 0; i--) {
      for (let j = m; j >= 0; j--) {
        if (i === n && j === m) continue
        const at = i * width + j
        let value = -Infinity
        let move = 0
        const item = seq[i]
        if (i < n && j < m && item !== undefined && item !== 'any') {
          const like = this.#likeness(item, spans[j] as CapturedSpan)
          if (like > 0 && like + (best[(i + 1) * width + j + 1] as number) > value) {
            value = like + (best[(i + 1) * width + j + 1] as number)
            move = 1
          }
        }
        if (i < n) {
          const skip = (item === 'any' ? 0 : -1) + (best[(i + 1) * width + j] as number)
          if (skip > value) [value, move] = [skip, 2]
        }
        if (j < m) {
          const absorbed = i < n && item === 'any'
          const skip = (absorbed ? 0 : -1) + (best[i * width + j + 1] as number)
          if (skip > value) [value, move] = [skip, 3]
        }
        best[at] = value
        step[at] = move
      }
    }
    const moves: AlignMove[] = []
    for (let i = 0, j = 0; i < n || j < m;) {
      const move = step[i * width + j]
      // A span absorbed by anySpans() keeps the marker as its item; a marker passed over ends it.
      if (move === 1) moves.push({ item: seq[i], span: spans[j] })
      else if (move === 2) moves.push({ item: seq[i], span: undefined })
      else moves.push({ item: i < n && seq[i] === 'any' ? 'any' : undefined, span: spans[j] })
      if (move !== 3) i++
      if (move !== 2) j++
    }
    return moves
  }

  // 4 for an exact fit, 2 when the span's own fields match, else up to 1 by the share of fields
  // that agree; 0 when nothing does.
  #likeness(node: CompiledPattern, span: CapturedSpan): number {
    if (this.#fitsSpan(node, span)) return 4
    if (node.test(span, this.#trace)) return 2
    if (this.#closeLooksLeft-- <= 0) return 0
    const fields = countFields(node)
    const missed = explainMismatch(span, this.#trace, node.query, this.#equals).length
    return fields === 0 || missed >= fields ? 0 : (fields - missed) / fields
  }
}

function countFields(node: CompiledPattern): number {
  let fields = 0
  for (const [key, value] of Object.entries(node.query)) {
    if (value === undefined) continue
    fields += key === 'attributes' && typeof value === 'object' && value !== null ? Object.keys(value).length : 1
  }
  return fields
}

/** One step of an ordered alignment: a pair, a node with no span, or a span with no node. */
interface AlignMove {
  readonly item: CompiledPattern | 'any' | undefined
  readonly span: CapturedSpan | undefined
}

/**
 * A maximum bipartite matching of expected nodes to spans (Kuhn's augmenting paths, after a greedy
 * first pass that settles the common case). A node asking for an exact name only looks at spans
 * of that name, and the greedy pass keeps a cursor per name past the spans already taken, so
 * thousands of same-named siblings cost about one test each. With `stopAtFirstGap`, gives up as
 * soon as one node cannot be matched: all the exact check needs.
 */
function maxMatching(
  nodes: readonly CompiledPattern[],
  spans: readonly CapturedSpan[],
  edge: (node: CompiledPattern, span: CapturedSpan) => boolean,
  stopAtFirstGap: boolean,
): { ofExpected: Int32Array } {
  const ofExpected = new Int32Array(nodes.length).fill(-1)
  const ofSpan = new Int32Array(spans.length).fill(-1)
  const all = spans.map((_, j) => j)
  const byName = new Map<string, number[]>()
  spans.forEach((span, j) => {
    let list = byName.get(span.name)
    if (list === undefined) byName.set(span.name, (list = []))
    list.push(j)
  })
  const candidatesOf = (node: CompiledPattern): readonly number[] => node.exactName === undefined ? all : byName.get(node.exactName) ?? []
  const cursor = new Map<readonly number[], number>()
  nodes.forEach((node, i) => {
    const candidates = candidatesOf(node)
    let from = cursor.get(candidates) ?? 0
    while (from < candidates.length && ofSpan[candidates[from] as number] !== -1) from++
    cursor.set(candidates, from)
    for (let c = from; c < candidates.length; c++) {
      const j = candidates[c] as number
      if (ofSpan[j] === -1 && edge(node, spans[j] as CapturedSpan)) {
        ofExpected[i] = j
        ofSpan[j] = i
        return
      }
    }
  })
  const augment = (i: number, visited: Uint8Array): boolean => {
    const node = nodes[i] as CompiledPattern
    for (const j of candidatesOf(node)) {
      if (visited[j] === 1 || !edge(node, spans[j] as CapturedSpan)) continue
      visited[j] = 1
      const owner = ofSpan[j] as number
      if (owner === -1 || augment(owner, visited)) {
        ofExpected[i] = j
        ofSpan[j] = i
        return true
      }
    }
    return false
  }
  for (let i = 0; i < nodes.length; i++) {
    if (ofExpected[i] !== -1) continue
    if (!augment(i, new Uint8Array(spans.length)) && stopAtFirstGap) break
  }
  return { ofExpected }
}

// Whether the spans, in order, fit the sequence, where 'any' takes zero or more spans.
function orderedFits(
  sequence: readonly (CompiledPattern | 'any')[],
  spans: readonly CapturedSpan[],
  fits: (node: CompiledPattern, span: CapturedSpan) => boolean,
): boolean {
  // reachable[j]: the first i items of the sequence can take exactly the first j spans.
  let reachable = new Uint8Array(spans.length + 1)
  reachable[0] = 1
  for (const item of sequence) {
    const next = new Uint8Array(spans.length + 1)
    for (let j = 0; j <= spans.length; j++) {
      if (item === 'any') {
        if (reachable[j] === 1 || (j > 0 && next[j - 1] === 1)) next[j] = 1
      } else if (j > 0 && reachable[j - 1] === 1 && fits(item, spans[j - 1] as CapturedSpan)) {
        next[j] = 1
      }
    }
    reachable = next
  }
  return reachable[spans.length] === 1
}
