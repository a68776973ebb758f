import { describe, expect, test } from 'vitest'
import { DEFAULT_SNAPSHOT_ATTRIBUTES, renderTraceSnapshot } from 'tracewright'
import { traceSerializer, traceSnapshotSerializer } from 'tracewright/matchers'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { checkoutTrace } from '../fixtures/checkout-trace.js'
import { errorOf } from '../fixtures/failure-message.js'

describe('the trace snapshot serializer', () => {
  test('tracewright/vitest registers it: toMatchInlineSnapshot stores the text tree', () => {
    expect(checkoutTrace()).toMatchInlineSnapshot(`
      Trace (9 spans)
      POST /checkout  SERVER  orders
      │  · http.request.method: "POST"
      │  · http.response.status_code: 201
      │  · http.route: "/checkout"
      ├─ GET  CLIENT  orders
      │  │  · http.request.method: "GET"
      │  └─ GET /stock/:sku  SERVER  inventory
      │        · http.request.method: "GET"
      │        · http.route: "/stock/:sku"
      ├─ GET  CLIENT  orders
      │  │  · http.request.method: "GET"
      │  └─ GET /stock/:sku  SERVER  inventory
      │        · http.request.method: "GET"
      │        · http.route: "/stock/:sku"
      ├─ POST  CLIENT  orders
      │  │  · http.request.method: "POST"
      │  └─ POST /charge  SERVER  payments
      │        · http.route: "/charge"
      ├─ SELECT cart  CLIENT  orders
      │     · db.collection.name: "cart"
      │     · db.system.name: "postgresql"
      └─ audit publish  PRODUCER  orders
            · messaging.destination.name: "audit"
            · messaging.system: "rabbitmq"
    `)
  })

  test('toMatchSnapshot stores the same text in the snapshot file', () => {
    expect(ordersTrace()).toMatchSnapshot()
  })

  test('a trace inside another value is serialized in place', () => {
    const trace = buildTrace({ name: 'GET /', kind: 'SERVER', startMs: 0, endMs: 1, children: [{ name: 'child', startMs: 0, endMs: 1 }] })
    expect({ status: 200, trace }).toMatchInlineSnapshot(`
      {
        "status": 200,
        "trace": Trace (2 spans)
        GET /  SERVER  orders
        └─ child  INTERNAL  orders,
      }
    `)
  })

  test('it applies to traces only', () => {
    expect(traceSnapshotSerializer.test(ordersTrace())).toBe(true)
    expect(traceSnapshotSerializer.test(ordersTrace().root)).toBe(false)
    expect(traceSnapshotSerializer.test({ traceId: 'x' })).toBe(false)
  })

  test('traceSerializer({ attributes }) chooses the attributes; one added later wins', () => {
    const custom = traceSerializer({ attributes: [...DEFAULT_SNAPSHOT_ATTRIBUTES, 'order.total'] })
    const trace = ordersTrace()
    expect(custom.serialize(trace, {}, '')).toBe(renderTraceSnapshot(trace, { attributes: [...DEFAULT_SNAPSHOT_ATTRIBUTES, 'order.total'] }))
    expect(custom.serialize(trace, {}, '')).toContain('· order.total: 129.95')
  })

  test('bad options throw a TypeError that names the fix', () => {
    expect(errorOf(() => traceSerializer({ attributes: 'http.route' } as never))).toEqual(new TypeError('traceSerializer() expects attributes to be an array of attribute keys, e.g. [...DEFAULT_SNAPSHOT_ATTRIBUTES, \'order.id\'].'))
    expect(errorOf(() => traceSerializer({ attributes: ['x'], ids: true } as never)).message).toBe('traceSerializer() got an unknown option "ids". The only option is attributes (an array of attribute keys).')
    expect(errorOf(() => traceSerializer(null as never))).toBeInstanceOf(TypeError)
  })
})
