import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedSpan } from '../src/model/captured-span.js'
import type { Selector } from '../src/select/selector.js'
import { relationReport } from './relation.js'

/**
 * Passes when the span's direct parent matches `parent`: a selector, or a span itself.
 *
 * @example
 * ```ts
 * expect(trace.span(/SELECT orders/)).toBeChildOf({ kind: 'SERVER' })
 * expect(trace.span('charge')).toBeChildOf(trace.root)
 * ```
 */
export function toBeChildOf(this: MatcherState, received: unknown, parent: Selector | CapturedSpan): SyncMatcherResult {
  return relationReport(this, 'toBeChildOf', received, parent, 'child')
}
