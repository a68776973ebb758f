import type { MatcherState } from 'vitest'
import type { CapturedSpan } from '../src/model/captured-span.js'
import { isCapturedSpan } from '../src/model/captured-span.js'
import { renderTrace } from '../src/model/render-trace.js'
import type { SpanMark } from '../src/model/render-trace.js'
import { Trace, traceOf } from '../src/select/trace.js'
import { closestSpans, defaultEquals, describeSelector } from '../src/select/select-spans.js'
import type { Equals } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import { SelectorError } from '../src/errors.js'

/** What every failure message of a tracewright matcher is built from. */
export interface FailureReport {
  /** Matcher name without the dot, e.g. `toHaveSpan`. */
  readonly matcher: string
  /** `trace` or `span`: how the received value is named in the hint line. */
  readonly received: 'trace' | 'span'
  /** The argument names of the hint line, e.g. `selector`. */
  readonly args?: string
  /** `Expected: …` line(s). */
  readonly expected: string
  /** `Received: …` line(s). */
  readonly actual: string
  /** Extra lines between Received and the trace (attribute lists, differences). */
  readonly details?: readonly string[]
  /** The trace to show; omitted for a trace-less span. */
  readonly trace?: Trace | undefined
  /** Spans to point at in the tree. */
  readonly marks?: ReadonlyMap<string, SpanMark>
  /** Print the trace's log lines under the tree (default true); off when the details list them. */
  readonly logs?: boolean
  /** Lines shown instead of the rendered trace (a tree diff), still followed by the trace id. */
  readonly treeLines?: readonly string[]
}

/**
 * The one message format of every tracewright matcher: hint line, expected, received, details,
 * then the captured trace as a tree with the relevant spans marked, and the trace id.
 */
export function formatFailure(state: MatcherState, report: FailureReport): string {
  const { utils, isNot } = state
  const lines = [
    utils.matcherHint(`.${report.matcher}`, report.received, report.args ?? 'expected', { isNot }),
    '',
    `Expected: ${isNot ? 'not ' : ''}${report.expected}`,
    `Received: ${report.actual}`,
  ]
  if (report.details?.length) lines.push('', ...report.details)
  if (report.trace !== undefined) {
    lines.push('', ...(report.treeLines ?? [renderTrace(report.trace, { ...(report.marks ? { marks: report.marks } : {}), ...(report.logs === false ? { logs: false } : {}) })]))
    lines.push('', `traceId: ${report.trace.traceId}`)
  }
  return lines.join('\n')
}

/** Marks the spans closest to `selector`, each with what differs from it. */
export function markCandidates(trace: Trace, selector: Selector, equals: Equals, marks = new Map<string, SpanMark>(), limit = 3): Map<string, SpanMark> {
  for (const candidate of closestSpans(trace, selector, limit, equals)) {
    if (marks.has(candidate.span.spanId)) continue
    marks.set(candidate.span.spanId, {
      label: 'closest candidate',
      notes: candidate.mismatches.map((m) => `${m.field}: expected ${m.expected}, got ${m.actual}`),
    })
  }
  return marks
}

/** Marks every span in `spans` with the same label (numbered when there are several). */
export function markSpans(spans: readonly CapturedSpan[], label: string, marks = new Map<string, SpanMark>()): Map<string, SpanMark> {
  spans.forEach((span, i) => {
    if (!marks.has(span.spanId)) marks.set(span.spanId, { label: spans.length > 1 ? `${label} ${i + 1}/${spans.length}` : label })
  })
  return marks
}

/**
 * The `Equals` a matcher hands the selector engine: the runner's, with the test's custom testers.
 * Playwright Test's matcher state has an `equals` that only throws: there the selector engine's
 * own equality stands in, which honours asymmetric matchers as the runners' does.
 */
export function matcherEquals(state: MatcherState): Equals {
  try {
    state.equals(1, 1)
  } catch {
    return defaultEquals
  }
  return (actual, expected) => state.equals(actual, expected, state.customTesters)
}

/** `a Trace`, `an Array`, `number 5`, … for misuse messages. */
export function describeReceived(received: unknown): string {
  if (received === null) return 'null'
  if (received === undefined) return 'undefined'
  if (typeof received === 'object') {
    const name = (received as object).constructor?.name
    return name && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object'
  }
  return `${typeof received} ${JSON.stringify(received)}`
}

/** Throws a TypeError naming the matcher unless `received` is a {@link Trace}. */
export function assertTrace(matcher: string, received: unknown): asserts received is Trace {
  if (received instanceof Trace) return
  let hint = 'Pass the `trace` that `await svc.request(...)` resolves to.'
  if (typeof received === 'object' && received !== null && (received as { trace?: unknown }).trace instanceof Trace) {
    hint = 'You passed the whole request result; use `expect(result.trace)` or destructure `{ trace }`.'
  } else if (isCapturedSpan(received)) {
    hint = 'You passed a span; this matcher takes the whole trace.'
  }
  throw new TypeError(`${matcher}() expects a Trace, received ${describeReceived(received)}. ${hint}`)
}

/** Throws a TypeError naming the matcher unless `received` is a captured span. */
export function assertSpan(matcher: string, received: unknown): asserts received is CapturedSpan {
  if (isCapturedSpan(received)) return
  let hint = 'Pass one span, e.g. `expect(trace.span("SELECT orders"))` or `expect(trace.root)`.'
  if (received instanceof Trace) hint = 'You passed a trace; pick a span with `trace.span(selector)` or `trace.root`.'
  throw new TypeError(`${matcher}() expects a span, received ${describeReceived(received)}. ${hint}`)
}

/**
 * Runs `work`, turning a {@link SelectorError} from a bad selector argument into a TypeError that
 * names the matcher (the selector error stays as its cause).
 */
export function withSelectorArgument<T>(matcher: string, work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof SelectorError) throw new TypeError(`${matcher}(): ${error.message}`, { cause: error })
    throw error
  }
}

/** Throws a TypeError naming the matcher unless `ms` is a non-negative finite number. */
export function assertMilliseconds(matcher: string, ms: unknown): asserts ms is number {
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return
  throw new TypeError(`${matcher}() expects a budget in milliseconds (a non-negative number), received ${describeReceived(ms)}. For example: ${matcher}(200).`)
}

/** The trace a received span belongs to, or a one-span trace when it was made by hand. */
export function traceOfSpan(span: CapturedSpan): Trace {
  return traceOf(span) ?? new Trace([span])
}

/** A short `"name" KIND` reference to a span for message lines. */
export function spanLabel(span: CapturedSpan): string {
  return `${JSON.stringify(span.name)} ${span.kind} (span ${span.spanId})`
}

/**
 * When nothing matched and no span of the trace comes from an instrumentation library (pg, http,
 * express, …), the likeliest reason: the library the selector is about was never instrumented.
 */
export function missingInstrumentationNote(trace: Trace, matched: number): string[] {
  if (matched > 0 || trace.spans().some((span) => INSTRUMENTATION_SCOPE.test(span.scope.name))) return []
  return [
    'No span of this trace comes from an instrumentation library (pg, ioredis, http, express, …). If the code under test',
    'uses one, its spans may be missing because it is not instrumented: in-process, list \'tracewright/instrument\' first',
    'in vitest\'s setupFiles; in a child process, start it with --import tracewright/register.',
  ]
}

// Scope names of the official (and most third-party) instrumentation packages.
const INSTRUMENTATION_SCOPE = /instrumentation/i

export { describeSelector }
