import type { MatcherState, SyncMatcherResult } from 'vitest'
import { formatMs } from '../src/model/render-trace.js'
import { isCapturedSpan } from '../src/model/captured-span.js'
import { Trace } from '../src/select/trace.js'
import { criticalPathSummary, markCriticalPath } from './critical-path-marks.js'
import { assertMilliseconds, describeReceived, formatFailure, spanLabel, traceOfSpan } from './failure-message.js'

/**
 * A duration budget. On a trace: from its first span's start to its last span's end. On a span:
 * its own duration.
 *
 * @example
 * ```ts
 * expect(trace.root).toCompleteWithin(200)
 * expect(trace).toCompleteWithin(250)
 * ```
 */
export function toCompleteWithin(this: MatcherState, received: unknown, ms: number): SyncMatcherResult {
  assertMilliseconds('toCompleteWithin', ms)
  if (received instanceof Trace) {
    const took = received.durationMs
    const pass = took <= ms
    return {
      pass,
      message: () => formatFailure(this, {
        matcher: 'toCompleteWithin',
        received: 'trace',
        args: 'ms',
        expected: `the trace to complete within ${formatMs(ms)}`,
        actual: `it took ${formatMs(took)}`,
        details: criticalPathSummary(received),
        trace: received,
        marks: markCriticalPath(received),
      }),
      actual: took,
      expected: ms,
    }
  }
  if (!isCapturedSpan(received)) {
    throw new TypeError(`toCompleteWithin() expects a Trace or a span, received ${describeReceived(received)}. For example: expect(trace).toCompleteWithin(250) or expect(trace.root).toCompleteWithin(200).`)
  }
  const span = received
  const pass = span.durationMs <= ms
  const trace = traceOfSpan(span)
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toCompleteWithin',
      received: 'span',
      args: 'ms',
      expected: `${spanLabel(span)} to complete within ${formatMs(ms)}`,
      actual: `it took ${formatMs(span.durationMs)}`,
      // The path below the span, not the trace's: it says what this span itself waited for.
      details: criticalPathSummary(trace, span),
      trace,
      marks: markCriticalPath(trace, span, new Map([[span.spanId, { label: `received · ${formatMs(span.durationMs)} (budget ${formatMs(ms)})` }]])),
    }),
    actual: span.durationMs,
    expected: ms,
  }
}
