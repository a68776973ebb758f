import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedSpan } from '../src/model/captured-span.js'
import { formatMs } from '../src/model/render-trace.js'
import type { SpanMark } from '../src/model/render-trace.js'
import { compileSelector } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import type { Trace } from '../src/select/trace.js'
import { SpanLookupError } from '../src/errors.js'
import { assertTrace, describeSelector, formatFailure, matcherEquals, withSelectorArgument } from './failure-message.js'
import { clockNote, failBothWays, offset, resolutionNs, sameClock, skewTolerance } from './time-order.js'
import type { TimeOrderOptions } from './time-order.js'

/**
 * Passes when every span of the trace matching `selector` overlaps every other one in time: they
 * were all in flight at once. `.not` passes when they ran one after another (no two overlap).
 * When some overlap and some do not, the assertion fails with or without `.not`, saying which.
 * Spans of one service are compared exactly; across services, intervals that miss each other by
 * up to `skewToleranceMs` (default 20) still count as overlapping. Fewer than two matching spans
 * fail either way.
 *
 * @example
 * ```ts
 * expect(trace).toRunInParallel({ name: 'GET', kind: 'CLIENT', attributes: { 'server.address': /stock/ } })
 * expect(trace).not.toRunInParallel({ name: /^INSERT/ })
 * ```
 */
export function toRunInParallel(this: MatcherState, received: unknown, selector: Selector, options?: TimeOrderOptions): SyncMatcherResult {
  assertTrace('toRunInParallel', received)
  if (selector === undefined || selector === null) {
    throw new TypeError(`toRunInParallel() expects a selector for the spans that should overlap, e.g. toRunInParallel({ name: 'GET', kind: 'CLIENT' }). Received ${String(selector)}.`)
  }
  const toleranceMs = skewTolerance('toRunInParallel', options)
  const trace = received
  const match = withSelectorArgument('toRunInParallel', () => compileSelector(selector, matcherEquals(this)))
  const spans = trace.spans().filter((s) => match(s, trace))
  if (spans.length < 2) throw tooFew(trace, selector, spans.length)
  const pairs = pairsOf(spans, toleranceMs)
  const overlapping = pairs.filter((p) => p.overlap).length
  const pass = overlapping === pairs.length
  const message = (): string => formatFailure(this, {
    matcher: 'toRunInParallel',
    received: 'trace',
    args: options === undefined ? 'selector' : 'selector, options',
    expected: `the ${spans.length} spans matching ${describeSelector(selector)} to run in parallel (every one overlapping every other)`,
    actual: overlapping === 0 ? 'they ran one after another: no two overlap'
      : pass ? `every pair overlaps: all ${spans.length} were in flight at once`
      : `${overlapping} of ${pairs.length} pairs overlap: some ran in parallel, some one after another`,
    details: describePairs(spans, pairs, toleranceMs),
    trace,
    marks: new Map<string, SpanMark>(spans.map((s, i) => [s.spanId, { label: `matched ${i + 1}/${spans.length}  ${offset(trace, s.start)} → ${offset(trace, s.end)}` }])),
  })
  // Neither "in parallel" nor "one after another": a failure whichever way the matcher was called.
  if (overlapping > 0 && !pass) failBothWays(message())
  return { pass, message }
}

interface Pair {
  readonly a: CapturedSpan
  readonly b: CapturedSpan
  readonly overlap: boolean
  /** How long both were in flight (negative: the gap between them), in ns, before any tolerance. */
  readonly sharedNs: bigint
}

function pairsOf(spans: readonly CapturedSpan[], toleranceMs: number): Pair[] {
  const pairs: Pair[] = []
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i] as CapturedSpan
      const b = spans[j] as CapturedSpan
      const sharedNs = (a.end < b.end ? a.end : b.end) - (a.start > b.start ? a.start : b.start)
      pairs.push({ a, b, sharedNs, overlap: overlaps(a, b, sharedNs, toleranceMs) })
    }
  }
  return pairs
}

// Touching ends (one starts the instant the other ends) is one after another. Across clocks the
// skew tolerance counts for overlap. On one clock, the JS SDK's whole-millisecond starts shift each
// span up to 1 ms early, by its own amount: two awaited calls can appear to overlap by a fraction
// of a millisecond. Calls issued together read the same millisecond and are shifted alike, so an
// overlap under 1 ms counts only between spans whose recorded starts are equal.
function overlaps(a: CapturedSpan, b: CapturedSpan, sharedNs: bigint, toleranceMs: number): boolean {
  if (!sameClock(a, b)) return sharedNs + BigInt(Math.round(toleranceMs * 1e6)) > 0n
  const resolution = resolutionNs(a) > resolutionNs(b) ? resolutionNs(a) : resolutionNs(b)
  if (sharedNs <= 0n) return false
  return sharedNs >= resolution || a.start === b.start
}

function describePairs(spans: readonly CapturedSpan[], pairs: readonly Pair[], toleranceMs: number): string[] {
  const number = new Map(spans.map((s, i) => [s, i + 1]))
  const lines = pairs.slice(0, 15).map((p) => {
    const shared = p.sharedNs > 0n ? `overlap ${formatMs(Number(p.sharedNs) / 1e6)}` : `${formatMs(Number(-p.sharedNs) / 1e6)} apart`
    return `${p.overlap ? '  ' : '> '}${number.get(p.a)} and ${number.get(p.b)}: ${shared} (${clockNote(p.a, p.b, toleranceMs)})`
  })
  if (pairs.length > 15) lines.push(`  … and ${pairs.length - 15} more pairs`)
  return ['Pairs of matched spans, numbered as marked in the tree:', ...lines]
}

function tooFew(trace: Trace, selector: Selector, found: number): SpanLookupError {
  let detail = ''
  if (found === 0) {
    try {
      trace.span(selector)
    } catch (error) {
      detail = `\n\n${(error as Error).message}`
    }
  } else {
    detail = `\n\n${trace.toString()}`
  }
  return new SpanLookupError(
    `toRunInParallel(): Failed to compare spans matching ${describeSelector(selector)}: ${found === 0 ? 'no span matches' : 'only one span matches'}, ` +
      `and running in parallel takes at least two. Please check the selector against the trace.${detail}`,
  )
}
