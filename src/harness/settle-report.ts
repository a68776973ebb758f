import type { SettleInfo } from '../collector/settle.js'
import type { LateSpan } from '../collector/trace-store.js'
import { LateSpanError } from '../errors.js'
import { serviceOf } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'

/**
 * How a trace returned by `svc.request()` was settled, and what came after: read it with
 * {@link settleReport}. `late` grows while the service runs: a span of the trace that arrives
 * after the trace was handed out is added here (and, inside vitest, fails the test that got it).
 *
 * @example
 * ```ts
 * const { trace } = await svc.request('GET /orders/42')
 * settleReport(trace)?.late // [] when nothing came after the trace was handed out
 * ```
 */
export interface SettleReport {
  readonly traceId: string
  /** `exact`: span starts were reported; `quiet`: settled by a learned quiet window (a foreign exporter). */
  readonly rule: SettleInfo['rule']
  /** The quiet window used, ms (0 for `exact`). */
  readonly quietMs: number
  /** From the response being read to the trace being settled, ms. */
  readonly settleMs: number
  /** Spans that arrived after the trace was handed out, in arrival order. */
  readonly late: readonly LateSpan[]
}

const reports = new WeakMap<Trace, SettleReport>()

/** Prefix of the warning printed for late spans no test can fail for; `tracewright/reporter` collects these lines. */
export const LATE_SPAN_WARNING = '[tracewright] late spans:'

/**
 * How `trace` was settled and which spans of it came late, for a trace returned by
 * `svc.request()` of a child-process service; undefined for any other trace.
 *
 * @example
 * ```ts
 * const report = settleReport(trace)
 * if (report && report.late.length > 0) console.warn(describeLateSpans(report))
 * ```
 */
export function settleReport(trace: Trace): SettleReport | undefined {
  return reports.get(trace)
}

/** Records the report of a trace just handed out; returns its (growing) list of late spans. */
export function recordSettle(trace: Trace, info: SettleInfo, settleMs: number): LateSpan[] {
  const late: LateSpan[] = []
  reports.set(trace, { traceId: trace.traceId, rule: info.rule, quietMs: info.quietMs, settleMs, late })
  return late
}

/**
 * The message for late spans of a trace: the trace id, each late span with how late it came, and
 * the option that fixes it.
 */
export function describeLateSpans(traceId: string, late: readonly LateSpan[], rule: SettleInfo['rule'], quietMs: number, pulledFrom?: string): string {
  const shown = late.slice(0, 10).map(({ span, lateMs }) =>
    `  - ${JSON.stringify(span.name)} (${span.kind}, span ${span.spanId}, service ${serviceOf(span)}), ${lateMs.toFixed(1)} ms late`)
  if (late.length > 10) shown.push(`  - … and ${late.length - 10} more`)
  const latest = Math.max(...late.map((l) => l.lateMs))
  const fix = pulledFrom !== undefined
    ? `The trace was read from ${pulledFrom} and settled after ${quietMs} ms without new spans there; these spans were found there when the test ended (the times above are from the hand-over to when they were found). ` +
      `If they belong to work that runs after the response, wait for them with svc.waitForSpan(trace, selector); if the backend stores spans this late, raise the floor of the quiet window (attachService({ quietMs: ${Math.ceil(quietMs + latest * 2)} })).`
    : rule === 'quiet'
    ? `The trace was settled after ${quietMs} ms without new spans, because the service's exporter does not report span starts. ` +
      `Please raise the service's quietMs option (startService({ quietMs: ${Math.ceil(quietMs + latest * 2)} })), or, for a Node service, ` +
      "run it with `--import tracewright/register` so its traces settle exactly. If the spans belong to work that runs after the response, wait for them with svc.waitForSpan(trace, selector)."
    : 'The service said every span it had started was exported, so these spans started after the request was answered (background work). ' +
      'Please wait for them with svc.waitForSpan(trace, selector) before asserting on them.'
  return `Failed to hand over trace ${traceId} complete: ${late.length} span${late.length === 1 ? '' : 's'} arrived after it was handed to the test:\n${shown.join('\n')}\n${fix}`
}

/** The error a test fails with when spans of its traces came late. */
export function lateSpanError(messages: readonly string[]): LateSpanError {
  return new LateSpanError(messages.join('\n\n'))
}
