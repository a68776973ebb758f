// toMatchTraceTree and the trace snapshot serializer on a 10,000-span trace captured through the
// real SDK. Target: ≤ 20 ms a call each. Each is timed beside a bare alternative doing the same
// work, interleaved call by call: a recursive walk comparing the same tree literal with the trace
// position by position (no validation, no matching, no memo); for the anySpans() case, a count of
// the root's children by name; and JSON.stringify of a plain tree of the same spans and attributes
// (no canonical order).
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

// The anySpans() case by hand: the root's name, then a child of each group's name for each group.
function bareSpread(trace: Trace, groups: readonly string[]): boolean {
  if (trace.root.name !== 'GET /orders') return false
  const available = new Map<string, number>()
  for (const child of trace.children(trace.root)) available.set(child.name, (available.get(child.name) ?? 0) + 1)
  for (const name of groups) {
    const left = available.get(name) ?? 0
    if (left === 0) return false
    available.set(name, left - 1)
  }
  return true
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

// Wall time, and the process's CPU time over the same call: on a shared machine the process is
// often descheduled, and CPU time says what the call itself cost.
function time(fn: () => unknown, cpu: number[]): number {
  const c0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  fn()
  const wall = Number(process.hrtime.bigint() - t0) / 1e6
  const used = process.cpuUsage(c0)
  cpu.push((used.user + used.system) / 1000)
  return wall
}

const medianOf = (values: readonly number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number

export function benchTraceTree(): { worstMedianMs: number } {
  const trace = buildTrace()
  if (trace.size !== SPANS) throw new Error(`built ${trace.size} spans, wanted ${SPANS}`)
  const exact = patternOf(trace, trace.root) as TreePattern
  const ordered = orderedPatternOf(trace, trace.root)
  // Only the groups are named: every other span at each level is let through by anySpans().
  const groups = trace.children(trace.root).filter((c) => trace.children(c).length > 0).map((c) => c.name)
  const spread: TreePattern = { name: trace.root.name, children: [...groups.map((name) => ({ name, children: [anySpans()] })), anySpans()] }
  const cases: [string, () => unknown, () => unknown][] = [
    ['toMatchTraceTree, exact tree, siblings unordered', () => assertPass(toMatchTraceTree.call(state, trace, exact)), () => bareWalk(trace, trace.root, ordered)],
    ['toMatchTraceTree, exact tree, ordered: true', () => assertPass(toMatchTraceTree.call(state, trace, ordered as TreePattern, { ordered: true })), () => bareWalk(trace, trace.root, ordered)],
    ['toMatchTraceTree, groups + anySpans()', () => assertPass(toMatchTraceTree.call(state, trace, spread)), () => bareSpread(trace, groups)],
    ['snapshot serializer (text tree, canonical order)', () => traceSnapshotSerializer.serialize(trace, {}, ''), () => bareSnapshot(trace)],
  ]
  const rows: [string, number[]][] = []
  const medians: number[] = []
  const cpuLines: string[] = []
  for (const [label, ours, bare] of cases) {
    const a: number[] = []
    const b: number[] = []
    const cpuA: number[] = []
    const cpuB: number[] = []
    for (let i = 0; i < 120; i++) {
      const t1 = time(ours, cpuA)
      const t2 = time(bare, cpuB)
      if (i < 20) {
        cpuA.pop()
        cpuB.pop()
      } else {
        a.push(t1)
        b.push(t2)
      }
    }
    const bareLabel = label.startsWith('snapshot') ? 'JSON.stringify of a plain tree' : label.includes('anySpans') ? 'a child of each group\'s name, counted' : 'positional recursive walk'
    rows.push([label, a], [`  bare: ${bareLabel}`, b])
    medians.push(medianOf(a))
    cpuLines.push(`- ${label}: ${medianOf(cpuA).toFixed(2)} ms CPU a call (bare ${medianOf(cpuB).toFixed(2)} ms; ratio of medians: wall ${(medianOf(a) / medianOf(b)).toFixed(2)}×, CPU ${(medianOf(cpuA) / medianOf(cpuB)).toFixed(2)}×)`)
  }
  const worst = Math.max(...medians)
  printTable(`toMatchTraceTree and trace snapshots on a ${SPANS.toLocaleString('en')}-span trace`, rows, `slowest median: ${worst.toFixed(2)} ms (target ≤ 20 ms)\n\nmedian CPU time of the process per call (GC threads included):\n${cpuLines.join('\n')}`)
  return { worstMedianMs: worst }
}

function assertPass(result: { pass: boolean }): void {
  if (!result.pass) throw new Error('the tree did not match the trace it was made from')
}

if (import.meta.url === `file://${process.argv[1]}`) benchTraceTree()
