import type { MatcherState, SyncMatcherResult } from 'vitest'
import { selectSpans } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import { assertTrace, describeSelector, formatFailure, markCandidates, markSpans, matcherEquals } from './failure-message.js'

/** An exact count, or bounds (both inclusive). */
export type SpanCount = number | { readonly min?: number; readonly max?: number }

/**
 * Passes when the number of spans matching `selector` is `count`, or within `{ min, max }`.
 * The N+1 query detector: `toHaveSpanCount({ attributes: { 'db.system.name': 'postgresql' } }, { max: 1 })`.
 *
 * @example
 * ```ts
 * expect(trace).toHaveSpanCount(/SELECT items/, 1)
 * expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, { min: 1, max: 3 })
 * ```
 */
export function toHaveSpanCount(this: MatcherState, received: unknown, selector: Selector, count: SpanCount): SyncMatcherResult {
  assertTrace('toHaveSpanCount', received)
  const { min, max, text } = parseCount(count)
  const equals = matcherEquals(this)
  const matches = selectSpans(received, selector, equals)
  const n = matches.length
  const pass = n >= min && n <= max
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveSpanCount',
      received: 'trace',
      args: 'selector, count',
      expected: `${text} span${text === '1' ? '' : 's'} matching ${describeSelector(selector)}`,
      actual: `${n} matching span${n === 1 ? '' : 's'}`,
      trace: received,
      marks: n > 0 ? markSpans(matches, 'match') : markCandidates(received, selector, equals),
    }),
    actual: n,
    expected: count,
  }
}

function parseCount(count: unknown): { min: number; max: number; text: string } {
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0
  if (isCount(count)) return { min: count, max: count, text: String(count) }
  if (typeof count === 'object' && count !== null) {
    const { min, max, ...rest } = count as { min?: unknown; max?: unknown }
    const extra = Object.keys(rest)
    if (extra.length === 0 && (min === undefined || isCount(min)) && (max === undefined || isCount(max)) && (min !== undefined || max !== undefined)) {
      const lo = min ?? 0
      const hi = max ?? Number.POSITIVE_INFINITY
      if (lo <= hi) {
        const text = max === undefined ? `at least ${lo}` : min === undefined ? `at most ${hi}` : `between ${lo} and ${hi}`
        return { min: lo, max: hi, text }
      }
    }
  }
  throw new TypeError(`toHaveSpanCount() expects a count: a whole number, or { min, max } with whole numbers and min ≤ max. Received ${JSON.stringify(count)}. For example: toHaveSpanCount(/SELECT/, { max: 1 }).`)
}
