import type { CapturedLog } from './captured-log.js'
import type { CapturedSpan } from './captured-span.js'

/**
 * What reading a trace's shape needs: its id, spans, parent and child links and logs. Both a
 * {@link TraceTree} and the selector-aware `Trace` built on it satisfy it, so the renderer and the
 * break finder take either.
 */
export interface TraceView {
  /** 32 lowercase hex characters, or `''` when unknown. */
  readonly traceId: string
  readonly logs: readonly CapturedLog[]
  /** Every span whose parent is not part of the trace, earliest first. */
  readonly roots: readonly CapturedSpan[]
  /** From the earliest start to the latest end, in milliseconds. */
  readonly durationMs: number
  /** Every span, in start order. */
  spans(): readonly CapturedSpan[]
  parent(span: CapturedSpan): CapturedSpan | undefined
  children(span: CapturedSpan): readonly CapturedSpan[]
  spanById(spanId: string): CapturedSpan | undefined
}

/** Identity and logs of a trace besides its spans. */
export interface TraceInit {
  readonly traceId?: string
  readonly logs?: readonly CapturedLog[]
}

const NO_LOGS: readonly CapturedLog[] = Object.freeze([])

/**
 * One trace's spans indexed as a tree: start order, parent and child links, roots. Sorting and
 * indexing wait until something asks, so a trace that is never inspected (a measurement run, a
 * warm-up) does not pay for them. Reading it has no side effects; the public `Trace` wraps it and
 * records which trace handed out each span.
 */
export class TraceTree implements TraceView {
  readonly traceId: string
  readonly logs: readonly CapturedLog[]
  readonly #input: readonly CapturedSpan[]
  #index: TraceIndex | undefined

  constructor(spans: Iterable<CapturedSpan>, init: TraceInit = {}) {
    const input = Array.isArray(spans) ? (spans as readonly CapturedSpan[]).slice() : [...spans]
    this.#input = input
    this.logs = init.logs !== undefined && init.logs.length > 0 ? init.logs.slice() : NO_LOGS
    this.traceId = init.traceId ?? input[0]?.traceId ?? ''
  }

  get #indexed(): TraceIndex {
    this.#index ??= buildIndex(this.#input)
    return this.#index
  }

  /** Number of spans; does not build the index. */
  get size(): number {
    return this.#input.length
  }

  /** Every span whose parent is not in the trace, earliest first. */
  get roots(): readonly CapturedSpan[] {
    return this.#indexed.roots
  }

  /** From the earliest start to the latest end, in milliseconds. */
  get durationMs(): number {
    let start: bigint | undefined
    let end: bigint | undefined
    for (const s of this.#input) {
      if (start === undefined || s.start < start) start = s.start
      if (end === undefined || s.end > end) end = s.end
    }
    return start === undefined || end === undefined ? 0 : Number(end - start) / 1e6
  }

  /** Every span, in start order. */
  spans(): readonly CapturedSpan[] {
    return this.#indexed.sorted
  }

  /** The span with this id, if it is in the trace. */
  spanById(spanId: string): CapturedSpan | undefined {
    return this.#indexed.byId.get(spanId)
  }

  /** The parent of `span` within this trace, or undefined for a root. */
  parent(span: CapturedSpan): CapturedSpan | undefined {
    return span.parentSpanId === undefined ? undefined : this.#indexed.byId.get(span.parentSpanId)
  }

  /** Direct children of `span`, in start order. */
  children(span: CapturedSpan): readonly CapturedSpan[] {
    return this.#indexed.children.get(span.spanId) ?? NO_CHILDREN
  }

  /** Every span below `span`, depth first. */
  descendants(span: CapturedSpan): CapturedSpan[] {
    const out: CapturedSpan[] = []
    const stack = [...this.children(span)].reverse()
    while (stack.length > 0) {
      const next = stack.pop() as CapturedSpan
      out.push(next)
      const kids = this.children(next)
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as CapturedSpan)
    }
    return out
  }

  /** Ancestors of `span`, nearest first; stops at a parent id seen before, so a cycle ends. */
  ancestors(span: CapturedSpan): CapturedSpan[] {
    const out: CapturedSpan[] = []
    const seen = new Set<string>([span.spanId])
    let current = this.parent(span)
    while (current !== undefined && !seen.has(current.spanId)) {
      out.push(current)
      seen.add(current.spanId)
      current = this.parent(current)
    }
    return out
  }
}

/**
 * Time of `span` not covered by the union of its children's intervals (clipped to the span), in
 * milliseconds.
 */
export function selfTimeMs(span: CapturedSpan, children: readonly CapturedSpan[]): number {
  const intervals = children
    .map((c) => [c.start < span.start ? span.start : c.start, c.end > span.end ? span.end : c.end] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  let covered = 0n
  let curStart: bigint | undefined
  let curEnd = 0n
  for (const [s, e] of intervals) {
    if (curStart === undefined || s > curEnd) {
      if (curStart !== undefined) covered += curEnd - curStart
      curStart = s
      curEnd = e
    } else if (e > curEnd) {
      curEnd = e
    }
  }
  if (curStart !== undefined) covered += curEnd - curStart
  const total = span.end - span.start
  return total > covered ? Number(total - covered) / 1e6 : 0
}

// Most spans are leaves; walking a large trace should not allocate an empty array for each.
const NO_CHILDREN: readonly CapturedSpan[] = Object.freeze([])

interface TraceIndex {
  readonly sorted: readonly CapturedSpan[]
  readonly byId: ReadonlyMap<string, CapturedSpan>
  readonly children: ReadonlyMap<string, CapturedSpan[]>
  readonly roots: readonly CapturedSpan[]
}

function buildIndex(input: readonly CapturedSpan[]): TraceIndex {
  const byId = new Map<string, CapturedSpan>()
  for (const span of input) byId.set(span.spanId, span)
  const sorted = sortByStart(input, byId)
  const children = new Map<string, CapturedSpan[]>()
  const roots: CapturedSpan[] = []
  for (const span of sorted) {
    const parentId = span.parentSpanId
    if (parentId !== undefined && byId.has(parentId)) {
      let list = children.get(parentId)
      if (list === undefined) children.set(parentId, (list = []))
      list.push(span)
    } else {
      roots.push(span)
    }
  }
  return { sorted, byId, children, roots }
}

// The JS SDK takes a span's start from Date.now(), so spans started within the same millisecond
// share a start time (and their ends, computed from that truncated start, cannot order them). Then
// an ancestor comes before its descendants, and otherwise the order they arrived in decides: spans
// arrive in the order they ended, which for awaited calls one after another is the order they ran.
function sortByStart(input: readonly CapturedSpan[], byId: ReadonlyMap<string, CapturedSpan>): CapturedSpan[] {
  const depths = new Map<string, number>()
  const depthOf = (span: CapturedSpan): number => {
    let depth = depths.get(span.spanId)
    if (depth !== undefined) return depth
    depth = 0
    const seen = new Set<string>([span.spanId])
    for (let p = span.parentSpanId; p !== undefined && !seen.has(p); ) {
      const parent = byId.get(p)
      if (parent === undefined) break
      seen.add(p)
      depth++
      p = parent.parentSpanId
    }
    depths.set(span.spanId, depth)
    return depth
  }
  const order = new Map<CapturedSpan, number>()
  input.forEach((span, i) => order.set(span, i))
  return [...input].sort((a, b) => {
    if (a.start !== b.start) return a.start < b.start ? -1 : 1
    return depthOf(a) - depthOf(b) || (order.get(a) as number) - (order.get(b) as number)
  })
}
