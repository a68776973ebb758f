// toMatchTraceTree and the trace snapshot serializer on a 10,000-span trace captured through the
// real SDK. Target: ≤ 20 ms a call each. Each is timed beside a bare alternative doing the same
// work, interleaved call by call: a recursive walk comparing the same tree literal with the trace
// position by position (no validation, no matching, no memo), and JSON.stringify of a plain tree of
// the same spans and attributes (no canonical order).
import type { MatcherState } from 'vitest'
import { anySpans, DEFAULT_SNAPSHOT_ATTRIBUTES } from '../dist/src/index.js'
import type { CapturedSpan, Trace, TreePattern } from '../dist/src/index.js'
import { toMatchTraceTree, traceSnapshotSerializer } from '../dist/matchers/index.js'
import { printTable } from './report.ts'
import { buildTrace, SPANS } from './to-have-span.ts'

const state = { isNot: false, equals: (a: unknown, b: unknown) => Object.is(a, b), customTesters: [] } as unknown as MatcherState

interface Node { name: string; kind: string; children: Node[] }

/** The trace's exact tree as a literal, children listed in reverse start order (not the order they ran). */
function patternOf(trace: Trace, span: CapturedSpan): Node {
  return { name: span.name, kind: span.kind, children: trace.children(span).map((c) => patternOf(trace, c)).reverse() }
}

/** The same tree, children in start order, for the ordered case and the bare walk. */
function orderedPatternOf(trace: Trace, span: CapturedSpan): Node {
  return { name: span.name, kind: span.kind, children: trace.children(span).map((c) => orderedPatternOf(trace, c)) }
}

function bareWalk(trace: Trace, span: CapturedSpan, node: Node): boolean {
  if (span.name !== node.name || span.kind !== node.kind) return false
  const kids = trace.children(span)
  if (kids.length !== node.children.length) return false
  return kids.every((kid, i) => bareWalk(trace, kid, node.children[i] as Node))
}

function bareSnapshot(trace: Trace): string {
  const plain = (span: CapturedSpan): unknown => ({
    name: span.name,
    kind: span.kind,
    service: span.resource['service.name'],
    status: span.status.code,
    attributes: Object.fromEntries(DEFAULT_SNAPSHOT_ATTRIBUTES.filter((k) => k in span.attributes).map((k) => [k, span.attributes[k]])),
    children: trace.children(span).map(plain),
  })
  return JSON.stringify(plain(trace.root), null, 2)
}

function time(fn: () => unknown): number {
  const t0 = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t0) / 1e6
}

export function benchTraceTree(): { worstMedianMs: number } {
  const trace = buildTrace()
  if (trace.size !== SPANS) throw new Error(`built ${trace.size} spans, wanted ${SPANS}`)
  const exact = patternOf(trace, trace.root) as TreePattern
  const ordered = orderedPatternOf(trace, trace.root)
  // Only the groups are named: every other span at each level is let through by anySpans().
  const spread: TreePattern = {
    name: trace.root.name,
    children: [...trace.children(trace.root).filter((c) => trace.children(c).length > 0).map((c) => ({ name: c.name, children: [anySpans()] })), anySpans()],
  }
  const cases: [string, () => unknown, () => unknown][] = [
    ['toMatchTraceTree, exact tree, siblings unordered', () => assertPass(toMatchTraceTree.call(state, trace, exact)), () => bareWalk(trace, trace.root, ordered)],
    ['toMatchTraceTree, exact tree, ordered: true', () => assertPass(toMatchTraceTree.call(state, trace, ordered as TreePattern, { ordered: true })), () => bareWalk(trace, trace.root, ordered)],
    ['toMatchTraceTree, groups + anySpans()', () => assertPass(toMatchTraceTree.call(state, trace, spread)), () => bareWalk(trace, trace.root, ordered)],
    ['snapshot serializer (text tree, canonical order)', () => traceSnapshotSerializer.serialize(trace, {}, ''), () => bareSnapshot(trace)],
  ]
  const rows: [string, number[]][] = []
  const medians: number[] = []
  for (const [label, ours, bare] of cases) {
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < 120; i++) {
      const t1 = time(ours)
      const t2 = time(bare)
      if (i >= 20) {
        a.push(t1)
        b.push(t2)
      }
    }
    rows.push([label, a], [`  bare: ${label.startsWith('snapshot') ? 'JSON.stringify of a plain tree' : 'positional recursive walk'}`, b])
    medians.push([...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number)
  }
  const worst = Math.max(...medians)
  printTable(`toMatchTraceTree and trace snapshots on a ${SPANS.toLocaleString('en')}-span trace`, rows, `slowest median: ${worst.toFixed(2)} ms (target ≤ 20 ms)`)
  return { worstMedianMs: worst }
}

function assertPass(result: { pass: boolean }): void {
  if (!result.pass) throw new Error('the tree did not match the trace it was made from')
}

if (import.meta.url === `file://${process.argv[1]}`) benchTraceTree()
