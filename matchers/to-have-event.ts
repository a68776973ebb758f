import type { MatcherState, SyncMatcherResult } from 'vitest'
import { describeValue } from '../src/select/describe.js'
import { compileEventQuery } from '../src/select/select-spans.js'
import type { EventQuery } from '../src/select/selector.js'
import { assertSpan, formatFailure, matcherEquals, spanLabel, traceOfSpan } from './failure-message.js'

/**
 * Passes when the span has an event matching `event`: a name (string, RegExp or asymmetric
 * matcher) or `{ name, attributes }`.
 *
 * @example
 * ```ts
 * expect(trace.root).toHaveEvent('cache.miss')
 * expect(trace.root).toHaveEvent({ name: 'retry', attributes: { attempt: 2 } })
 * ```
 */
export function toHaveEvent(this: MatcherState, received: unknown, event: EventQuery): SyncMatcherResult {
  assertSpan('toHaveEvent', received)
  let match: ReturnType<typeof compileEventQuery>
  try {
    match = compileEventQuery(event, matcherEquals(this))
  } catch (error) {
    throw new TypeError(`toHaveEvent(): ${(error as Error).message}`, { cause: error })
  }
  const span = received
  const matching = span.events.filter(match)
  const pass = matching.length > 0
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveEvent',
      received: 'span',
      args: 'event',
      expected: `${spanLabel(span)} to have an event matching ${describeValue(event)}`,
      actual: pass ? `${matching.length} matching event${matching.length === 1 ? '' : 's'}` : 'no matching event',
      details: [
        `Events of ${spanLabel(span)}:`,
        ...(span.events.length === 0
          ? ['  (none)']
          : span.events.map((e) => `${match(e) ? '> ' : '  '}${JSON.stringify(e.name)} ${describeValue(e.attributes)}`)),
      ],
      trace: traceOfSpan(span),
      marks: new Map([[span.spanId, { label: 'received' }]]),
    }),
    actual: span.events.map((e) => e.name),
    expected: event,
  }
}
