import { describe, expect, test } from 'vitest'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()

describe('toHaveSelfTimeWithin', () => {
  // The root lasts 48 ms; its children cover 2–6, 7–10, 11–14, 15–18, 20–35 and 36–44: 36 ms.
  test('passes when the time outside the children is within budget (inclusive)', () => {
    expect(trace.root).toHaveSelfTimeWithin(12)
    expect(trace.span('GET')).toHaveSelfTimeWithin(4)
    expect(trace.span('SELECT orders')).toHaveSelfTimeWithin(4)
  })

  test('overlapping children are counted once and children outside the span are ignored', () => {
    const busy = buildTrace({
      name: 'handler',
      startMs: 10,
      endMs: 30,
      children: [
        { name: 'a', startMs: 12, endMs: 18 },
        { name: 'b', startMs: 15, endMs: 20 },
        { name: 'late', startMs: 28, endMs: 40 },
        { name: 'early', startMs: 0, endMs: 5 },
      ],
    })
    // covered: 12–20 and 28–30 → 10 ms of 20
    expect(busy.root).toHaveSelfTimeWithin(10)
    expect(busy.root).not.toHaveSelfTimeWithin(9.99)
  })

  test('fails over budget, with the self time and what the children cover', () => {
    expect(failureOf(() => expect(trace.root).toHaveSelfTimeWithin(5))).toMatchSnapshot()
  })

  test('.not passes over budget and fails within', () => {
    expect(trace.root).not.toHaveSelfTimeWithin(11.9)
    expect(failureOf(() => expect(trace.span('compute total')).not.toHaveSelfTimeWithin(20))).toMatchSnapshot()
  })

  test('asymmetric matchers pick the span; the budget itself must be a plain number', () => {
    expect(trace.span({ name: expect.stringMatching(/total$/), attributes: { 'order.total': expect.closeTo(130, 0) } })).toHaveSelfTimeWithin(8)
    expect(() => expect(trace.root).toHaveSelfTimeWithin(expect.any(Number) as never)).toThrowError(/^toHaveSelfTimeWithin\(\) expects a budget in milliseconds/)
  })

  test('a bad budget throws a TypeError naming the matcher', () => {
    expect(() => expect(trace.root).toHaveSelfTimeWithin(-5)).toThrowError(new TypeError(
      'toHaveSelfTimeWithin() expects a budget in milliseconds (a non-negative number), received number -5. For example: toHaveSelfTimeWithin(200).',
    ))
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toHaveSelfTimeWithin(10)).toThrowError(/^toHaveSelfTimeWithin\(\) expects a span, received a Trace\./)
    expect(() => expect(12).not.toHaveSelfTimeWithin(10)).toThrowError(/^toHaveSelfTimeWithin\(\) expects a span, received number 12\./)
  })
})
