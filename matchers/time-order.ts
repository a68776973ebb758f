import { AssertionError } from 'node:assert'
import type { MatcherState, SyncMatcherResult } from 'vitest'
import { isCapturedSpan, serviceOf } from '../src/model/captured-span.js'
import type { CapturedSpan } from '../src/model/captured-span.js'
import { formatMs } from '../src/model/render-trace.js'
import { describeValue } from '../src/select/describe.js'
import { compileSelector } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import type { Trace } from '../src/select/trace.js'
import { SpanLookupError } from '../src/errors.js'
import { assertSpan, describeSelector, formatFailure, matcherEquals, traceOfSpan, withSelectorArgument } from './failure-message.js'

/**
 * How far apart the clocks of two processes may be. Spans of one service are compared exactly;
 * spans of different services (different processes, different clocks) get this much benefit of
 * the doubt, in the direction the matcher asserts.
 */
export interface TimeOrderOptions {
  /** Default 20 ms: what two hosts synchronised by NTP, or a container and its host, can differ by. */
  readonly skewToleranceMs?: number
}

/** Default of {@link TimeOrderOptions.skewToleranceMs}. */
export const DEFAULT_SKEW_TOLERANCE_MS = 20

/**
 * True when two spans were timed by the same clock: the same service, and the same
 * `service.instance.id` where both spans carry one (replicas of a service are separate processes).
 */
export function sameClock(a: CapturedSpan, b: CapturedSpan): boolean {
  if (serviceOf(a) !== serviceOf(b)) return false
  const ia = a.resource['service.instance.id']
  const ib = b.resource['service.instance.id']
  return ia === undefined || ib === undefined || ia === ib
}

const MS_NS = 1_000_000n

/**
 * How coarse a span's timestamps are. The OpenTelemetry JS SDK takes a span's start from
 * `Date.now()`, a whole millisecond, and its end from that start plus a precise duration: both
 * edges land up to 1 ms before the real ones. A whole-millisecond start with a finer end is that
 * signature (an exact clock hits a whole millisecond once in a million); such a span is known to 1 ms.
 */
export function resolutionNs(span: CapturedSpan): bigint {
  return span.start % MS_NS === 0n && span.end % MS_NS !== 0n ? MS_NS : 0n
}

/**
 * The tolerance in nanoseconds between two spans: on one clock, only the coarser timestamp
 * resolution of the two (0 for exact timestamps); across clocks, the skew tolerance on top.
 */
export function toleranceNs(a: CapturedSpan, b: CapturedSpan, toleranceMs: number): bigint {
  const resolution = resolutionNs(a) > resolutionNs(b) ? resolutionNs(a) : resolutionNs(b)
  return sameClock(a, b) ? resolution : resolution + BigInt(Math.round(toleranceMs * 1e6))
}

