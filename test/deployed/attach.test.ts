// A deployed system, for real: a Go service calling a Node one, both started as a deployment runs
// them (their own processes, their own SDKs, exporting to the OpenTelemetry Collector); the
// Collector fans the spans out to Jaeger and to tracewright's receiver. A spec attached to the
// running Go service asserts on the whole trace, once by push and once by pull from Jaeger, and
// gets a diagnosis when the Collector dies under it.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { attachService, jaegerTraces, settleReport, startCollector, TraceStore, TraceTimeoutError } from 'tracewright'
import { PulledTraces } from '../../src/sources/pulled-traces.js'
import { QuietWindow } from '../../src/collector/quiet-window.js'
import type { Collector, Service, Trace } from 'tracewright'
import { goExample } from '../../examples/go/service.js'
import { createOrdersDatabase } from '../../examples/polyglot/database.js'
import type { OrdersDatabase } from '../../examples/polyglot/database.js'
import { expectOneLateSpanFailure, runVitest, vitestProject } from '../reliability/helpers.js'
import './tools.js'
import { startDeployedService, startJaeger, startOtelCollector } from './engines.js'
import type { RunningCollector, RunningJaeger, RunningService } from './engines.js'

const pricesFile = fileURLToPath(new URL('../../examples/polyglot/prices.mjs', import.meta.url))

let receiver: Collector
let jaeger: RunningJaeger
let otelcol: RunningCollector
let db: OrdersDatabase
let prices: RunningService
let orders: RunningService
const attached: Service[] = []

beforeAll(async () => {
  goExample.ensureBuilt()
  db = await createOrdersDatabase('deployed')
  receiver = await startCollector()
  jaeger = await startJaeger()
  otelcol = await startOtelCollector({ receiver: receiver.endpoint, jaeger: jaeger.otlpGrpc })
  prices = await startDeployedService({
    name: 'prices-node',
    command: [process.execPath, '--import', 'tracewright/register', pricesFile],
    otlpEndpoint: otelcol.endpoint,
  })
  orders = await startDeployedService({
    name: 'orders-go',
    command: [`${goExample.dir}.build/orders`],
    otlpEndpoint: otelcol.endpoint,
    env: { DATABASE_URL: db.url, PRICES_URL: `${prices.url}/prices` },
  })
}, 120_000)

afterAll(async () => {
  for (const svc of attached) await svc.stop()
  for (const engine of [orders, prices, otelcol, jaeger]) await engine?.stop()
  await receiver?.stop()
  await db?.teardown()
}, 30_000)

