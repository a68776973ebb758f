import type { MatcherState, SyncMatcherResult } from 'vitest'
import { selectSpans } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import { assertTrace, describeSelector, withSelectorArgument, formatFailure, markCandidates, missingInstrumentationNote, markSpans, matcherEquals } from './failure-message.js'

/**
 * Passes when the trace has at least one span matching `selector`.
 *
 * @example
 * ```ts
 * expect(trace).toHaveSpan({ name: 'GET /orders/:id', kind: 'SERVER' })
 * expect(trace).not.toHaveSpan(/DELETE/)
 * ```
 */
export function toHaveSpan(this: MatcherState, received: unknown, selector: Selector): SyncMatcherResult {
  assertTrace('toHaveSpan', received)
  const equals = matcherEquals(this)
  const matches = withSelectorArgument('toHaveSpan', () => selectSpans(received, selector, equals))
  const pass = matches.length > 0
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveSpan',
      received: 'trace',
      args: 'selector',
      expected: `a span matching ${describeSelector(selector)}`,
      actual: pass
        ? `${matches.length} matching span${matches.length === 1 ? '' : 's'}`
        : `no span matches (${received.size} span${received.size === 1 ? '' : 's'} captured)`,
      trace: received,
      details: missingInstrumentationNote(received, matches.length),
      marks: pass ? markSpans(matches, 'match') : markCandidates(received, selector, equals),
    }),
  }
}
