import { describe, expect, test } from 'vitest'
import { DEFAULT_SNAPSHOT_ATTRIBUTES, renderTraceSnapshot, Trace } from 'tracewright'
import type { CapturedSpan } from 'tracewright'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { checkoutTrace } from '../fixtures/checkout-trace.js'

/** A small deterministic generator (mulberry32), so a failing shuffle can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The same spans, in another arrival order, each moved in time and given fresh ids: what another run of the same request gives. */
function rerun(trace: Trace, seed: number): Trace {
  const next = random(seed)
  const ids = new Map(trace.spans().map((s) => [s.spanId, Math.floor(next() * 2 ** 52).toString(16).padStart(16, '0')]))
  const spans: CapturedSpan[] = trace.spans().map((s) => {
    const shift = BigInt(Math.floor(next() * 50_000_000))
    const { parentSpanId, ...rest } = s
    return {
      ...rest,
      traceId: 'f'.repeat(32),
      spanId: ids.get(s.spanId) as string,
      ...(parentSpanId === undefined ? {} : { parentSpanId: ids.get(parentSpanId) ?? parentSpanId }),
      start: s.start + shift,
      end: s.end + shift * 2n,
      durationMs: s.durationMs + Number(shift) / 1e6,
    }
  })
  for (let i = spans.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[spans[i], spans[j]] = [spans[j] as CapturedSpan, spans[i] as CapturedSpan]
  }
  return new Trace(spans)
}

describe('renderTraceSnapshot', () => {
  test('names, kinds, services, status codes and the behaviour-defining attributes; no ids, no times', () => {
    expect(renderTraceSnapshot(ordersTrace())).toMatchInlineSnapshot(`
      "Trace (8 spans)
      GET /orders/:id  SERVER  orders
      │  · http.request.method: "GET"
      │  · http.response.status_code: 200
      │  · http.route: "/orders/:id"
      ├─ GET  CLIENT  orders  ERROR
      │  │  · error.type: "503"
      │  │  · http.request.method: "GET"
      │  │  · http.response.status_code: 503
      │  └─ GET /stock/:sku  SERVER  inventory  ERROR
      │        · http.request.method: "GET"
      │        · http.response.status_code: 503
      │        · http.route: "/stock/:sku"
      ├─ SELECT items  CLIENT  orders
      │     · db.collection.name: "items"
      │     · db.system.name: "postgresql"
      ├─ SELECT items  CLIENT  orders
      │     · db.collection.name: "items"
      │     · db.system.name: "postgresql"
      ├─ SELECT items  CLIENT  orders
      │     · db.collection.name: "items"
      │     · db.system.name: "postgresql"
      ├─ SELECT orders  CLIENT  orders
      │     · db.collection.name: "orders"
      │     · db.system.name: "postgresql"
      └─ compute total  INTERNAL  orders"
    `)
  })

  test('the same shape gives the same bytes whatever the arrival order, timings and ids', () => {
    const expected = renderTraceSnapshot(checkoutTrace())
    for (let seed = 1; seed <= 50; seed++) expect(renderTraceSnapshot(rerun(checkoutTrace(), seed))).toBe(expected)
    // Ground truth that the reruns do differ where it matters: another start order of siblings.
    const orders = new Set(Array.from({ length: 50 }, (_, seed) => rerun(checkoutTrace(), seed + 1).children().map((s) => s.name + s.attributes['url.full']).join()))
    expect(orders.size).toBeGreaterThan(1)
  })

  test('siblings are ordered by their whole subtree, so two same-named spans with different children keep one order', () => {
    const a = buildTrace({ name: 'root', startMs: 0, endMs: 10, children: [
      { name: 'call', startMs: 1, endMs: 2, children: [{ name: 'b', startMs: 1, endMs: 2 }] },
      { name: 'call', startMs: 3, endMs: 4, children: [{ name: 'a', startMs: 3, endMs: 4 }] },
    ] })
    const b = buildTrace({ name: 'root', startMs: 0, endMs: 10, children: [
      { name: 'call', startMs: 1, endMs: 2, children: [{ name: 'a', startMs: 1, endMs: 2 }] },
      { name: 'call', startMs: 3, endMs: 4, children: [{ name: 'b', startMs: 3, endMs: 4 }] },
    ] })
    expect(renderTraceSnapshot(a)).toBe(renderTraceSnapshot(b))
    expect(renderTraceSnapshot(a)).toBe('Trace (5 spans)\nroot  INTERNAL  orders\n├─ call  INTERNAL  orders\n│  └─ a  INTERNAL  orders\n└─ call  INTERNAL  orders\n   └─ b  INTERNAL  orders')
  })

  test('a child that starts before its parent (clock skew between processes) is still under its parent', () => {
    const skewed = buildTrace({ name: 'GET', kind: 'CLIENT', startMs: 10, endMs: 20, children: [{ name: 'GET /x', kind: 'SERVER', service: 'x', startMs: 5, endMs: 15 }] })
    expect(renderTraceSnapshot(skewed)).toBe('Trace (2 spans)\nGET  CLIENT  orders\n└─ GET /x  SERVER  x')
  })

  test('unstable attributes (ports, addresses, paths with ids, query text) are left out by default', () => {
    const text = renderTraceSnapshot(ordersTrace())
    for (const key of ['url.path', 'url.full', 'server.address', 'db.query.text', 'order.total']) expect(text).not.toContain(key)
    expect(DEFAULT_SNAPSHOT_ATTRIBUTES).toContain('http.route')
    expect(DEFAULT_SNAPSHOT_ATTRIBUTES).not.toContain('server.port')
  })

  test('the attributes option replaces the allow-list; values print as JSON', () => {
    expect(renderTraceSnapshot(ordersTrace(), { attributes: ['order.skus', 'order.total', 'order.discounted'] })).toContain(
      '└─ compute total  INTERNAL  orders\n      · order.discounted: false\n      · order.skus: ["KB-01","MS-02"]\n      · order.total: 129.95',
    )
    expect(renderTraceSnapshot(ordersTrace(), { attributes: [] })).not.toContain('·')
  })

  test('several roots are each drawn, in canonical order; an empty trace is one line', () => {
    const broken = buildTrace([
      { name: 'z worker', startMs: 0, endMs: 1, remoteParentSpanId: 'ffffffffffffffff' },
      { name: 'a handler', kind: 'SERVER', startMs: 2, endMs: 3 },
    ])
    expect(renderTraceSnapshot(broken)).toBe('Trace (2 spans)\na handler  SERVER  orders\nz worker  INTERNAL  orders')
    expect(renderTraceSnapshot(new Trace([]))).toBe('Trace (0 spans)')
  })
})
