import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { StatusCodeName } from '../src/model/captured-span.js'
import { describeValue } from '../src/select/describe.js'
import { matchText } from '../src/select/select-spans.js'
import { STATUS_CODES } from '../src/select/selector.js'
import type { TextMatcher } from '../src/select/selector.js'
import { assertSpan, formatFailure, matcherEquals, spanLabel, traceOfSpan } from './failure-message.js'

/**
 * Passes when the span's status code is `code` and, if given, its message matches `message`.
 *
 * @example
 * ```ts
 * expect(trace.span('GET inventory')).toHaveStatus('ERROR', /timeout/)
 * expect(trace.root).not.toHaveStatus('ERROR')
 * ```
 */
export function toHaveStatus(this: MatcherState, received: unknown, code: StatusCodeName, ...message: [TextMatcher?]): SyncMatcherResult {
  assertSpan('toHaveStatus', received)
  const wanted = typeof code === 'string' ? code.toUpperCase() : code
  if (!(STATUS_CODES as readonly unknown[]).includes(wanted)) {
    throw new TypeError(`toHaveStatus() expects a status code: one of ${STATUS_CODES.join(', ')}. Received ${describeValue(code)}.`)
  }
  const span = received
  const checkMessage = message.length > 0 && message[0] !== undefined
  const pass = span.status.code === wanted &&
    (!checkMessage || matchText(message[0], span.status.message ?? '', matcherEquals(this)))
  const actualText = span.status.message ? `${span.status.code} ${JSON.stringify(span.status.message)}` : span.status.code
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveStatus',
      received: 'span',
      args: checkMessage ? 'code, message' : 'code',
      expected: `${spanLabel(span)} to have status ${wanted}${checkMessage ? ` with message ${describeValue(message[0])}` : ''}`,
      actual: `status ${actualText}`,
      trace: traceOfSpan(span),
      marks: new Map([[span.spanId, { label: 'received' }]]),
    }),
    actual: span.status,
    expected: checkMessage ? { code: wanted, message: message[0] } : { code: wanted },
  }
}
