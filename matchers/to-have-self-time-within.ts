import type { MatcherState, SyncMatcherResult } from 'vitest'
import { formatMs } from '../src/model/render-trace.js'
import { selfTimeMs } from '../src/model/trace-tree.js'
import { criticalPathSummary, markCriticalPath } from './critical-path-marks.js'
import { assertMilliseconds, assertSpan, formatFailure, spanLabel, traceOfSpan } from './failure-message.js'

/**
 * A budget for a span's self time: its duration not covered by any of its children. Catches work
 * done in the span itself (serialisation, a busy loop) rather than in what it calls.
 *
 * @example
 * ```ts
 * expect(trace.root).toHaveSelfTimeWithin(20)
 * ```
 */
export function toHaveSelfTimeWithin(this: MatcherState, received: unknown, ms: number): SyncMatcherResult {
  assertSpan('toHaveSelfTimeWithin', received)
  assertMilliseconds('toHaveSelfTimeWithin', ms)
  const span = received
  const trace = traceOfSpan(span)
  const children = trace.children(span)
  const self = selfTimeMs(span, children)
  const pass = self <= ms
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveSelfTimeWithin',
      received: 'span',
      args: 'ms',
      expected: `${spanLabel(span)} to spend at most ${formatMs(ms)} outside its children`,
      actual: `self time ${formatMs(self)} of ${formatMs(span.durationMs)} (${children.length} child span${children.length === 1 ? '' : 's'} cover ${formatMs(span.durationMs - self)})`,
      // The trace's path, from its entry span: whether this self time is time the request waited for.
      details: criticalPathSummary(trace),
      trace,
      marks: markCriticalPath(trace, undefined, new Map([[span.spanId, { label: `received · self ${formatMs(self)}` }]])),
    }),
    actual: self,
    expected: ms,
  }
}
