import { serviceOf } from '../model/captured-span.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { ancestorsOf } from '../select/trace.js'
import type { Trace } from '../select/trace.js'

/**
 * The identity of a span across runs: `service | span name | ancestor path` (ancestor names from
 * the root down, joined by ` > `; a root span has no path part). Ids and times change every run; this does not, as long as the
 * service does the same thing.
 *
 * @example
 * ```ts
 * spanKey(trace, trace.span('SELECT items')) // 'orders | SELECT items | GET /orders/:id'
 * ```
 */
export function spanKey(trace: Trace, span: CapturedSpan): string {
  const path = ancestorsOf(trace, span).reverse().map((a) => a.name).join(' > ')
  return path === '' ? `${serviceOf(span)} | ${span.name}` : `${serviceOf(span)} | ${span.name} | ${path}`
}
