import { createRandom } from '../../src/baseline/random.js'
import { TraceSamples } from '../../src/baseline/trace-samples.js'
import type { Trace } from '../../src/select/trace.js'
import { buildTrace } from '../fixtures/build-trace.js'
import type { SpanSpec } from '../fixtures/build-trace.js'

/** How one version of the fixture shop service behaves. */
export interface ShopVersion {
  /** Queries of `SELECT items` per request (1, or 3 with the N+1). */
  readonly itemQueries: number
  readonly itemStatement: string
  /** Duration of `price order`, ms. */
  readonly pricingMs: number
  /** The host the service calls for stock. */
  readonly stockHost: string
}

export const V1: ShopVersion = { itemQueries: 1, itemStatement: 'SELECT * FROM items WHERE order_id = ?', pricingMs: 4, stockHost: 'stock.internal' }
export const V2: ShopVersion = { itemQueries: 3, itemStatement: 'SELECT * FROM items WHERE id = ?', pricingMs: 12, stockHost: 'stock-v2.internal' }

let traceNumber = 1000

/**
 * The trace of one `GET /orders/:id` of a version, every duration scaled by `drift` (what a
 * round shares) and `noise` (its own).
 */
export function shopTrace(version: ShopVersion, drift: number, noise: () => number): Trace {
  let at = 0.2
  const span = (spec: Omit<SpanSpec, 'startMs' | 'endMs'>, ms: number): SpanSpec => {
    const start = at
    at += ms * drift * noise()
    return { ...spec, startMs: start, endMs: at }
  }
  const children: SpanSpec[] = [
    span({ name: 'SELECT orders', kind: 'CLIENT', attributes: { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT * FROM orders WHERE id = ?' } }, 1),
    ...Array.from({ length: version.itemQueries }, () =>
      span({ name: 'SELECT items', kind: 'CLIENT', attributes: { 'db.system.name': 'sqlite', 'db.query.text': version.itemStatement } }, 1)),
    span({ name: 'GET', kind: 'CLIENT', attributes: { 'url.full': `http://${version.stockHost}:${8000 + traceNumber}/stock/KB-01`, 'http.request.method': 'GET' } }, 2),
    span({ name: 'price order' }, version.pricingMs),
  ]
  return buildTrace({ name: 'GET /orders/:id', kind: 'SERVER', startMs: 0, endMs: at + 0.2, attributes: { 'http.route': '/orders/:id' }, children }, { traceNumber: traceNumber++, service: 'shop' })
}

/** `rounds` paired runs of both versions, with a drift per round and noise per run (seeded). */
export function shopRuns(base: ShopVersion, head: ShopVersion, rounds: number, seed = 7): { base: TraceSamples; head: TraceSamples } {
  const random = createRandom(seed)
  const noise = (): number => 1 + (random() - 0.5) * 0.1
  const baseRuns: Trace[][] = []
  const headRuns: Trace[][] = []
  for (let i = 0; i < rounds; i++) {
    const drift = 1 + (random() - 0.5) * 0.4
    baseRuns.push([shopTrace(base, drift, noise)])
    headRuns.push([shopTrace(head, drift, noise)])
  }
  return { base: new TraceSamples(baseRuns), head: new TraceSamples(headRuns) }
}
