/**
 * The tracewright matchers as plain functions, for `expect.extend()` in a custom set-up or for
 * another runner with a Jest-compatible `expect`. Most users import `tracewright/vitest` instead.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest'
 * import { tracewrightMatchers } from 'tracewright/matchers'
 * expect.extend(tracewrightMatchers)
 * ```
 */
import { toBeChildOf } from './to-be-child-of.js'
import { toBeConnected } from './to-be-connected.js'
import { toBeDescendantOf } from './to-be-descendant-of.js'
import { toBeOnCriticalPath } from './to-be-on-critical-path.js'
import { toCompleteWithin } from './to-complete-within.js'
import { toFollowTraceConventions } from './to-follow-trace-conventions.js'
import { toHaveAttribute } from './to-have-attribute.js'
import { toEndBefore } from './to-end-before.js'
import { toHaveEvent } from './to-have-event.js'
import { toHaveLink } from './to-have-link.js'
import { toHaveLog } from './to-have-log.js'
import { toHaveRecordedException } from './to-have-recorded-exception.js'
import { toHaveSelfTimeWithin } from './to-have-self-time-within.js'
import { toHaveSpan } from './to-have-span.js'
import { toHaveSpanCount } from './to-have-span-count.js'
import { toHaveStatus } from './to-have-status.js'
import { toMatchBaseline } from './to-match-baseline.js'
import { toRunInParallel } from './to-run-in-parallel.js'
import { toStartAfter } from './to-start-after.js'
import { toMatchTraceTree } from './to-match-trace-tree.js'

export {
  toBeChildOf,
  toBeConnected,
  toBeDescendantOf,
  toBeOnCriticalPath,
  toCompleteWithin,
  toFollowTraceConventions,
  toHaveAttribute,
  toHaveEvent,
  toHaveRecordedException,
  toHaveSelfTimeWithin,
  toHaveSpan,
  toHaveSpanCount,
  toHaveStatus,
  toMatchBaseline,
  toEndBefore,
  toHaveLink,
  toHaveLog,
  toRunInParallel,
  toStartAfter,
  toMatchTraceTree,
}
export { traceSerializer, traceSnapshotSerializer } from './trace-serializer.js'
export type { TraceSnapshotSerializer } from './trace-serializer.js'
export type { SpanCount } from './to-have-span-count.js'
export type { ExceptionMatch } from './to-have-recorded-exception.js'
export type { BaselineTaskMeta, MatchBaselineOptions } from './to-match-baseline.js'
export type { LinkAttributes } from './to-have-link.js'
export type { LogQuery } from './to-have-log.js'
export type { TimeOrderOptions } from './time-order.js'
export type { MatchTraceTreeOptions } from './to-match-trace-tree.js'

/** Every matcher, keyed by name, ready for `expect.extend()`. */
export const tracewrightMatchers = {
  toBeChildOf,
  toBeConnected,
  toBeDescendantOf,
  toBeOnCriticalPath,
  toCompleteWithin,
  toFollowTraceConventions,
  toHaveAttribute,
  toHaveEvent,
  toHaveRecordedException,
  toHaveSelfTimeWithin,
  toHaveSpan,
  toHaveSpanCount,
  toHaveStatus,
  toMatchBaseline,
  toEndBefore,
  toHaveLink,
  toHaveLog,
  toRunInParallel,
  toStartAfter,
  toMatchTraceTree,
}
