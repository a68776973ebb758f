import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedSpan } from '../src/model/captured-span.js'
import type { Selector } from '../src/select/selector.js'
import { relationReport } from './relation.js'

/**
 * Passes when some ancestor of the span (its parent, its parent's parent, …) matches `ancestor`:
 * a selector, or a span itself.
 *
 * @example
 * ```ts
 * expect(trace.span(/SELECT items/)).toBeDescendantOf('GET /orders/:id')
 * ```
 */
export function toBeDescendantOf(this: MatcherState, received: unknown, ancestor: Selector | CapturedSpan): SyncMatcherResult {
  return relationReport(this, 'toBeDescendantOf', received, ancestor, 'descendant')
}
