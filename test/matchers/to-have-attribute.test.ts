import { describe, expect, test } from 'vitest'
import { ordersTrace } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const total = trace.span('compute total')

describe('toHaveAttribute', () => {
  test('passes for a present key, an exact value, an array and a RegExp', () => {
    expect(trace.root).toHaveAttribute('http.route')
    expect(trace.root).toHaveAttribute('http.route', '/orders/:id')
    expect(trace.root).toHaveAttribute('http.response.status_code', 200)
    expect(total).toHaveAttribute('order.discounted', false)
    expect(total).toHaveAttribute('order.skus', ['KB-01', 'MS-02'])
    expect(trace.span('SELECT orders')).toHaveAttribute('db.query.text', /FROM orders WHERE id = \$1$/)
  })

  test('fails on a missing key, suggesting the similar one', () => {
    expect(failureOf(() => expect(trace.root).toHaveAttribute('http.status_code', 200))).toMatchSnapshot()
  })

  test('fails on a different value, pointing at the attribute', () => {
    expect(failureOf(() => expect(trace.root).toHaveAttribute('http.route', '/orders'))).toMatchSnapshot()
  })

  test('arrays are compared element by element, in order', () => {
    expect(total).not.toHaveAttribute('order.skus', ['MS-02', 'KB-01'])
    expect(total).not.toHaveAttribute('order.skus', ['KB-01'])
  })

  test('a RegExp never matches a number', () => {
    expect(trace.root).not.toHaveAttribute('http.response.status_code', /200/)
  })

  test('.not passes for an absent key and fails for a present one', () => {
    expect(trace.root).not.toHaveAttribute('enduser.id')
    expect(trace.root).not.toHaveAttribute('http.route', '/other')
    expect(failureOf(() => expect(trace.root).not.toHaveAttribute('http.route'))).toMatchSnapshot()
  })

  test('asymmetric matchers as the value', () => {
    expect(trace.root).toHaveAttribute('http.response.status_code', expect.any(Number))
    expect(trace.root).toHaveAttribute('url.path', expect.stringMatching(/^\/orders\/\d+$/))
    expect(trace.span('SELECT orders')).toHaveAttribute('db.query.text', expect.stringContaining('WHERE id = $1'))
    expect(total).toHaveAttribute('order.total', expect.closeTo(129.9, 1))
    expect(total).toHaveAttribute('order.skus', expect.arrayContaining(['MS-02']))
    expect(total).toHaveAttribute('order.skus', [expect.any(String), 'MS-02'])
    expect(total).not.toHaveAttribute('order.total', expect.closeTo(100, 2))
  })

  test('a failing asymmetric value is described by the matcher', () => {
    const message = failureOf(() => expect(total).toHaveAttribute('order.total', expect.closeTo(100, 2)))
    expect(message).toContain('Received: "order.total" = 129.95')
    expect(message).toContain('> order.total: 129.95')
    expect(message).toContain('compute total  INTERNAL  orders  8.00 ms  ◀ received')
    expect(message).toContain(`traceId: ${trace.traceId}`)
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toHaveAttribute('http.route')).toThrowError(new TypeError(
      'toHaveAttribute() expects a span, received a Trace. You passed a trace; pick a span with `trace.span(selector)` or `trace.root`.',
    ))
    expect(() => expect({ name: 'x' }).toHaveAttribute('http.route')).toThrowError(/^toHaveAttribute\(\) expects a span, received an object\./)
  })

  test('a key that is not a non-empty string throws a TypeError naming the matcher', () => {
    expect(() => expect(trace.root).toHaveAttribute('')).toThrowError(/^toHaveAttribute\(\) expects an attribute name as its first argument/)
    expect(() => expect(trace.root).toHaveAttribute(42 as never)).toThrowError(/Received 42\.$/)
  })
})