/** Posts OTLP/JSON spans of service "orders" straight to Jaeger's OTLP/HTTP receiver; resolves with the status. */
async function sendToJaeger(spans: readonly object[]): Promise<number> {
  const sent = await fetch(`${jaeger.otlpHttp}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
      scopeSpans: [{ scope: { name: 'manual' }, spans }],
    }] }),
  })
  return sent.status
}

/** The contract both ways of reading the trace must show: Go's SERVER, its call, Node's SERVER under it. */
function expectQuoteTrace(trace: Trace): void {
  expect(trace).toBeConnected()
  expect(trace.spans({ kind: 'SERVER' }).map((span) => span.resource['service.name']).sort()).toEqual(['orders-go', 'prices-node'])
  expect(trace).toHaveSpan({ kind: 'CLIENT', service: 'orders-go' })
  expect(trace.span({ kind: 'SERVER', service: 'prices-node' })).toBeDescendantOf({ kind: 'SERVER', service: 'orders-go' })
}

describe('pushed: the Collector exports to tracewright\'s receiver', () => {
  test('a request to the running service comes back with its whole trace, across both services', async () => {
    const svc = await attachService({ url: orders.url, name: 'orders-go', traces: receiver })
    attached.push(svc)
    const { response, trace } = await svc.request('GET /quote/KB-01')
    expect(response.status).toBe(200)
    expect(response.json()).toEqual({ sku: 'KB-01', price_cents: 4900 })
    expectQuoteTrace(trace)
    // The harness's traceparent went through: the trace is the request's own.
    expect(trace.root?.parentSpanId).toMatch(/^[0-9a-f]{16}$/)
  }, 20_000)

  test('stop() leaves the service and the receiver running', async () => {
    const svc = await attachService({ url: orders.url, name: 'orders-go', traces: receiver })
    await svc.request('GET /quote/CB-03')
    await svc.stop()
    expect(orders.spawned.exit.info()).toBeUndefined()
    const again = await attachService({ url: orders.url, name: 'orders-go', traces: receiver })
    attached.push(again)
    const { response } = await again.request('GET /quote/MS-02')
    expect(response.status).toBe(200)
  }, 20_000)
})

describe('pulled: the spec reads the trace from Jaeger by its id', () => {
  test('the same contract holds on the trace Jaeger stored', async () => {
    const svc = await attachService({ url: orders.url, name: 'orders-go', traces: jaegerTraces({ url: jaeger.queryUrl }) })
    attached.push(svc)
    const { response, trace } = await svc.request('GET /quote/KB-01')
    expect(response.status).toBe(200)
    expectQuoteTrace(trace)
  }, 40_000)

  test('waitForSpan keeps querying Jaeger for a span that is stored after the trace was handed out', async () => {
    const svc = await attachService({ url: orders.url, name: 'orders-go', traces: jaegerTraces({ url: jaeger.queryUrl }) })
    attached.push(svc)
    const { trace } = await svc.request('GET /quote/KB-01')
    const entry = trace.root
    expect(entry).toBeDefined()
    // Background work of the request, stored in Jaeger a while after the test got the trace.
    setTimeout(() => void sendToJaeger([{
      traceId: trace.traceId, spanId: 'eeeeeeeeeeeeeeee', parentSpanId: entry?.spanId, name: 'send receipt', kind: 1,
      startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000',
    }]), 300)
    const late = await svc.waitForSpan(trace, { name: 'send receipt' }, { timeoutMs: 10_000 })
    expect(late.parentSpanId).toBe(entry?.spanId)
  }, 40_000)

  test('an error at the far end shows in the pulled trace', async () => {
    const svc = await attachService({ url: orders.url, name: 'orders-go', traces: jaegerTraces({ url: jaeger.queryUrl }) })
    attached.push(svc)
    const { response, trace } = await svc.request('GET /quote/broken')
    expect(response.status).toBe(502)
    expect(trace.span({ kind: 'SERVER', service: 'prices-node' })).toHaveStatus('ERROR')
  }, 40_000)
})

describe('a span Jaeger stores after its trace was handed out', () => {
  test('fails the vitest test that got the trace, found by a last query when it ends; a test that waits for it passes', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tracewright-pulled-late-'))
    try {
      const dir = vitestProject(scratch, 'pulled-late', {
        'late.spec.ts': [
          `import { afterAll, beforeAll, expect, test } from 'vitest'`,
          `import { attachService, jaegerTraces } from 'tracewright'`,
          `let svc`,
          `beforeAll(async () => { svc = await attachService({ url: ${JSON.stringify(orders.url)}, name: 'orders-go', traces: jaegerTraces({ url: ${JSON.stringify(jaeger.queryUrl)} }) }) })`,
          `afterAll(() => svc?.stop())`,
          // Background work of the request: a span of its trace, stored in Jaeger after the hand-over.
          `const storeLater = (traceId, parentSpanId, spanId) => fetch(${JSON.stringify(`${jaeger.otlpHttp}/v1/traces`)}, {`,
          `  method: 'POST', headers: { 'content-type': 'application/json' },`,
          `  body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'receipts' } }] }, scopeSpans: [{ scope: { name: 'manual' }, spans: [`,
          `    { traceId, spanId, parentSpanId, name: 'send receipt', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000' }] }] }] }),`,
          `}).then((res) => res.status)`,
          `test('asserts on a trace a span of which is stored later', async () => {`,
          `  const { trace } = await svc.request('GET /quote/KB-01')`,
          `  console.log('TRACE ' + trace.traceId)`,
          `  expect(trace.spans().map((span) => span.name)).not.toContain('send receipt')`,
          `  expect(await storeLater(trace.traceId, trace.root.spanId, 'eeeeeeeeeeeeeeee')).toBe(200)`,
          `  await new Promise((resolve) => setTimeout(resolve, 300))`,
          `})`,
          `test('waits for the later span', async () => {`,
          `  const { trace } = await svc.request('GET /quote/KB-01')`,
          `  setTimeout(() => void storeLater(trace.traceId, trace.root.spanId, 'ffffffffffffffff'), 100)`,
          `  expect((await svc.waitForSpan(trace, 'send receipt', { timeoutMs: 10000 })).spanId).toBe('ffffffffffffffff')`,
          `})`,
          `test('a trace with nothing late', async () => {`,
          `  const { trace } = await svc.request('GET /quote/MS-02')`,
          `  expect(trace.spans({ kind: 'SERVER' })).toHaveLength(2)`,
          `})`,
        ].join('\n'),
      })
      const result = await runVitest(dir)
      expectOneLateSpanFailure(result, /"send receipt" \(INTERNAL, span eeeeeeeeeeeeeeee, service receipts\), \d+\.\d ms late/)
      expect(result.output).toContain(`The trace was read from ${jaeger.queryUrl}`)
      expect(result.output).toMatch(/The trace with them:\n[^]*send receipt {2}INTERNAL {2}receipts/)
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('a late pulled span no single test owns', () => {
  test.concurrent('stop() reads the trace once more: a warning naming the backend, and settleReport(trace).late', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const svc = await attachService({ url: orders.url, name: 'orders-go', traces: jaegerTraces({ url: jaeger.queryUrl }) })
    let trace: Trace | undefined
    let warnings: string[] = []
    try {
      trace = (await svc.request('GET /quote/KB-01')).trace
      expect(settleReport(trace)?.late).toEqual([])
      expect(await sendToJaeger([{
        traceId: trace.traceId, spanId: 'abababababababab', parentSpanId: trace.root?.spanId, name: 'send receipt', kind: 1,
        startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000',
      }])).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 300))
    } finally {
      await svc.stop()
      warnings = warn.mock.calls.map((call) => String(call[0])).filter((message) => trace !== undefined && message.includes(trace.traceId))
      warn.mockRestore()
    }
    expect(settleReport(trace)?.late.map((late) => late.span.spanId)).toEqual(['abababababababab'])
    expect(warnings).toEqual([expect.stringContaining(`The trace was read from ${jaeger.queryUrl}`)])
  }, 40_000)
})