/** Reads and checks `{ skewToleranceMs }`, throwing a TypeError that names the matcher. */
export function skewTolerance(matcher: string, options: TimeOrderOptions | undefined): number {
  if (options === undefined) return DEFAULT_SKEW_TOLERANCE_MS
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${matcher}() expects options as an object, e.g. { skewToleranceMs: 5 }. Received ${describeValue(options)}.`)
  }
  const extra = Object.keys(options).filter((k) => k !== 'skewToleranceMs')
  if (extra.length) throw new TypeError(`${matcher}() got an unknown option ${JSON.stringify(extra[0])}. The only option is skewToleranceMs.`)
  const ms = options.skewToleranceMs
  if (ms === undefined) return DEFAULT_SKEW_TOLERANCE_MS
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms
  throw new TypeError(`${matcher}() expects skewToleranceMs to be a non-negative number of milliseconds, received ${describeValue(ms)}.`)
}

/**
 * The spans `other` names for `span`: the span itself, or every span of `trace` but `span` that
 * matches the selector. Matching none fails the assertion either way (with `.not` too): an order
 * against nothing would pass on missing data.
 */
export function otherSpans(state: MatcherState, matcher: string, span: CapturedSpan, trace: Trace, other: Selector | CapturedSpan): CapturedSpan[] {
  if (other === undefined || other === null) {
    throw new TypeError(`${matcher}() expects a selector or a span, e.g. ${matcher}({ name: 'reserve stock' }) or ${matcher}(trace.span('reserve stock')). Received ${String(other)}.`)
  }
  if (isCapturedSpan(other)) return [other]
  const match = withSelectorArgument(matcher, () => compileSelector(other, matcherEquals(state)))
  const found = trace.spans().filter((s) => s !== span && match(s, trace))
  if (found.length === 0) {
    try {
      trace.span(other)
    } catch (error) {
      throw new SpanLookupError(`${matcher}(): ${(error as Error).message}`)
    }
    throw new SpanLookupError(`${matcher}(): the only span matching ${describeSelector(other)} is the received span itself. Please select the span to compare it with.`)
  }
  return found
}

/** `+12.3 ms` after the trace start, for message lines. */
export function offset(trace: Trace, time: bigint): string {
  const first = trace.spans()[0]?.start ?? time
  return `+${formatMs(Number(time - first) / 1e6)}`
}

/** A gap of `ns` between two times: `3.20 ms`. */
export function gap(ns: bigint): string {
  return formatMs(Number(ns < 0n ? -ns : ns) / 1e6)
}

/** The clause saying whether a comparison allowed for clock skew. */
export function clockNote(a: CapturedSpan, b: CapturedSpan, toleranceMs: number): string {
  const coarse = resolutionNs(a) > 0n || resolutionNs(b) > 0n ? ', timestamps to 1 ms' : ''
  return sameClock(a, b) ? `same service, compared exactly${coarse}` : `${serviceOf(a)} and ${serviceOf(b)}: ${formatMs(toleranceMs)} clock-skew tolerance${coarse}`
}

/**
 * A failure that holds whichever way the matcher was called: vitest fails the test on a thrown
 * assertion error with or without `.not`, which is right when the spans fit neither the assertion
 * nor its negation (some ran in parallel, some one after another).
 */
export function failBothWays(message: string): never {
  throw new AssertionError({ message })
}

/** Which edge of the received span is compared with which edge of the others. */
export type OrderRelation = 'start-after' | 'end-before'

/**
 * The shared body of `toStartAfter` and `toEndBefore`. Per other span, the margin is how long
 * after the other ended the received span started (or before the other started it ended); it
 * must not be negative, or more negative than the skew tolerance across services.
 */
function orderReport(
  received: CapturedSpan,
  trace: Trace,
  others: readonly CapturedSpan[],
  other: Selector | CapturedSpan,
  toleranceMs: number,
  relation: OrderRelation,
): { pass: boolean; details: string[]; expected: string; actual: string; marks: Map<string, { label: string }> } {
  const compared = others.map((b) => {
    const marginNs = relation === 'start-after' ? received.start - b.end : b.start - received.end
    return { span: b, marginNs, ok: marginNs >= -toleranceNs(received, b, toleranceMs) }
  })
  const pass = compared.every((c) => c.ok)
  const worst = compared.reduce((w, c) => (c.marginNs < w.marginNs ? c : w))
  const [mine, theirs, word] = relation === 'start-after' ? ['started', 'ended', 'after'] as const : ['ended', 'started', 'before'] as const
  const wanted = isCapturedSpan(other) ? JSON.stringify(other.name)
    : others.length === 1 ? `the span matching ${describeSelector(other)}` : `every span matching ${describeSelector(other)} (${others.length})`
  const details = compared.slice(0, 10).map((c) => {
    const [ownTime, otherTime] = relation === 'start-after' ? [received.start, c.span.end] : [received.end, c.span.start]
    return `${c.ok ? '  ' : '> '}${JSON.stringify(c.span.name)} ${c.span.kind} (span ${c.span.spanId}) ${theirs} at ${offset(trace, otherTime)}, ` +
      `the received span ${mine} at ${offset(trace, ownTime)}: ${c.marginNs >= 0n ? `${gap(c.marginNs)} ${word === 'after' ? 'after' : 'before'}` : `${gap(c.marginNs)} ${word === 'after' ? 'before' : 'after'}`} (${clockNote(received, c.span, toleranceMs)})`
  })
  if (compared.length > 10) details.push(`  … and ${compared.length - 10} more`)
  const marks = new Map<string, { label: string }>([[received.spanId, { label: 'received' }]])
  for (const c of compared) if (!marks.has(c.span.spanId)) marks.set(c.span.spanId, { label: c.ok ? `${theirs} in time` : `${theirs} ${gap(c.marginNs)} too late` })
  return {
    pass,
    details: [`Compared with (${mine} ${word === 'after' ? 'after they ended' : 'before they started'}; spans of one service exactly, of different services within ${formatMs(toleranceMs)}):`, ...details],
    expected: `${JSON.stringify(received.name)} ${received.kind} (span ${received.spanId}) to ${relation === 'start-after' ? 'start after' : 'end before'} ${wanted} ${theirs}`,
    actual: worst.marginNs >= 0n
      ? `it ${mine} ${gap(worst.marginNs)} ${word} ${JSON.stringify(worst.span.name)} ${theirs}`
      : `it ${mine} ${gap(worst.marginNs)} ${word === 'after' ? 'before' : 'after'} ${JSON.stringify(worst.span.name)} ${theirs}`,
    marks,
  }
}

/** The body `toStartAfter` and `toEndBefore` share. */
export function timeOrder(state: MatcherState, matcher: 'toStartAfter' | 'toEndBefore', received: unknown, other: Selector | CapturedSpan, options: TimeOrderOptions | undefined): SyncMatcherResult {
  assertSpan(matcher, received)
  const toleranceMs = skewTolerance(matcher, options)
  const trace = traceOfSpan(received)
  const others = otherSpans(state, matcher, received, trace, other)
  const report = orderReport(received, trace, others, other, toleranceMs, matcher === 'toStartAfter' ? 'start-after' : 'end-before')
  return {
    pass: report.pass,
    message: () => formatFailure(state, {
      matcher,
      received: 'span',
      args: options === undefined ? 'other' : 'other, options',
      expected: report.expected,
      actual: report.actual,
      details: report.details,
      trace,
      marks: report.marks,
    }),
  }
}
