import { describe, expect, test } from 'vitest'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { checkoutTrace } from '../fixtures/checkout-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()

describe('toCompleteWithin', () => {
  test('passes on a trace and on a span within budget (the budget is inclusive)', () => {
    expect(trace).toCompleteWithin(48)
    expect(trace).toCompleteWithin(1_000)
    expect(trace.root).toCompleteWithin(48)
    expect(trace.span('GET')).toCompleteWithin(15)
  })

  test('fractional durations are compared exactly', () => {
    const quick = buildTrace({ name: 'tick', startMs: 0, endMs: 0.25 })
    expect(quick.root).toCompleteWithin(0.25)
    expect(quick.root).not.toCompleteWithin(0.2)
  })

  test('fails on a trace over budget', () => {
    expect(failureOf(() => expect(trace).toCompleteWithin(20))).toMatchSnapshot()
  })

  test('fails on a span over budget, marking it with its duration and the budget', () => {
    expect(failureOf(() => expect(trace.span('GET')).toCompleteWithin(10))).toMatchSnapshot()
  })

  test('the failure marks the critical path: the spans the request waited for, with their share, and not the parallel ones', () => {
    const checkout = checkoutTrace()
    const message = failureOf(() => expect(checkout).toCompleteWithin(50))
    expect(message).toContain('Critical path (marked below): 6 spans; most time in "GET /stock/:sku" 54.0 ms, "POST /charge" 19.0 ms, "POST /checkout" 11.0 ms.')
    expect(message).toContain('POST /checkout  SERVER  orders  100.0 ms  ◀ critical path 11.0 ms')
    expect(message).toMatch(/├─ GET  CLIENT  orders  58\.0 ms  ◀ critical path 4\.00 ms\n│  └─ GET \/stock\/:sku  SERVER  inventory  54\.0 ms  ◀ critical path 54\.0 ms/)
    // Stock A ran beside the slower stock B: not marked.
    expect(message).toMatch(/├─ GET  CLIENT  orders  28\.0 ms\n│  └─ GET \/stock\/:sku  SERVER  inventory  24\.0 ms\n/)
    expect(message).toContain('├─ audit publish  PRODUCER  orders  5.00 ms\n')
  })

  test('on a span, the marked path is the one inside that span', () => {
    const checkout = checkoutTrace()
    const message = failureOf(() => expect(checkout.span('POST')).toCompleteWithin(10))
    expect(message).toContain('└─ POST  CLIENT  orders  23.0 ms  ◀ received · 23.0 ms (budget 10.0 ms) · critical path 4.00 ms')
    expect(message).toContain('└─ POST /charge  SERVER  payments  19.0 ms  ◀ critical path 19.0 ms')
    expect(message).not.toContain('SELECT cart  CLIENT  orders  8.00 ms  ◀')
  })

  test('.not passes when over budget and fails when within', () => {
    expect(trace).not.toCompleteWithin(47.9)
    expect(trace.span('SELECT orders')).not.toCompleteWithin(3)
    expect(failureOf(() => expect(trace.span('SELECT orders')).not.toCompleteWithin(5))).toMatchSnapshot()
  })

  test('asymmetric matchers pick the span; the budget itself must be a plain number', () => {
    expect(trace.span({ name: expect.stringContaining('stock') })).toCompleteWithin(11)
    expect(() => expect(trace).toCompleteWithin(expect.any(Number) as never)).toThrowError(/^toCompleteWithin\(\) expects a budget in milliseconds/)
  })

  test('a budget that is not a non-negative number throws a TypeError naming the matcher', () => {
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY, '200', undefined]) {
      expect(() => expect(trace).toCompleteWithin(ms as never)).toThrowError(/^toCompleteWithin\(\) expects a budget in milliseconds \(a non-negative number\)/)
    }
    expect(() => expect(trace).toCompleteWithin('200' as never)).toThrowError('received string "200". For example: toCompleteWithin(200).')
  })

  test('a received value that is neither a Trace nor a span throws a TypeError naming the matcher', () => {
    expect(() => expect(5).toCompleteWithin(1)).toThrowError(TypeError)
    expect(() => expect({ durationMs: 5 }).toCompleteWithin(1)).toThrowError(/^toCompleteWithin\(\) expects/)
  })

  // The matcher takes a trace or a span, but the error reads "expects a span", so a user who
  // passed the request result is told to pass a span rather than the trace.
  test('the TypeError says that a Trace is accepted too', () => {
    expect(() => expect(5).toCompleteWithin(1)).toThrowError(/expects a Trace or a span/)
  })
})
