import { describe, expect, test } from 'vitest'
import { ordersTrace } from '../fixtures/build-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const stock = trace.span('GET /stock/:sku')

describe('toBeDescendantOf', () => {
  test('passes on a selector matching any ancestor, or on the ancestor span itself', () => {
    expect(stock).toBeDescendantOf('GET /orders/:id')
    expect(stock).toBeDescendantOf({ kind: 'SERVER', service: 'orders' })
    expect(stock).toBeDescendantOf({ kind: 'CLIENT' })
    expect(stock).toBeDescendantOf(trace.root)
    expect(stock).toBeDescendantOf(/^GET \/orders/)
    expect(trace.span('SELECT orders')).toBeDescendantOf(trace.root)
  })

  test('fails on a selector, marking the closest candidates', () => {
    expect(failureOf(() => expect(stock).toBeDescendantOf({ name: 'GET /order/:id', kind: 'SERVER' }))).toMatchSnapshot()
  })

  test('a span is not its own descendant, and the root has no ancestors', () => {
    expect(stock).not.toBeDescendantOf(stock)
    expect(trace.root).not.toBeDescendantOf({ kind: 'SERVER' })
    const message = failureOf(() => expect(trace.root).toBeDescendantOf({ kind: 'SERVER' }))
    expect(message).toContain('Received: it has no ancestors in the trace')
    expect(message).toContain(`traceId: ${trace.traceId}`)
  })

  test('.not passes on a sibling branch and fails on an actual ancestor', () => {
    expect(trace.span('SELECT orders')).not.toBeDescendantOf(trace.span('GET'))
    expect(failureOf(() => expect(stock).not.toBeDescendantOf(trace.root))).toMatchSnapshot()
  })

  // relation.ts labels the span passed as the expected relative "expected parent" for both
  // matchers; for toBeDescendantOf it is the expected ancestor.
  test('a span passed as the ancestor is marked as the expected ancestor', () => {
    const message = failureOf(() => expect(trace.span('SELECT orders')).toBeDescendantOf(trace.span('GET')))
    expect(message).toContain('├─ ✗ GET  CLIENT  orders  15.0 ms  ERROR "inventory answered 503"  ◀ expected ancestor')
  })

  test('asymmetric matchers inside the ancestor selector', () => {
    expect(stock).toBeDescendantOf({ name: expect.stringContaining('/orders/'), kind: 'SERVER' })
    expect(stock).toBeDescendantOf({ attributes: { 'http.route': expect.stringMatching(/^\/orders/) } })
    expect(stock).toBeDescendantOf({ attributes: { 'http.response.status_code': expect.any(Number), 'error.type': expect.anything() } })
    expect(stock).not.toBeDescendantOf({ attributes: { 'order.total': expect.closeTo(129.95, 2) } })
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toBeDescendantOf(trace.root)).toThrowError(/^toBeDescendantOf\(\) expects a span, received a Trace\./)
    expect(() => expect(null).toBeDescendantOf(trace.root)).toThrowError(/^toBeDescendantOf\(\) expects a span, received null\./)
  })

  test('a missing ancestor argument throws a TypeError naming the matcher', () => {
    expect(() => expect(stock).toBeDescendantOf(null as never)).toThrowError(/^toBeDescendantOf\(\) expects a selector or a span, e\.g\. toBeDescendantOf\(\{ kind: 'SERVER' \}\)/)
  })

  // Same bug as toHaveSpan: an invalid selector escapes as a SelectorError without the matcher name.
  test('an invalid selector throws a TypeError naming the matcher', () => {
    const error = errorOf(() => expect(stock).toBeDescendantOf(42 as never))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^toBeDescendantOf\(\)/)
  })
})
