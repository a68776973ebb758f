import { serviceOf } from '../model/captured-span.js'
import { describeValue } from '../select/describe.js'
import { matchText } from '../select/select-spans.js'
import { isAsymmetricMatcher } from '../select/selector.js'
import type { TextMatcher } from '../select/selector.js'
import type { AllowPattern, LintFinding } from './types.js'

const ALLOW_KEYS = ['span', 'attribute', 'scope', 'service'] as const

const isTextMatcher = (value: unknown): value is TextMatcher =>
  typeof value === 'string' || value instanceof RegExp || isAsymmetricMatcher(value)

const matches = (pattern: TextMatcher | undefined, text: string | undefined): boolean =>
  pattern === undefined || (text !== undefined && matchText(pattern, text))

/**
 * True when `pattern` says the finding is fine (see {@link AllowPattern}).
 *
 * @example
 * ```ts
 * allows('mail.to', { span, attribute: 'mail.to', message }) // true
 * allows({ scope: /undici/, attribute: 'url.query' }, finding)
 * ```
 */
export function allows(pattern: AllowPattern, finding: LintFinding): boolean {
  if (isTextMatcher(pattern)) return matchText(pattern, finding.attribute ?? finding.span.name)
  return matches(pattern.span, finding.span.name) &&
    matches(pattern.attribute, finding.attribute) &&
    matches(pattern.scope, finding.span.scope.name) &&
    matches(pattern.service, serviceOf(finding.span))
}

/**
 * Why `value` is not an {@link AllowPattern}, or undefined when it is one. Used to reject a bad
 * config before any rule runs.
 */
export function explainBadAllowPattern(value: unknown): string | undefined {
  if (isTextMatcher(value)) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${describeValue(value)} is not a string, a RegExp, an asymmetric matcher or an object with ${ALLOW_KEYS.join(', ')}`
  }
  const keys = Object.keys(value)
  const unknown = keys.filter((key) => !(ALLOW_KEYS as readonly string[]).includes(key))
  if (unknown.length > 0) return `${describeValue(value)} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${ALLOW_KEYS.join(', ')})`
  if (keys.length === 0) return '{} would allow every violation; name a span, attribute, scope or service'
  const bad = keys.find((key) => !isTextMatcher((value as Record<string, unknown>)[key]))
  if (bad !== undefined) return `${describeValue(value)}: ${bad} must be a string, a RegExp or an asymmetric matcher`
  return undefined
}
