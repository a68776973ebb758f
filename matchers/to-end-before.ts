import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedSpan } from '../src/model/captured-span.js'
import type { Selector } from '../src/select/selector.js'
import { timeOrder } from './time-order.js'
import type { TimeOrderOptions } from './time-order.js'

/**
 * Passes when the span ended before `other` started: a span, or every span of its trace matching
 * a selector. Spans of one service are compared exactly; across services an end up to
 * `skewToleranceMs` (default 20) after the other's start still passes. A selector matching no
 * span fails with or without `.not`.
 *
 * @example
 * ```ts
 * expect(trace.span({ name: 'reserve', kind: 'CLIENT' })).toEndBefore({ name: 'charge', kind: 'CLIENT' })
 * ```
 */
export function toEndBefore(this: MatcherState, received: unknown, other: Selector | CapturedSpan, options?: TimeOrderOptions): SyncMatcherResult {
  return timeOrder(this, 'toEndBefore', received, other, options)
}
