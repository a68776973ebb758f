import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCollector, startService } from 'tracewright'
import type { CapturedSpan, Collector, Service } from 'tracewright'

// Three services, each its own process, exporting to one shared collector in three ways: the
// gateway with its own SDK set-up over OTLP/HTTP protobuf, payments with its own SDK set-up over
// OTLP/HTTP JSON, fraud with no tracing code, instrumented by `tracewright/register`. One checkout
// is one trace across all three.
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url))

let collector: Collector
let payments: Service
let fraud: Service
let gateway: Service

beforeAll(async () => {
  collector = await startCollector()
  payments = await startService({
    command: [process.execPath, here('payments.mjs')],
    ready: { http: '/health' },
    name: 'payments',
    protocol: 'http/json',
    collector,
  })
  fraud = await startService({
    command: [process.execPath, '--import', 'tracewright/register', here('fraud.mjs')],
    ready: { http: '/health' },
    name: 'fraud',
    collector,
  })
  // The gateway learns where the others listen from its environment, as it would when deployed.
  gateway = await startService({
    command: [process.execPath, here('gateway.mjs')],
    ready: { http: '/health' },
    name: 'gateway',
    protocol: 'http/protobuf',
    collector,
    env: { PAYMENTS_URL: payments.url, FRAUD_URL: fraud.url },
  })
})
afterAll(async () => {
  // Services first: each flushes its last batch to the collector on the way out.
  await Promise.all([gateway?.stop(), payments?.stop(), fraud?.stop()])
  await collector?.stop()
})

/** A cart of 49.00 + 2 × 12.50 = 74.00, paid with `card`. */
const checkout = (card: string) => gateway.request({
  method: 'POST',
  path: '/checkout',
  json: { card, items: [{ sku: 'KB-01', price: 4900, quantity: 1 }, { sku: 'CB-03', price: 1250, quantity: 2 }] },
})
const GOOD_CARD = '4242424242424242'
const DECLINED_CARD = '4000000000000002'

/** The gateway's CLIENT span calling `service` (the request URL tells which one). */
const callTo = (service: Service, path: string) => ({ kind: 'CLIENT' as const, service: 'gateway', attributes: { 'url.full': `${service.url}${path}` } })

describe('a paid checkout', () => {
  test('is one trace across gateway, payments and fraud', async () => {
    const { response, trace } = await checkout(GOOD_CARD)
    expect(response.status).toBe(201)
    expect(response.json()).toMatchObject({ orderId: expect.any(String), amount: 7400, review: false })

    expect(trace.roots).toHaveLength(1)
    expect(trace.root).toMatchObject({ name: 'POST /checkout', kind: 'SERVER' })
    expect(trace.root).toHaveAttribute('http.response.status_code', 201)

    // Each downstream SERVER span hangs under the gateway's CLIENT span that called it: the
    // traceparent crossed both process boundaries.
    const charge = trace.span({ service: 'payments', kind: 'SERVER' })
    expect(charge).toBeChildOf(callTo(payments, '/charge'))
    expect(charge.name).toBe('POST /charge')
    expect(trace.span({ service: 'fraud', kind: 'SERVER' })).toBeChildOf(callTo(fraud, '/score'))
    expect(trace.span({ service: 'fraud', kind: 'SERVER' })).toHaveAttribute('url.path', '/score')

    const authorize = trace.span('authorize card')
    expect(authorize).toBeChildOf(charge)
    expect(authorize).toHaveAttribute('payment.amount', 7400)
    expect(authorize).not.toHaveStatus('ERROR')
  })

  test('calls payments, then fraud, once each, with the stable HTTP client attributes', async () => {
    const { trace } = await checkout(GOOD_CARD)
    expect(trace).toHaveSpanCount({ kind: 'CLIENT', service: 'gateway' }, 2)
    expect(trace).toHaveSpanCount({ kind: 'SERVER', service: 'payments' }, 1)
    expect(trace).toHaveSpanCount({ kind: 'SERVER', service: 'fraud' }, 1)

    const [first, second] = trace.spans({ kind: 'CLIENT', service: 'gateway' })
    expect(first).toHaveAttribute('url.full', `${payments.url}/charge`)
    expect(second).toHaveAttribute('url.full', `${fraud.url}/score`)
    expect(first).toHaveAttribute('http.request.method', 'POST')
    expect(first).toHaveAttribute('server.address', '127.0.0.1')
    expect(first).toHaveAttribute('server.port', Number(new URL(payments.url).port))
    expect(first).toHaveAttribute('http.response.status_code', 200)

    // Fraud is scored only once the charge went through: the calls run one after another. The
    // SERVER spans are timed by three processes' clocks, compared with the default 20 ms skew
    // tolerance; the gateway's own CLIENT spans share a clock and are compared exactly.
    expect(second).toStartAfter(first as CapturedSpan)
    expect(trace).not.toRunInParallel({ kind: 'CLIENT', service: 'gateway' })
    expect(trace.span({ service: 'fraud', kind: 'SERVER' })).toStartAfter({ service: 'payments', kind: 'SERVER' })
  })

  test('stays within its time budgets', async () => {
    const { trace } = await checkout(GOOD_CARD)
    // Generous on purpose: the contract is the shape, the budget only catches something gone badly wrong.
    expect(trace).toCompleteWithin(2_000)
    expect(trace.root).toCompleteWithin(2_000)
    expect(trace.span('authorize card')).toCompleteWithin(1_000)
  })
})

describe('a declined card', () => {
  test('is an error on "authorize card" in payments, and a 402 rather than an error above it', async () => {
    const { response, trace } = await checkout(DECLINED_CARD)
    expect(response.status).toBe(402)
    expect(response.json()).toEqual({ error: 'card ending in 0002 was declined' })

    const authorize = trace.span('authorize card')
    expect(authorize).toHaveStatus('ERROR', /declined/)
    expect(authorize).toHaveRecordedException({ type: 'CardDeclinedError', message: /declined/ })

    // 402 is the client's fault: the SERVER spans answering it are not errors...
    expect(trace.span({ service: 'payments', kind: 'SERVER' })).not.toHaveStatus('ERROR')
    expect(trace.root).not.toHaveStatus('ERROR')
    expect(trace.root).toHaveAttribute('http.response.status_code', 402)
    // ...but for the gateway's CLIENT span the call failed.
    const call = trace.span(callTo(payments, '/charge'))
    expect(call).toHaveAttribute('http.response.status_code', 402)
    expect(call).toHaveStatus('ERROR')
    expect(call).not.toHaveRecordedException()
  })

  test('never reaches fraud', async () => {
    const { trace } = await checkout(DECLINED_CARD)
    expect(trace).not.toHaveSpan({ service: 'fraud' })
    expect(trace).not.toHaveSpan(callTo(fraud, '/score'))
    expect(trace).toHaveSpanCount({ kind: 'CLIENT', service: 'gateway' }, 1)
  })
})
