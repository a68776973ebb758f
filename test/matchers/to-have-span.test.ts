import { describe, expect, test } from 'vitest'
import { ordersTrace } from '../fixtures/build-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()

describe('toHaveSpan', () => {
  test('passes for every selector form', () => {
    expect(trace).toHaveSpan('SELECT orders')
    expect(trace).toHaveSpan(/^SELECT items$/)
    expect(trace).toHaveSpan({ name: 'GET /orders/:id', kind: 'SERVER', service: 'orders' })
    expect(trace).toHaveSpan({ kind: 'SERVER', service: 'inventory', parent: { kind: 'CLIENT' } })
    expect(trace).toHaveSpan((span) => span.durationMs > 10 && span.kind === 'CLIENT')
    expect(trace).toHaveSpan("$.attributes['db.query.text']")
  })

  test('fails with the closest candidates marked in the trace', () => {
    expect(failureOf(() => expect(trace).toHaveSpan({ name: 'SELECT order', kind: 'SERVER' }))).toMatchSnapshot()
  })

  test('the failure message shows the trace tree, the candidates with their differing fields and the trace id', () => {
    const message = failureOf(() => expect(trace).toHaveSpan({ name: 'SELECT orders', kind: 'SERVER' }))
    expect(message).toContain(`trace ${trace.traceId} · 8 spans · 48.0 ms\n`)
    expect(message).toContain('│  └─ ✗ GET /stock/:sku  SERVER  inventory  11.0 ms  ERROR')
    expect(message).toContain('└─ compute total  INTERNAL  orders  8.00 ms\n')
    expect(message).toContain('├─ SELECT orders  CLIENT  orders  4.00 ms  ◀ closest candidate')
    expect(message).toContain('· kind: expected SERVER, got CLIENT')
    expect(message).not.toContain('got "SELECT orders"')
    expect(message).toContain(`traceId: ${trace.traceId}`)
  })

  test('.not passes when nothing matches', () => {
    expect(trace).not.toHaveSpan('DELETE orders')
    expect(trace).not.toHaveSpan({ kind: 'PRODUCER' })
    expect(trace).not.toHaveSpan({ service: 'payments' })
  })

  test('.not fails listing every match', () => {
    expect(failureOf(() => expect(trace).not.toHaveSpan({ status: 'ERROR' }))).toMatchSnapshot()
  })

  test('asymmetric matchers work inside the selector', () => {
    expect(trace).toHaveSpan({ name: expect.stringMatching(/^select/i) })
    expect(trace).toHaveSpan({ name: expect.stringContaining('/stock/') })
    expect(trace).toHaveSpan({ attributes: { 'http.response.status_code': expect.any(Number) } })
    expect(trace).toHaveSpan({ attributes: { 'order.total': expect.closeTo(129.9, 1) } })
    expect(trace).toHaveSpan({ status: { code: 'ERROR', message: expect.stringContaining('503') } })
    expect(trace).not.toHaveSpan({ attributes: { 'order.total': expect.closeTo(100, 2) } })
  })

  test('an asymmetric matcher in a failing selector is described by its own name', () => {
    const message = failureOf(() => expect(trace).toHaveSpan({ name: expect.stringMatching(/^DELETE/), kind: 'CLIENT' }))
    expect(message).toContain('Expected: a span matching { name: StringMatching(/^DELETE/), kind: "CLIENT" }')
    expect(message).toContain('· name: expected StringMatching(/^DELETE/), got "SELECT orders"')
  })

  // A query on one attribute never marks a candidate: every span that misses it scores 0 and
  // closestSpans() drops score-0 spans, so the user is not shown the values that were there.
  test('a failing single-attribute query still shows the spans that have the attribute, with their values', () => {
    const message = failureOf(() => expect(trace).toHaveSpan({ attributes: { 'db.query.text': expect.stringContaining('DELETE') } }))
    expect(message).toContain('◀ closest candidate')
    expect(message).toContain('· attributes["db.query.text"]: expected StringContaining("DELETE"), got "SELECT id, customer_id FROM orders WHERE id = $1"')
  })

  test('a received value that is not a Trace throws a TypeError naming the matcher', () => {
    expect(() => expect(42).toHaveSpan('x')).toThrowError(new TypeError('toHaveSpan() expects a Trace, received number 42. Pass the `trace` that `await svc.request(...)` resolves to.'))
    expect(() => expect({ trace, response: {} }).toHaveSpan('x')).toThrowError(/toHaveSpan\(\) expects a Trace, received an object\. You passed the whole request result/)
    expect(() => expect(trace.root).toHaveSpan('x')).toThrowError(/toHaveSpan\(\) expects a Trace, received an object\. You passed a span/)
    expect(() => expect(undefined).toHaveSpan('x')).toThrowError(/toHaveSpan\(\) expects a Trace, received undefined/)
  })

  test('the TypeError is thrown for .not as well', () => {
    expect(() => expect(null).not.toHaveSpan('x')).toThrowError(TypeError)
  })

  // Misuse is meant to throw a TypeError naming the matcher (as toHaveEvent does); an invalid
  // selector currently escapes as a bare SelectorError that does not say which call was wrong.
  test('an invalid selector throws a TypeError naming the matcher', () => {
    const error = errorOf(() => expect(trace).toHaveSpan(42 as never))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^toHaveSpan\(\)/)
  })

  test('an unknown query key names the allowed keys', () => {
    expect(() => expect(trace).toHaveSpan({ route: '/orders/:id' } as never)).toThrowError(/Unknown selector key "route".*Allowed keys: name, kind, status, service, attributes, parent, ancestor, hasEvent, resource, scope, linkedTo/)
  })
})
