import { AssertionError } from 'node:assert'
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import { SpanLookupError } from 'tracewright'
import { buildTrace } from '../fixtures/build-trace.js'
import { checkoutTimeline } from '../fixtures/checkout-timeline.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = checkoutTimeline()
const stockCalls = { name: 'GET', kind: 'CLIENT' } as const

describe('toRunInParallel', () => {
  test('passes when every matched span overlaps every other', () => {
    expect(trace).toRunInParallel(stockCalls)
    expect(trace).toRunInParallel({ name: 'GET /stock/:sku' })
  })

  test('.not passes when they ran one after another; touching ends are one after another', () => {
    // INSERT audit 1 ends at 53 exactly when 2 starts.
    expect(trace).not.toRunInParallel('INSERT audit')
    expect(trace).not.toRunInParallel({ name: /^(reserve|charge|ship)$/ })
  })

  test('fails when they ran one after another, numbering them in the tree', () => {
    expect(failureOf(() => expect(trace).toRunInParallel('INSERT audit'))).toMatchSnapshot()
  })

  test('.not fails when they all overlap', () => {
    expect(failureOf(() => expect(trace).not.toRunInParallel(stockCalls))).toMatchSnapshot()
  })

  test('some overlapping and some not fails with and without .not, saying which pairs', () => {
    const mixed = { name: /^(GET|charge)$/, kind: 'CLIENT' } as const
    const plain = errorOf(() => expect(trace).toRunInParallel(mixed))
    const negated = errorOf(() => expect(trace).not.toRunInParallel(mixed))
    expect(plain).toBeInstanceOf(AssertionError)
    expect(negated).toBeInstanceOf(AssertionError)
    expect(stripVTControlCharacters(plain.message)).toContain('Received: 3 of 6 pairs overlap: some ran in parallel, some one after another')
    expect(stripVTControlCharacters(negated.message)).toContain('expect(trace).not.toRunInParallel(selector)')
    expect(stripVTControlCharacters(plain.message)).toMatch(/> 2 and 4: 4\.00 ms apart \(same service, compared exactly\)/)
  })

  test.each([1, 5, 20])('a %i ms clock skew between the stock services is no false failure', (skewMs) => {
    const skewed = checkoutTimeline(skewMs)
    // stock-b's clock runs behind: at 20 ms its server span appears to end 7 ms before stock-a's starts.
    expect(skewed).toRunInParallel({ name: 'GET /stock/:sku' })
    expect(skewed).toRunInParallel(stockCalls)
    expect(skewed).not.toRunInParallel('INSERT audit')
  })

  test('with a zero tolerance a skewed service is compared exactly', () => {
    const skewed = checkoutTimeline(20)
    const error = errorOf(() => expect(skewed).toRunInParallel({ name: 'GET /stock/:sku' }, { skewToleranceMs: 0 }))
    expect(error).toBeInstanceOf(AssertionError)
    expect(error.message).toContain('> 1 and 2: 13.0 ms apart (stock-b and stock-a: 0.00 ms clock-skew tolerance)')
  })

  test('JS SDK timestamps on one clock: an overlap under 1 ms counts only between spans started in the same ms', () => {
    // Whole-ms starts and finer ends, as the JS SDK records them: two calls issued together
    // (truncated alike), two awaited calls 0.4 ms apart, and two awaited calls whose truncated
    // starts make them appear to overlap by 0.3 ms (as the gateway's two calls did, about every
    // other run).
    const js = buildTrace({ name: 'handler', startMs: 0, endMs: 40, children: [
      { name: 'decrby', kind: 'CLIENT', startMs: 3, endMs: 3.7 },
      { name: 'decrby', kind: 'CLIENT', startMs: 3, endMs: 3.9 },
      { name: 'POST', kind: 'CLIENT', startMs: 5, endMs: 10.6 },
      { name: 'POST', kind: 'CLIENT', startMs: 11, endMs: 17.3 },
      { name: 'PUT', kind: 'CLIENT', startMs: 18, endMs: 25.3 },
      { name: 'PUT', kind: 'CLIENT', startMs: 25, endMs: 30.2 },
    ] })
    expect(js).toRunInParallel('decrby')
    expect(js).not.toRunInParallel('POST')
    expect(js).not.toRunInParallel('PUT')
    expect(failureOf(() => expect(js).toRunInParallel('PUT'))).toContain('1 and 2: overlap 0.30 ms (same service, compared exactly, timestamps to 1 ms)')
    // With exact timestamps the same 0.3 ms overlap is an overlap.
    const exact = buildTrace({ name: 'handler', startMs: 0, endMs: 40, children: [
      { name: 'PUT', kind: 'CLIENT', startMs: 18.5, endMs: 25.4 },
      { name: 'PUT', kind: 'CLIENT', startMs: 25.1, endMs: 30.2 },
    ] })
    expect(exact).toRunInParallel('PUT')
  })

  test('asymmetric matchers in the selector', () => {
    expect(trace).toRunInParallel({ kind: 'CLIENT', attributes: { 'server.address': expect.stringMatching(/^stock-/) } })
  })

  test('fewer than two matching spans fail with or without .not', () => {
    const none = errorOf(() => expect(trace).not.toRunInParallel('GET /price'))
    expect(none).toBeInstanceOf(SpanLookupError)
    expect(none.message).toMatch(/^toRunInParallel\(\): Failed to compare spans matching "GET \/price": no span matches/)
    expect(() => expect(trace).toRunInParallel('charge')).toThrowError(/only one span matches, and running in parallel takes at least two/)
  })

  test('misuse throws a TypeError naming the matcher', () => {
    expect(() => expect(trace.root).toRunInParallel(stockCalls)).toThrowError(/^toRunInParallel\(\) expects a Trace, received an object\. You passed a span/)
    expect(() => expect(trace).toRunInParallel(undefined as never)).toThrowError(/^toRunInParallel\(\) expects a selector/)
    expect(() => expect(trace).toRunInParallel(stockCalls, { skewToleranceMs: Number.NaN })).toThrowError(/skewToleranceMs to be a non-negative number/)
  })
})
