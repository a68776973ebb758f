import type { MatcherState, SyncMatcherResult } from 'vitest'
import { formatMs } from '../src/model/render-trace.js'
import { traceOf } from '../src/select/trace.js'
import { criticalPathSummary, markCriticalPath } from './critical-path-marks.js'
import { assertSpan, formatFailure, spanLabel } from './failure-message.js'

/**
 * Passes when the span is on its trace's critical path: the chain of work the entry span waited
 * for (see `trace.criticalPath()`). A span running in parallel with a slower sibling is off it:
 * making it faster would not make the request faster.
 *
 * @example
 * ```ts
 * expect(trace.span('SELECT orders')).toBeOnCriticalPath()
 * expect(trace.span('write audit record')).not.toBeOnCriticalPath()
 * ```
 */
export function toBeOnCriticalPath(this: MatcherState, received: unknown): SyncMatcherResult {
  assertSpan('toBeOnCriticalPath', received)
  const span = received
  const trace = traceOf(span)
  if (trace === undefined) {
    throw new TypeError(`toBeOnCriticalPath() needs the span's trace, but span ${span.spanId} ("${span.name}") was not taken from a Trace. Pass a span from the trace, e.g. expect(trace.span('SELECT orders')).toBeOnCriticalPath().`)
  }
  const step = trace.criticalPath().find((s) => s.span.spanId === span.spanId)
  const pass = step !== undefined
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toBeOnCriticalPath',
      received: 'span',
      args: '',
      expected: `${spanLabel(span)} to be on the critical path of its trace`,
      actual: step === undefined
        ? 'it is off the critical path: the entry span did not wait for it'
        : step.contributionMs > 0 ? `it is on it, contributing ${formatMs(step.contributionMs)}` : 'it is on it (its children on the path cover all of its time)',
      details: criticalPathSummary(trace),
      trace,
      marks: markCriticalPath(trace, undefined, new Map([[span.spanId, { label: 'received' }]])),
    }),
  }
}
