import { describe, expect, test } from 'vitest'
import { checkoutTimeline } from '../fixtures/checkout-timeline.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = checkoutTimeline()
const reserve = trace.span('reserve')

describe('toEndBefore', () => {
  test('passes when the span ended before every span the selector matches started, or before a span', () => {
    expect(reserve).toEndBefore({ name: 'GET', kind: 'CLIENT' })
    expect(reserve).toEndBefore('charge')
    expect(reserve).toEndBefore(trace.span('ship'))
    expect(trace.span('POST /charge')).toEndBefore('POST /ship')
  })

  test('within one service the comparison is exact', () => {
    const [first, second] = trace.spans('INSERT audit')
    expect(first).toEndBefore(second as never)
    // charge ends at 40, ship starts at 41; the first stock call (12–20) overlaps the second (12.5–21).
    expect(trace.span('charge')).toEndBefore('ship')
    const [a, b] = trace.spans({ name: 'GET', kind: 'CLIENT' })
    expect(a).not.toEndBefore(b as never)
  })

  test('fails, showing each compared span with the gap', () => {
    expect(failureOf(() => expect(trace.span('charge')).toEndBefore({ name: 'GET', kind: 'CLIENT' }))).toMatchSnapshot()
  })

  test.each([1, 5, 20])('a %i ms clock skew between services is no false failure', (skewMs) => {
    const skewed = checkoutTimeline(skewMs)
    expect(skewed.span('POST /charge')).toEndBefore('POST /ship')
    expect(skewed.span('POST /ship')).not.toEndBefore('POST /reserve')
  })

  test('.not passes when it ended after the other started, and fails otherwise', () => {
    expect(trace.span('charge')).not.toEndBefore('reserve')
    const message = failureOf(() => expect(reserve).not.toEndBefore('charge'))
    expect(message).toContain('Expected: not "reserve" CLIENT (span 0000000000000002) to end before the span matching "charge" started')
    expect(message).toContain('Received: it ended 15.0 ms before "charge" started')
  })

  test('asymmetric matchers, and misuse', () => {
    expect(reserve).toEndBefore({ name: expect.stringMatching(/^INSERT/) })
    expect(() => expect(trace).toEndBefore('charge')).toThrowError(/^toEndBefore\(\) expects a span, received a Trace\./)
    expect(() => expect(reserve).toEndBefore('charge', 5 as never)).toThrowError(/^toEndBefore\(\) expects options as an object/)
  })
})
