import type { AsymmetricMatcherLike, SpanQuery, TextMatcher } from './selector.js'

/** Matches any attribute value that is present. */
const PRESENT: AsymmetricMatcherLike = Object.freeze({
  asymmetricMatch: (value: unknown) => value !== undefined,
  toAsymmetricMatcher: () => 'present',
})

/**
 * A selector for database queries: spans with a query text (`db.query.text`), of `system` when
 * given. Connection spans (`pg-pool.connect`, `pg.connect`) carry the database attributes too but
 * run no query, so a count of `{ attributes: { 'db.system.name': 'postgresql' } }` counts them;
 * this does not.
 *
 * @example
 * ```ts
 * expect(trace).toHaveSpanCount(dbQuery('postgresql'), { max: 2 }) // no N+1
 * expect(trace).toHaveSpan(dbQuery({ text: /FROM orders/ }))
 * ```
 */
export function dbQuery(filter: string | { readonly system?: TextMatcher; readonly text?: TextMatcher } = {}): SpanQuery {
  const { system, text } = typeof filter === 'string' ? { system: filter, text: undefined } : filter
  return {
    attributes: {
      ...(system === undefined ? {} : { 'db.system.name': system }),
      'db.query.text': text ?? PRESENT,
    },
  }
}
