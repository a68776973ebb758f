import { serviceOf } from '../model/captured-span.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { spanLabel } from '../model/span-label.js'
import { ancestorsOf } from '../select/trace.js'
import type { Trace } from '../select/trace.js'

/**
 * The identity of a span across runs: `service | span label | ancestor path` (ancestor labels from
 * the root down, joined by ` > `; a root span has no path part). Ids and times change every run; this does not, as long as the
 * service does the same thing. The label is the span name, or for a database span with a generic
 * name (`pg.query:SELECT test`) its query (see {@link spanLabel}), so a swapped query is a new key.
 *
 * @example
 * ```ts
 * spanKey(trace, trace.span('SELECT items')) // 'orders | SELECT items | GET /orders/:id'
 * ```
 */
export function spanKey(trace: Trace, span: CapturedSpan): string {
  const path = ancestorsOf(trace, span).reverse().map(spanLabel).join(' > ')
  return path === '' ? `${serviceOf(span)} | ${spanLabel(span)}` : `${serviceOf(span)} | ${spanLabel(span)} | ${path}`
}
