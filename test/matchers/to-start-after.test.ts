import { describe, expect, test } from 'vitest'
import { SpanLookupError } from 'tracewright'
import { buildTrace } from '../fixtures/build-trace.js'
import { checkoutTimeline } from '../fixtures/checkout-timeline.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = checkoutTimeline()
const charge = trace.span('charge')

describe('toStartAfter', () => {
  test('passes when the span started after every span the selector matches ended, or after a span', () => {
    expect(charge).toStartAfter('reserve')
    expect(charge).toStartAfter({ name: 'GET', kind: 'CLIENT' })
    expect(charge).toStartAfter(trace.span('reserve'))
    expect(trace.span('POST /ship')).toStartAfter('POST /charge')
  })

  test('within one service the comparison is exact: starting 1 ms before the other ended fails', () => {
    // ship CLIENT starts at 41, charge CLIENT ends at 40; INSERT audit 2 starts as 1 ends (53 = 53).
    expect(trace.span('ship')).toStartAfter('charge')
    const [first, second] = trace.spans('INSERT audit')
    expect(second).toStartAfter(first as never)
    const [a, b] = trace.spans({ name: 'GET', kind: 'CLIENT' })
    expect(b).not.toStartAfter(a as never)
  })

  test('fails, showing each compared span with the gap and how it was compared', () => {
    expect(failureOf(() => expect(trace.span('reserve')).toStartAfter({ name: 'GET', kind: 'CLIENT' }))).toMatchSnapshot()
  })

  test('JS SDK timestamps (whole-ms start, finer end) are known to 1 ms; exact ones are compared exactly', () => {
    // As the JS SDK records two awaited statements: starts truncated to the ms, so the second
    // appears to start 0.6 ms before the first ended.
    const truncated = buildTrace({ name: 'tx', startMs: 0, endMs: 30, children: [
      { name: 'BEGIN', kind: 'CLIENT', startMs: 18, endMs: 21.6 },
      { name: 'INSERT', kind: 'CLIENT', startMs: 21, endMs: 22.8 },
    ] })
    expect(truncated.span('INSERT')).toStartAfter('BEGIN')
    expect(failureOf(() => expect(truncated.span('INSERT')).not.toStartAfter('BEGIN'))).toContain('(same service, compared exactly, timestamps to 1 ms)')
    const exact = buildTrace({ name: 'tx', startMs: 0, endMs: 30, children: [
      { name: 'BEGIN', kind: 'CLIENT', startMs: 18.5, endMs: 21.6 },
      { name: 'INSERT', kind: 'CLIENT', startMs: 21.5, endMs: 22.8 },
    ] })
    expect(exact.span('INSERT')).not.toStartAfter('BEGIN')
  })

  test.each([1, 5, 20])('a %i ms clock skew between services is no false failure', (skewMs) => {
    const skewed = checkoutTimeline(skewMs)
    // In real time POST /ship (shipping) started 3 ms after POST /charge (payments) ended.
    expect(skewed.span('POST /ship')).toStartAfter('POST /charge')
    expect(skewed.span('POST /reserve')).not.toStartAfter('POST /ship')
  })

  test('the tolerance is an option; 0 compares across services exactly', () => {
    const skewed = checkoutTimeline(5)
    expect(skewed.span('POST /ship')).not.toStartAfter('POST /charge', { skewToleranceMs: 0 })
    const message = failureOf(() => expect(skewed.span('POST /ship')).toStartAfter('POST /charge', { skewToleranceMs: 1 }))
    expect(message).toContain('Received: it started 2.00 ms before "POST /charge" ended')
    expect(message).toContain('shipping and payments: 1.00 ms clock-skew tolerance')
  })

  test('.not passes when it started before the other ended, and fails otherwise', () => {
    expect(trace.span('reserve')).not.toStartAfter('charge')
    expect(failureOf(() => expect(charge).not.toStartAfter('reserve'))).toMatchSnapshot()
  })

  test('asymmetric matchers in the selector', () => {
    expect(charge).toStartAfter({ name: expect.stringMatching(/^res/) })
    expect(charge).not.toStartAfter({ name: expect.stringContaining('ship') })
  })

  test('a selector matching no span fails with or without .not, with the closest candidates', () => {
    const error = errorOf(() => expect(charge).not.toStartAfter('reserve stock'))
    expect(error).toBeInstanceOf(SpanLookupError)
    expect(error.message).toMatch(/^toStartAfter\(\): Failed to find a span matching "reserve stock": no span matches\.\nClosest candidates:/)
    expect(() => expect(charge).toStartAfter('charge')).toThrowError(/the only span matching "charge" is the received span itself/)
  })

  test('misuse throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toStartAfter('reserve')).toThrowError(/^toStartAfter\(\) expects a span, received a Trace\./)
    expect(() => expect(charge).toStartAfter(undefined as never)).toThrowError(/^toStartAfter\(\) expects a selector or a span/)
    expect(() => expect(charge).toStartAfter('reserve', { skewToleranceMs: -1 })).toThrowError(/^toStartAfter\(\) expects skewToleranceMs to be a non-negative number/)
    expect(() => expect(charge).toStartAfter('reserve', { tolerance: 5 } as never)).toThrowError(/^toStartAfter\(\) got an unknown option "tolerance"/)
    expect(() => expect(charge).toStartAfter({ nme: 'x' } as never)).toThrowError(/^toStartAfter\(\): Unknown selector key "nme"/)
  })
})
