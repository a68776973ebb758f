import type { CapturedSpan } from '../src/model/captured-span.js'
import type { StatusCodeName } from '../src/model/captured-span.js'
import type { AttributeMatcher, EventQuery, Selector, TextMatcher } from '../src/select/selector.js'
import type { LintConfig } from '../src/lint/types.js'
import type { SpanCount } from './to-have-span-count.js'
import type { ExceptionMatch } from './to-have-recorded-exception.js'
import type { BaselineTaskMeta, MatchBaselineOptions } from './to-match-baseline.js'
import type { LinkAttributes } from './to-have-link.js'
import type { LogQuery } from './to-have-log.js'
import type { TimeOrderOptions } from './time-order.js'
import type { ConnectedOptions } from './to-be-connected.js'
import type { TreePattern } from '../src/select/tree-pattern.js'
import type { MatchTraceTreeOptions } from './to-match-trace-tree.js'

/** The matcher signatures tracewright adds to vitest's `expect`. */
export interface TracewrightMatchers<R = unknown> {
  /** The trace is one connected tree: no orphans, every service hop through a CLIENT span. */
  toBeConnected(options?: ConnectedOptions): R
  /** `lintTrace(trace, config)` finds no violation of severity `'error'`. */
  toFollowTraceConventions(config?: LintConfig): R
  /** The trace has a span matching `selector`. */
  toHaveSpan(selector: Selector): R
  /** The number of spans matching `selector` is `count` or within `{ min, max }`. */
  toHaveSpanCount(selector: Selector, count: SpanCount): R
  /** A trace, or a span, completed within `ms` milliseconds. */
  toCompleteWithin(ms: number): R
  /** The span has attribute `key` (equal to `value` when given). */
  toHaveAttribute(key: string, value?: AttributeMatcher): R
  /** The span's status is `code` (with a message matching `message` when given). */
  toHaveStatus(code: StatusCodeName, message?: TextMatcher): R
  /** The span has an event matching `event`. */
  toHaveEvent(event: EventQuery): R
  /** The span recorded an exception (matching `match` when given). */
  toHaveRecordedException(match?: ExceptionMatch): R
  /** The span's parent matches `parent`. */
  toBeChildOf(parent: Selector | CapturedSpan): R
  /** Some ancestor of the span matches `ancestor`. */
  toBeDescendantOf(ancestor: Selector | CapturedSpan): R
  /** The span is on its trace's critical path (see `trace.criticalPath()`). */
  toBeOnCriticalPath(): R
  /** The span's time outside its children is at most `ms`. */
  toHaveSelfTimeWithin(ms: number): R
  /** Measured samples match the recorded baseline: same structure, no slower beyond noise. */
  toMatchBaseline(options?: MatchBaselineOptions): R
  /** The span links to a span matching `target` (or to that span), with `attributes` when given. */
  toHaveLink(target: Selector | CapturedSpan, attributes?: LinkAttributes): R
  /** The span started after `other` ended (across services within `skewToleranceMs`). */
  toStartAfter(other: Selector | CapturedSpan, options?: TimeOrderOptions): R
  /** The span ended before `other` started (across services within `skewToleranceMs`). */
  toEndBefore(other: Selector | CapturedSpan, options?: TimeOrderOptions): R
  /** The trace's spans matching `selector` all overlap in time; `.not`: they ran one after another. */
  toRunInParallel(selector: Selector, options?: TimeOrderOptions): R
  /** The trace, or the span, has a log record matching `query` (OTLP logs and trace-stamped output lines). */
  toHaveLog(query: LogQuery): R
  /** The trace's spans form exactly `tree` (siblings in any order unless `ordered`; `anySpans()` allows others). */
  toMatchTraceTree(tree: TreePattern, options?: MatchTraceTreeOptions): R
}

declare module 'vitest' {
  /** What `toMatchBaseline` leaves on a test for `tracewright/reporter`. */
  interface TaskMeta {
    tracewright?: BaselineTaskMeta[]
  }

  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends TracewrightMatchers<R> {}
}
