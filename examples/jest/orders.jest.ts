import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startService } from 'tracewright'
import type { Service } from 'tracewright'
import { createOrdersApp } from '../orders/app.js'
import { inventoryApp } from '../orders/inventory.js'

// examples/orders/orders.spec.ts under Jest: the same two in-process services, the same matchers,
// through `setupFilesAfterEnv: ['tracewright/jest']`.
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
    expect(trace).toHaveSpan({ name: 'GET /orders/:id', kind: 'SERVER', service: 'orders' })
    expect(trace.root).toHaveAttribute('http.route', '/orders/:id')
    expect(trace.root).not.toHaveStatus('ERROR')
    expect(trace).toHaveSpanCount({ name: 'SELECT items' }, 1)
    // Jest's asymmetric matchers work inside selectors and attribute values.
    expect(trace.span('SELECT orders')).toHaveAttribute('db.query.text', expect.stringContaining('WHERE id = $1'))
    expect(trace).toHaveSpan({ kind: 'SERVER', service: 'inventory', attributes: { 'url.path': expect.stringMatching(/^\/stock\//) } })
    const stockCall = trace.span({ kind: 'SERVER', service: 'inventory', attributes: { 'url.path': '/stock/KB-01' } })
    expect(stockCall).toBeChildOf({ kind: 'CLIENT', service: 'orders' })
    expect(stockCall).toBeDescendantOf(trace.root)
    expect(trace).toCompleteWithin(2_000)
  })

  test('a failing downstream call is an error on the client span, not on the request', async () => {
    const { trace } = await orders.request('GET /orders/44')
    expect(trace.span({ kind: 'CLIENT', name: 'GET' })).toHaveStatus('ERROR', /inventory answered 503/)
    expect(trace.root).toHaveStatus('UNSET')
    expect(trace.root).not.toHaveRecordedException()
  })

  test('an unknown order answers 404 without asking inventory', async () => {
    const { response, trace } = await orders.request('GET /orders/7')
    expect(response.status).toBe(404)
    expect(trace).not.toHaveSpan({ service: 'inventory' })
    expect(trace).not.toHaveSpan('SELECT items')
  })
})

describe('the N+1 variant', () => {
  test('is caught by toHaveSpanCount, and the failure names every extra query', async () => {
    const nPlusOne = await startService({ app: () => createOrdersApp({ inventoryUrl: inventory.url, nPlusOne: true }), name: 'orders' })
    try {
      const { trace } = await nPlusOne.request('GET /orders/42')
      expect(trace).not.toHaveSpanCount({ name: 'SELECT items' }, 1)
      expect(() => expect(trace).toHaveSpanCount({ name: 'SELECT items' }, 1)).toThrow('Received: 3 matching spans')
    } finally {
      await nPlusOne.stop()
    }
  })
})
