import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedEvent } from '../src/model/captured-span.js'
import { describeValue } from '../src/select/describe.js'
import { matchText } from '../src/select/select-spans.js'
import type { Equals } from '../src/select/select-spans.js'
import { isAsymmetricMatcher } from '../src/select/selector.js'
import type { TextMatcher } from '../src/select/selector.js'
import { assertSpan, formatFailure, matcherEquals, spanLabel, traceOfSpan } from './failure-message.js'

/** What a recorded exception should look like. */
export type ExceptionMatch =
  | TextMatcher
  | (abstract new (...args: never[]) => Error)
  | { readonly type?: TextMatcher; readonly message?: TextMatcher; readonly stacktrace?: TextMatcher }

/**
 * Passes when the span recorded an exception (an `exception` event, as `span.recordException()`
 * writes). `match` narrows it: a string is a substring of `exception.message` (as `toThrow`
 * does), a RegExp or asymmetric matcher is tested against the message, an Error class against
 * `exception.type`, and `{ type, message, stacktrace }` against each.
 *
 * @example
 * ```ts
 * expect(trace.span('charge card')).toHaveRecordedException(/card declined/)
 * expect(trace.span('charge card')).toHaveRecordedException(TypeError)
 * expect(trace.root).not.toHaveRecordedException()
 * ```
 */
export function toHaveRecordedException(this: MatcherState, received: unknown, ...match: [ExceptionMatch?]): SyncMatcherResult {
  assertSpan('toHaveRecordedException', received)
  const span = received
  const test = compileExceptionMatch(match[0], matcherEquals(this))
  const exceptions = span.events.filter((e) => e.name === 'exception')
  const matching = exceptions.filter(test)
  const pass = matching.length > 0
  const wanted = match[0] === undefined ? 'an exception' : `an exception matching ${describeExceptionMatch(match[0])}`
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveRecordedException',
      received: 'span',
      args: match[0] === undefined ? '' : 'match',
      expected: `${spanLabel(span)} to have recorded ${wanted}`,
      actual: exceptions.length === 0
        ? `no exception recorded (status ${span.status.code}${span.status.message ? ` ${JSON.stringify(span.status.message)}` : ''})`
        : `${exceptions.length} exception${exceptions.length === 1 ? '' : 's'} recorded, ${matching.length} matching`,
      details: exceptions.map((e) => `${test(e) ? '> ' : '  '}${String(e.attributes['exception.type'] ?? '(no type)')}: ${String(e.attributes['exception.message'] ?? '(no message)')}`),
      trace: traceOfSpan(span),
      marks: new Map([[span.spanId, { label: 'received' }]]),
    }),
    actual: exceptions.map((e) => e.attributes),
    expected: match[0],
  }
}

function compileExceptionMatch(match: ExceptionMatch | undefined, equals: Equals): (event: CapturedEvent) => boolean {
  const field = (event: CapturedEvent, key: string): string => {
    const value = event.attributes[key]
    return typeof value === 'string' ? value : ''
  }
  if (match === undefined) return () => true
  if (typeof match === 'string') return (e) => field(e, 'exception.message').includes(match)
  if (match instanceof RegExp || isAsymmetricMatcher(match)) return (e) => matchText(match, field(e, 'exception.message'), equals)
  if (typeof match === 'function') {
    const name = match.name
    return (e) => field(e, 'exception.type') === name
  }
  if (typeof match === 'object' && match !== null) {
    const extra = Object.keys(match).filter((k) => !['type', 'message', 'stacktrace'].includes(k))
    if (extra.length === 0) {
      const parts: [string, TextMatcher][] = []
      if (match.type !== undefined) parts.push(['exception.type', match.type])
      if (match.message !== undefined) parts.push(['exception.message', match.message])
      if (match.stacktrace !== undefined) parts.push(['exception.stacktrace', match.stacktrace])
      return (e) => parts.every(([key, expected]) => matchText(expected, field(e, key), equals))
    }
  }
  throw new TypeError(`toHaveRecordedException() expects nothing, a message (string or RegExp), an Error class, or { type, message, stacktrace }. Received ${describeValue(match)}.`)
}

function describeExceptionMatch(match: ExceptionMatch): string {
  return typeof match === 'function' ? `type ${match.name}` : describeValue(match)
}
