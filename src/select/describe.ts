import { isAsymmetricMatcher } from './selector.js'

/**
 * A short, readable rendering of any expected value: strings quoted, RegExps as literals,
 * asymmetric matchers by their own description, objects one level deep.
 *
 * @example
 * ```ts
 * describeValue({ kind: 'SERVER', name: /GET/ }) // '{ kind: "SERVER", name: /GET/ }'
 * ```
 */
export function describeValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof RegExp) return String(value)
  if (typeof value === 'function') return value.name ? `[Function ${value.name}]` : '[Function]'
  if (value === undefined) return 'undefined'
  if (isAsymmetricMatcher(value)) return describeAsymmetric(value)
  if (Array.isArray(value)) {
    if (depth > 2) return '[…]'
    return `[${value.map((v) => describeValue(v, depth + 1)).join(', ')}]`
  }
  if (typeof value === 'object' && value !== null) {
    if (depth > 2) return '{…}'
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${describeValue(v, depth + 1)}`)
    return entries.length ? `{ ${entries.join(', ')} }` : '{}'
  }
  return String(value)
}

function describeAsymmetric(matcher: object): string {
  const m = matcher as { toAsymmetricMatcher?: () => string; toString: () => string; sample?: unknown }
  if (typeof m.toAsymmetricMatcher === 'function') return m.toAsymmetricMatcher()
  const own = m.toString()
  if (own !== '[object Object]') {
    return 'sample' in m ? `${own}(${describeValue(m.sample, 2)})` : own
  }
  return matcher.constructor?.name ?? 'AsymmetricMatcher'
}
