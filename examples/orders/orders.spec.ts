import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { anySpans, startService } from 'tracewright'
import type { Service } from 'tracewright'
import { createOrdersApp } from './app.js'
import { inventoryApp } from './inventory.js'

// Two in-process services: orders calls inventory over real HTTP, and one request produces one
// trace across both.
let inventory: Service
let orders: Service

beforeAll(async () => {
  inventory = await startService({ app: inventoryApp, name: 'inventory' })
  orders = await startService({ app: () => createOrdersApp({ inventoryUrl: inventory.url }), name: 'orders' })
})
afterAll(async () => {
  await orders?.stop()
  await inventory?.stop()
})

describe('GET /orders/:id', () => {
  test('reads the order and its items once each, then asks inventory per SKU', async () => {
    const { response, trace } = await orders.request('GET /orders/42')
    expect(response.status).toBe(200)
    expect(response.json()).toMatchObject({ id: '42', stock: { 'KB-01': 12 } })

    expect(trace).toHaveSpan({ name: 'GET /orders/:id', kind: 'SERVER', service: 'orders' })
    expect(trace.root).toHaveAttribute('http.route', '/orders/:id')
    expect(trace.root).toHaveAttribute('http.response.status_code', 200)
    expect(trace.root).not.toHaveStatus('ERROR')

    // No N+1: one query per table, whatever the number of items.
    expect(trace).toHaveSpanCount({ attributes: { 'db.system.name': 'other_sql' } }, { max: 2 })
    expect(trace).toHaveSpanCount({ name: 'SELECT items' }, 1)
    expect(trace.span('SELECT orders')).toBeChildOf({ kind: 'SERVER' })
    expect(trace.span('SELECT orders')).toHaveAttribute('db.query.text', expect.stringContaining('WHERE id = $1'))

    // One downstream call per distinct SKU, each answered by inventory inside the same trace.
    expect(trace).toHaveSpanCount({ kind: 'CLIENT', attributes: { 'http.request.method': 'GET' } }, 3)
    const stockCall = trace.span({ kind: 'SERVER', service: 'inventory', attributes: { 'url.path': '/stock/KB-01' } })
    expect(stockCall).toBeChildOf({ kind: 'CLIENT', service: 'orders' })
    expect(stockCall).toBeDescendantOf(trace.root)

    // Budgets: generous, since the point is a contract, not a benchmark.
    expect(trace.root).toCompleteWithin(2_000)
    expect(trace).toCompleteWithin(2_000)
    expect(trace.root).toHaveSelfTimeWithin(1_000)
  })

  test('the whole request, span by span: nothing missing, nothing extra', async () => {
    const { trace } = await orders.request('GET /orders/42')
    // The stock calls run in parallel, so their spans may end in any order: children match in any
    // order unless { ordered: true } is given.
    const stockCall = (sku: string) => ({
      name: 'GET',
      kind: 'CLIENT' as const,
      attributes: { 'url.full': expect.stringMatching(new RegExp(`/stock/${sku}$`)) },
      children: [{ name: 'GET /stock/:sku', kind: 'SERVER' as const, service: 'inventory' }],
    })
    expect(trace).toMatchTraceTree({
      name: 'GET /orders/:id',
      kind: 'SERVER',
      service: 'orders',
      children: [{ name: 'SELECT orders' }, { name: 'SELECT items' }, stockCall('KB-01'), stockCall('MS-02'), stockCall('CB-03')],
    })
    // The same contract, kept in review as text: a change of shape shows up as a snapshot diff.
    expect(trace).toMatchSnapshot()
  })

  test('the request waits for the slowest stock call, and the critical path says so', async () => {
    const { trace } = await orders.request('GET /orders/42')
    // The stock calls run in parallel; the response waits for the one that answers last.
    const slowest = trace.spans({ name: 'GET', kind: 'CLIENT' }).reduce((a, b) => (b.end > a.end ? b : a))
    expect(slowest).toBeOnCriticalPath()
    const path = trace.criticalPath()
    expect(path[0]?.span).toBe(trace.root)
    // The contributions add up to the entry span's duration: where the time went, span by span.
    expect(path.reduce((sum, step) => sum + step.contributionMs, 0)).toBeCloseTo(trace.root.durationMs, 6)
  })

  test('a failing downstream call is an error on the client span, not on the request', async () => {
    const { response, trace } = await orders.request('GET /orders/44')
    expect(response.status).toBe(200)
    const call = trace.span({ kind: 'CLIENT', name: 'GET' })
    expect(call).toHaveStatus('ERROR', /inventory answered 503/)
    expect(call).toHaveAttribute('error.type', '503')
    expect(trace.span({ kind: 'SERVER', service: 'inventory' })).toHaveStatus('ERROR')
    expect(trace.root).toHaveStatus('UNSET')
    expect(trace.root).not.toHaveRecordedException()
  })

  test('an unknown order answers 404 without asking inventory', async () => {
    const { response, trace } = await orders.request('GET /orders/7')
    expect(response.status).toBe(404)
    expect(trace).toHaveSpanCount('SELECT orders', 1)
    expect(trace).not.toHaveSpan({ service: 'inventory' })
    expect(trace).not.toHaveSpan('SELECT items')
    // The exact tree says both at once; anySpans() would allow others beside the lookup.
    expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', attributes: { 'http.response.status_code': 404 }, children: [{ name: 'SELECT orders' }] })
    expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'SELECT orders' }, anySpans()] })
  })
})

describe('POST /orders/:id/audit', () => {
  test('answers first and writes the audit record in the background, in the same trace', async () => {
    const { response, trace } = await orders.request('POST /orders/42/audit')
    expect(response.status).toBe(202)
    expect(trace).not.toHaveSpan('write audit record')
    const audit = await orders.waitForSpan(trace, 'write audit record', { timeoutMs: 2_000 })
    expect(audit).toHaveAttribute('order.id', '42')
    expect(audit).toBeChildOf(trace.root)
    // It starts after the response: the request never waited for it.
    expect(audit).not.toBeOnCriticalPath()
  })
})

describe('the N+1 variant', () => {
  test('is caught by toHaveSpanCount', async () => {
    const nPlusOne = await startService({ app: () => createOrdersApp({ inventoryUrl: inventory.url, nPlusOne: true }), name: 'orders' })
    try {
      const { trace } = await nPlusOne.request('GET /orders/42')
      expect(trace).not.toHaveSpanCount({ name: 'SELECT items' }, 1)
      expect(trace).toHaveSpanCount({ name: 'SELECT items' }, 3)
      expect(trace.spans('SELECT items').every((s) => s.attributes['db.query.text'] === 'SELECT id, sku, quantity FROM items WHERE id = $1')).toBe(true)
    } finally {
      await nPlusOne.stop()
    }
  })
})

describe('exceptions', () => {
  test('toHaveRecordedException and toHaveEvent read the span events', async () => {
    const failing = await startService({
      name: 'failing',
      app: () => async () => {
        throw new RangeError('order total out of range')
      },
    })
    try {
      const { response, trace } = await failing.request('GET /boom')
      expect(response.status).toBe(500)
      expect(trace.root).toHaveStatus('ERROR', 'order total out of range')
      expect(trace.root).toHaveRecordedException(RangeError)
      expect(trace.root).toHaveRecordedException(/out of range/)
      expect(trace.root).toHaveEvent({ name: 'exception', attributes: { 'exception.type': 'RangeError' } })
    } finally {
      await failing.stop()
    }
  })
})
