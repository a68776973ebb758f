import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { renderTraceSnapshot, startService } from 'tracewright'
import type { Service, Trace } from 'tracewright'
// @ts-expect-error: a plain ESM fixture without types, shared with the child process
import { createShopHandler } from '../fixtures/services/snapshot-shop.mjs'

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/services/${name}`, import.meta.url))
const RUNS = 3

// The same handler captured in-process (the harness's SDK, spans handed over in memory) and in a
// child process (its own SDK, batched OTLP/protobuf to the receiver): a trace snapshot of the same
// request must be the same bytes on both paths and on every run.
describe('trace snapshots across capture paths', () => {
  let inProcess: Service
  let child: Service

  beforeAll(async () => {
    inProcess = await startService({ app: createShopHandler, entrySpan: false, name: 'shop' })
    child = await startService({ command: [process.execPath, fixture('snapshot-shop-server.mjs')], ready: { log: /listening on/ }, name: 'shop' })
  })
  afterAll(async () => {
    await inProcess?.stop()
    await child?.stop()
  })

  const capture = async (svc: Service): Promise<Trace[]> => {
    const traces: Trace[] = []
    for (let i = 0; i < RUNS; i++) traces.push((await svc.request('GET /orders/42')).trace)
    return traces
  }

  test('the in-process and the child-process trace of one request serialize to identical text', async () => {
    const local = await capture(inProcess)
    const remote = await capture(child)
    // Ground truth that the two paths did capture different things: their own ids, times and values.
    expect(new Set([...local, ...remote].map((t) => t.traceId)).size).toBe(RUNS * 2)
    expect(local[0]?.root.attributes['request.id']).not.toBe(remote[0]?.root.attributes['request.id'])
    expect(local.every((t) => t.size === 9) && remote.every((t) => t.size === 9)).toBe(true)

    const texts = [...local, ...remote].map((t) => renderTraceSnapshot(t))
    for (const text of texts) expect(text).toBe(texts[0])
    expect(remote[0]).toMatchInlineSnapshot(`
      Trace (9 spans)
      GET /orders/:id  SERVER  shop
      │  · http.request.method: "GET"
      │  · http.response.status_code: 200
      │  · http.route: "/orders/:id"
      ├─ GET  CLIENT  shop
      │  │  · http.request.method: "GET"
      │  │  · http.response.status_code: 200
      │  └─ GET /stock/:sku  SERVER  shop
      │        · http.request.method: "GET"
      │        · http.response.status_code: 200
      │        · http.route: "/stock/:sku"
      ├─ GET  CLIENT  shop
      │  │  · http.request.method: "GET"
      │  │  · http.response.status_code: 200
      │  └─ GET /stock/:sku  SERVER  shop
      │        · http.request.method: "GET"
      │        · http.response.status_code: 200
      │        · http.route: "/stock/:sku"
      ├─ GET  CLIENT  shop  ERROR
      │  │  · error.type: "503"
      │  │  · http.request.method: "GET"
      │  │  · http.response.status_code: 503
      │  └─ GET /stock/:sku  SERVER  shop
      │        · http.request.method: "GET"
      │        · http.response.status_code: 503
      │        · http.route: "/stock/:sku"
      ├─ SELECT orders  CLIENT  shop
      │     · db.collection.name: "orders"
      │     · db.operation.name: "SELECT"
      │     · db.system.name: "postgresql"
      └─ orders publish  PRODUCER  shop
            · messaging.destination.name: "orders"
            · messaging.operation.type: "send"
            · messaging.system: "rabbitmq"
    `)
  })
})
