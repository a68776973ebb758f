import { describe, expect, test } from 'vitest'
import { ordersTrace } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const total = trace.span('compute total')

describe('toHaveEvent', () => {
  test('passes on a name, a RegExp and { name, attributes }', () => {
    expect(total).toHaveEvent('price.recalculated')
    expect(total).toHaveEvent(/^price\./)
    expect(total).toHaveEvent({ name: 'price.recalculated' })
    expect(total).toHaveEvent({ name: 'price.recalculated', attributes: { currency: 'EUR' } })
    expect(total).toHaveEvent({ attributes: { 'order.total': 129.95 } })
    expect(trace.span('GET')).toHaveEvent({ name: 'exception', attributes: { 'exception.type': 'Error' } })
  })

  test('fails on a missing event, listing the events the span has', () => {
    expect(failureOf(() => expect(total).toHaveEvent('price.changed'))).toMatchSnapshot()
  })

  test('fails on an attribute mismatch', () => {
    expect(failureOf(() => expect(total).toHaveEvent({ name: 'price.recalculated', attributes: { currency: 'USD' } }))).toMatchSnapshot()
  })

  test('a span without events says so', () => {
    const message = failureOf(() => expect(trace.root).toHaveEvent('cache.miss'))
    expect(message).toContain('Events of "GET /orders/:id" SERVER (span 0000000000000001):\n  (none)')
  })

  test('.not passes on a missing event and fails on a present one, marking it', () => {
    expect(total).not.toHaveEvent('cache.miss')
    expect(total).not.toHaveEvent({ name: 'price.recalculated', attributes: { currency: 'USD' } })
    expect(failureOf(() => expect(total).not.toHaveEvent(/price/))).toMatchSnapshot()
  })

  test('asymmetric matchers as the name and as attribute values', () => {
    expect(total).toHaveEvent(expect.stringMatching(/recalculated$/))
    expect(total).toHaveEvent(expect.stringContaining('price'))
    expect(total).toHaveEvent({ name: expect.any(String), attributes: { 'order.total': expect.closeTo(129.9, 1) } })
    expect(trace.span('GET')).toHaveEvent({ attributes: { 'exception.message': expect.stringContaining('503') } })
    expect(total).not.toHaveEvent({ attributes: { currency: expect.stringMatching(/USD/) } })
  })

  test('an invalid event query throws a TypeError naming the matcher', () => {
    expect(() => expect(total).toHaveEvent(42 as never)).toThrowError(new TypeError('toHaveEvent(): Invalid event query 42: expected an event name, a RegExp or { name, attributes }.'))
    expect(() => expect(total).toHaveEvent({ title: 'x' } as never)).toThrowError(/^toHaveEvent\(\): Unknown key "title" in event query \{ title: "x" \}\. Allowed keys: name, attributes\./)
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toHaveEvent('x')).toThrowError(/^toHaveEvent\(\) expects a span, received a Trace\./)
    expect(() => expect('price.recalculated').toHaveEvent('x')).toThrowError(/^toHaveEvent\(\) expects a span, received string "price.recalculated"\./)
  })

  // describeReceived() always writes "a <Constructor>", so an array reads "received a Array".
  test('the TypeError uses the right article for the received class', () => {
    expect(() => expect([total]).toHaveEvent('x')).toThrowError(/^toHaveEvent\(\) expects a span, received an Array\./)
  })
})
