import type { MatcherState, SyncMatcherResult } from 'vitest'
import { selectSpans } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import { describeValue } from '../src/select/describe.js'
import { assertTrace, describeSelector, withSelectorArgument, formatFailure, markCandidates, missingInstrumentationNote, markSpans, matcherEquals } from './failure-message.js'

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
  const { min, max, text, singular } = parseCount(count)
  const equals = matcherEquals(this)
  const matches = withSelectorArgument('toHaveSpanCount', () => selectSpans(received, selector, equals))
  const n = matches.length
  const pass = n >= min && n <= max
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveSpanCount',
      received: 'trace',
      args: 'selector, count',
      expected: `${text} span${singular ? '' : 's'} matching ${describeSelector(selector)}`,
      actual: `${n} matching span${n === 1 ? '' : 's'}`,
      trace: received,
      details: missingInstrumentationNote(received, n),
      marks: n > 0 ? markSpans(matches, 'match') : markCandidates(received, selector, equals),
    }),
    actual: n,
    expected: count,
  }
}

function parseCount(count: unknown): { min: number; max: number; text: string; singular: boolean } {
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0
  if (isCount(count)) return { min: count, max: count, text: String(count), singular: count === 1 }
  if (typeof count === 'object' && count !== null) {
    const { min, max, ...rest } = count as { min?: unknown; max?: unknown }
    const extra = Object.keys(rest)
    if (extra.length === 0 && (min === undefined || isCount(min)) && (max === undefined || isCount(max)) && (min !== undefined || max !== undefined)) {
      const lo = min ?? 0
      const hi = max ?? Number.POSITIVE_INFINITY
      if (lo <= hi) {
        const text = max === undefined ? `at least ${lo}` : min === undefined ? `at most ${hi}` : `between ${lo} and ${hi}`
        // "at least 1 span", "at most 1 span", but "between 0 and 1 spans".
        return { min: lo, max: hi, text, singular: (max === undefined && lo === 1) || (min === undefined && hi === 1) }
      }
    }
  }
  throw new TypeError(`toHaveSpanCount() expects a count: a whole number, or { min, max } with whole numbers and min ≤ max. Received ${describeValue(count)}. For example: toHaveSpanCount(/SELECT/, { max: 1 }).`)
}
