// One request through three languages on one collector: the Go orders service asks the Python one
// for a quote, which asks the Node prices service. Each exports with its own SDK (otlptracehttp,
// opentelemetry-instrument, tracewright/register); W3C trace context carries the trace across, so
// the harness returns a single trace of all three.
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startCollector, startService } from 'tracewright'
import type { Collector, Service } from 'tracewright'
import { goExample } from '../go/service.js'
import { pythonExample } from '../python/service.js'
import { createOrdersDatabase } from './database.js'
import type { OrdersDatabase } from './database.js'

let collector: Collector
let db: OrdersDatabase
const services: Service[] = []
let go: Service

beforeAll(async () => {
  goExample.ensureBuilt()
  pythonExample.ensureBuilt()
  collector = await startCollector()
  db = await createOrdersDatabase('connected')
  const prices = await startService({
    command: [process.execPath, '--import', 'tracewright/register', fileURLToPath(new URL('prices.mjs', import.meta.url))],
    ready: { http: '/health' },
    name: 'prices-node',
    collector,
  })
  services.push(prices)
  const python = await startService(pythonExample.options({ DATABASE_URL: db.url, PRICES_URL: `${prices.url}/prices` }, collector))
  services.push(python)
  go = await startService(goExample.options({ DATABASE_URL: db.url, PRICES_URL: `${python.url}/quote` }, collector))
  services.push(go)
})

afterAll(async () => {
  for (const svc of services.reverse()) await svc.stop()
  await collector?.stop()
  await db?.teardown()
})

test('a quote crosses Go, Python and Node in one connected trace', async () => {
  const { response, trace } = await go.request('GET /quote/MS-02')
  expect(response.status).toBe(200)
  expect(response.json()).toEqual({ sku: 'MS-02', price_cents: 2500 })
  expect(trace).toBeConnected()
  const entries = trace.spans({ kind: 'SERVER' })
  expect(entries.map((span) => span.resource['service.name'])).toEqual(['orders-go', 'orders-python', 'prices-node'])
  expect(trace.span({ kind: 'SERVER', service: 'prices-node' })).toBeDescendantOf({ kind: 'SERVER', service: 'orders-python' })
  expect(trace.span({ kind: 'SERVER', service: 'orders-python' })).toBeDescendantOf({ kind: 'SERVER', service: 'orders-go' })
})

test('a failure at the far end is an error in every service on the way', async () => {
  const { response, trace } = await go.request('GET /quote/broken')
  expect(response.status).toBe(502)
  expect(trace).toBeConnected()
  expect(trace.span({ kind: 'SERVER', service: 'prices-node' })).toHaveStatus('ERROR')
  expect(trace.span({ kind: 'SERVER', service: 'orders-python' })).toHaveStatus('ERROR')
  expect(trace.root).toHaveStatus('ERROR')
})
