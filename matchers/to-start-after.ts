import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedSpan } from '../src/model/captured-span.js'
import type { Selector } from '../src/select/selector.js'
import { timeOrder } from './time-order.js'
import type { TimeOrderOptions } from './time-order.js'

/**
 * Passes when the span started after `other` ended: a span, or every span of its trace matching a
 * selector. Spans of one service are compared exactly; across services a start up to
 * `skewToleranceMs` (default 20) before the other's end still passes, since the two clocks may
 * differ by that much. A selector matching no span fails with or without `.not`.
 *
 * @example
 * ```ts
 * expect(trace.span({ name: 'charge', kind: 'CLIENT' })).toStartAfter({ name: /reserve/, kind: 'CLIENT' })
 * expect(trace.span('POST /ship')).toStartAfter(trace.span('POST /charge'), { skewToleranceMs: 5 })
 * ```
 */
export function toStartAfter(this: MatcherState, received: unknown, other: Selector | CapturedSpan, options?: TimeOrderOptions): SyncMatcherResult {
  return timeOrder(this, 'toStartAfter', received, other, options)
}
