import type { MatcherState, SyncMatcherResult } from 'vitest'
import { describeValue } from '../src/select/describe.js'
import { matchAttribute } from '../src/select/select-spans.js'
import type { AttributeMatcher } from '../src/select/selector.js'
import { assertSpan, formatFailure, matcherEquals, spanLabel, traceOfSpan } from './failure-message.js'

/**
 * Passes when the span has the attribute `key` and, if `value` is given, its value equals it
 * (exact, a RegExp for strings, or an asymmetric matcher such as `expect.stringMatching()`).
 *
 * @example
 * ```ts
 * expect(trace.span(/SELECT/)).toHaveAttribute('db.system.name', 'postgresql')
 * expect(trace.root).toHaveAttribute('http.route')
 * expect(trace.root).not.toHaveAttribute('enduser.id')
 * ```
 */
export function toHaveAttribute(this: MatcherState, received: unknown, key: string, ...value: [AttributeMatcher?]): SyncMatcherResult {
  assertSpan('toHaveAttribute', received)
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`toHaveAttribute() expects an attribute name as its first argument, e.g. toHaveAttribute('http.route', '/orders/:id'). Received ${describeValue(key)}.`)
  }
  const span = received
  const checkValue = value.length > 0
  const expectedValue = value[0]
  const present = key in span.attributes
  const actual = span.attributes[key]
  const pass = present && (!checkValue || matchAttribute(expectedValue, actual, matcherEquals(this)))
  return {
    pass,
    message: () => {
      const similar = Object.keys(span.attributes).filter((k) => k !== key && similarKey(k, key))
      const details = [`Attributes of ${spanLabel(span)}:`, ...listAttributes(span.attributes, key)]
      if (!present && similar.length) details.push('', `Did you mean ${similar.map((k) => JSON.stringify(k)).join(' or ')}?`)
      return formatFailure(this, {
        matcher: 'toHaveAttribute',
        received: 'span',
        args: checkValue ? 'key, value' : 'key',
        expected: checkValue ? `attribute ${JSON.stringify(key)} = ${describeValue(expectedValue)}` : `attribute ${JSON.stringify(key)} to be present`,
        actual: present ? `${JSON.stringify(key)} = ${describeValue(actual)}` : `no attribute ${JSON.stringify(key)}`,
        details,
        trace: traceOfSpan(span),
        marks: new Map([[span.spanId, { label: 'received' }]]),
      })
    },
    actual,
    expected: expectedValue,
  }
}

function listAttributes(attributes: Readonly<Record<string, unknown>>, focus: string): string[] {
  const keys = Object.keys(attributes).sort()
  if (keys.length === 0) return ['  (none)']
  return keys.map((k) => `${k === focus ? '> ' : '  '}${k}: ${describeValue(attributes[k])}`)
}

/** `db.system` vs `db.system.name`, `http.status_code` vs `http.response.status_code`, typos. */
function similarKey(a: string, b: string): boolean {
  if (a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) return true
  const lastA = a.split('.').pop() ?? a
  const lastB = b.split('.').pop() ?? b
  return lastA === lastB || a.toLowerCase() === b.toLowerCase()
}