describe('a pulled trace that never completes', () => {
  test('the timeout names the spans found, the absent parent, the entry span and the backend', async () => {
    const harnessSpanId = 'aaaaaaaaaaaaaaaa'
    const traceId = randomBytes(16).toString('hex')
    const span = (spanId: string, parentSpanId: string, name: string) => ({
      traceId, spanId, parentSpanId, name, kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000',
    })
    // Straight into Jaeger: the entry span, and a query whose parent (a span that was dropped) never comes.
    expect(await sendToJaeger([span('bbbbbbbbbbbbbbbb', harnessSpanId, 'GET /orders'), span('cccccccccccccccc', 'dddddddddddddddd', 'SELECT orders')])).toBe(200)
    const store = new TraceStore()
    store.begin(traceId)
    const pulled = new PulledTraces(jaegerTraces({ url: jaeger.queryUrl }), store)
    const window = new QuietWindow({ floorMs: 50, warmupMs: 50, capMs: 1000 })
    const error = await pulled.settle(traceId, { harnessSpanId, timeoutMs: 1_500, quietWindow: window }).catch((e: unknown) => e)
    await pulled.close()
    expect(error).toBeInstanceOf(TraceTimeoutError)
    const message = (error as Error).message
    expect(message).toContain(`Failed to settle trace ${traceId} read from ${jaeger.queryUrl} within 1500 ms`)
    expect(message).toContain('found 2 spans ("GET /orders", "SELECT orders")')
    expect(message).toContain('the entry span was seen')
    expect(message).toContain('parent span dddddddddddddddd referenced by "SELECT orders" is absent')
    // The trace as found, in the usual tree.
    expect(message).toContain('SELECT orders')
  }, 20_000)
})

describe('the Collector dies mid-run', () => {
  test('push and pull each fail with what is missing and where they looked', async () => {
    const pushed = await attachService({ url: orders.url, name: 'orders-go', traces: receiver, settleTimeoutMs: 2_000 })
    const pulled = await attachService({ url: orders.url, name: 'orders-go', traces: jaegerTraces({ url: jaeger.queryUrl }), settleTimeoutMs: 2_000 })
    attached.push(pushed, pulled)
    // Works first, so what follows is the Collector's death and nothing else.
    await pushed.request('GET /quote/KB-01')
    await otelcol.stop()

    const push = await pushed.request('GET /quote/KB-01').catch((error: unknown) => error)
    expect(push).toBeInstanceOf(TraceTimeoutError)
    const pushMessage = (push as Error).message
    expect(pushMessage).toMatch(/Failed to settle trace [0-9a-f]{32} within \d+ ms: the entry span .* has not arrived/)
    expect(pushMessage).toContain(`no span of this request arrived from tracewright's receiver at ${receiver.endpoint}`)
    expect(pushMessage).toMatch(/the last span of this service arrived \d+ ms ago/)

    const pull = await pulled.request('GET /quote/KB-01').catch((error: unknown) => error)
    expect(pull).toBeInstanceOf(TraceTimeoutError)
    const pullMessage = (pull as Error).message
    expect(pullMessage).toContain(`read from ${jaeger.queryUrl}`)
    expect(pullMessage).toContain('found no span of it')
    expect(pullMessage).toContain('the entry span (the service\'s span whose parent is the harness span')
    expect(pullMessage).toContain('was never seen')
  }, 30_000)
})
