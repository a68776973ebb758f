import { describe, expect, test } from 'vitest'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const stock = trace.span('GET /stock/:sku')

describe('toBeChildOf', () => {
  test('marks the spans that match the selector, the received span and its actual parent, not closest candidates', () => {
    // Three SELECT items spans match; none is the parent of SELECT orders.
    const message = failureOf(() => expect(trace.span('SELECT orders')).toBeChildOf({ name: 'SELECT items' }))
    expect(message).toContain('3 spans match the selector, but none is its parent.')
    expect(message.match(/SELECT items {2}CLIENT .*◀ matches the selector \d\/3/g)).toHaveLength(3)
    expect(message).toMatch(/SELECT orders {2}CLIENT .*◀ received/)
    expect(message).toMatch(/GET \/orders\/:id {2}SERVER .*◀ actual parent/)
    expect(message).not.toContain('closest candidate')
  })

  test('passes on a selector matching the direct parent, or on the parent span itself', () => {
    expect(trace.span('SELECT orders')).toBeChildOf({ kind: 'SERVER' })
    expect(trace.span('SELECT orders')).toBeChildOf('GET /orders/:id')
    expect(trace.span('SELECT orders')).toBeChildOf(trace.root)
    expect(stock).toBeChildOf({ kind: 'CLIENT', service: 'orders', status: 'ERROR' })
    expect(stock).toBeChildOf(trace.span('GET'))
    expect(stock).toBeChildOf((span) => span.events.length > 0)
  })

  test('only the direct parent counts', () => {
    expect(stock).not.toBeChildOf(trace.root)
    expect(stock).not.toBeChildOf({ kind: 'SERVER' })
  })

  test('fails on a selector, marking the received span, its actual parent and the closest candidates', () => {
    expect(failureOf(() => expect(trace.span('SELECT orders')).toBeChildOf({ name: 'GET', kind: 'SERVER' }))).toMatchSnapshot()
  })

  test('fails on a span, marking the expected and the actual parent', () => {
    expect(failureOf(() => expect(stock).toBeChildOf(trace.root))).toMatchSnapshot()
  })

  test('fails on a span whose parent was not captured', () => {
    const broken = buildTrace([
      { name: 'GET /health', kind: 'SERVER', startMs: 0, endMs: 2 },
      { name: 'late job', startMs: 1, endMs: 3, remoteParentSpanId: 'ffffffffffffffff' },
    ])
    expect(failureOf(() => expect(broken.span('late job')).toBeChildOf({ kind: 'SERVER' }))).toMatchSnapshot()
  })

  test('.not passes on another parent and fails on the actual one', () => {
    expect(trace.span('SELECT orders')).not.toBeChildOf('GET')
    expect(trace.span('compute total')).not.toBeChildOf({ kind: 'CLIENT' })
    expect(failureOf(() => expect(stock).not.toBeChildOf({ kind: 'CLIENT' }))).toMatchSnapshot()
  })

  test('asymmetric matchers inside the parent selector', () => {
    expect(stock).toBeChildOf({ name: expect.stringMatching(/^GET$/), attributes: { 'url.full': expect.stringContaining('/stock/KB-01') } })
    expect(stock).toBeChildOf({ attributes: { 'http.response.status_code': expect.any(Number) } })
    expect(trace.span('compute total')).toBeChildOf({ attributes: { 'http.route': expect.stringContaining('orders') } })
  })

  test('a span from another trace with the same span id is not the parent', () => {
    const other = buildTrace({ name: 'GET /orders/:id', kind: 'SERVER', startMs: 0, endMs: 1 }, { traceNumber: 2 })
    expect(other.root.spanId).toBe(trace.root.spanId)
    expect(trace.span('SELECT orders')).not.toBeChildOf(other.root)
  })

  // relation.ts marks `otherSpan.spanId` in the received span's trace without checking the trace
  // id, so the "expected parent" marker lands on an unrelated span that shares the id, and the
  // message never says the expected parent lives in another trace.
  test('an expected parent from another trace is not marked on a span that merely shares its id', () => {
    const other = buildTrace({ name: 'POST /payments', kind: 'SERVER', startMs: 0, endMs: 2, children: [{ name: 'charge', startMs: 0, endMs: 1 }] }, { traceNumber: 2 })
    const message = failureOf(() => expect(stock).toBeChildOf(other.span('charge')))
    expect(message).not.toContain('├─ SELECT orders  CLIENT  orders  4.00 ms  ◀ expected parent')
    expect(message).toContain(other.traceId)
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toBeChildOf({ kind: 'SERVER' })).toThrowError(/^toBeChildOf\(\) expects a span, received a Trace\. You passed a trace/)
    expect(() => expect('SELECT orders').toBeChildOf({ kind: 'SERVER' })).toThrowError(/^toBeChildOf\(\) expects a span, received string "SELECT orders"\./)
  })

  test('a missing parent argument throws a TypeError naming the matcher', () => {
    expect(() => expect(stock).toBeChildOf(undefined as never)).toThrowError(new TypeError(
      "toBeChildOf() expects a selector or a span, e.g. toBeChildOf({ kind: 'SERVER' }) or toBeChildOf(trace.root). Received undefined.",
    ))
  })

  // Same bug as toHaveSpan: an invalid selector escapes as a SelectorError without the matcher name.
  test('an invalid selector throws a TypeError naming the matcher', () => {
    const error = errorOf(() => expect(stock).toBeChildOf({ kind: 'CLIENT', path: '/x' } as never))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^toBeChildOf\(\)/)
  })
})
