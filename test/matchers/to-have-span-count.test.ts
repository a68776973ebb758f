import { describe, expect, test } from 'vitest'
import { Trace } from '../../src/select/trace.js'
import { ordersTrace } from '../fixtures/build-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()

describe('toHaveSpanCount', () => {
  test('passes for an exact count and for bounds', () => {
    expect(trace).toHaveSpanCount('SELECT items', 3)
    expect(trace).toHaveSpanCount('SELECT orders', 1)
    expect(trace).toHaveSpanCount('DELETE orders', 0)
    expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, { min: 5 })
    expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, { max: 5 })
    expect(trace).toHaveSpanCount({ attributes: { 'db.system.name': 'postgresql' } }, { min: 1, max: 4 })
    expect(trace).toHaveSpanCount(/SELECT/, { min: 4, max: 4 })
  })

  test('fails on the N+1 with every match marked', () => {
    expect(failureOf(() => expect(trace).toHaveSpanCount({ name: 'SELECT items' }, 1))).toMatchSnapshot()
  })

  test('fails on bounds with no match, marking the closest candidates', () => {
    expect(failureOf(() => expect(trace).toHaveSpanCount({ name: 'SELECT item', kind: 'CLIENT' }, { min: 1, max: 2 }))).toMatchSnapshot()
  })

  test('a count of nothing on a trace without instrumentation-library spans names missing instrumentation', () => {
    const note = /No span of this trace comes from an instrumentation library[\s\S]*'tracewright\/instrument'[\s\S]*--import tracewright\/register/
    expect(failureOf(() => expect(trace).toHaveSpanCount({ attributes: { 'db.system.name': 'mysql' } }, 1))).toMatch(note)
    // The same spans, as an instrumentation library records them: the note would mislead.
    const instrumented = new Trace(trace.spans().map((span) => ({ ...span, scope: { name: '@opentelemetry/instrumentation-pg' } })))
    expect(failureOf(() => expect(instrumented).toHaveSpanCount({ attributes: { 'db.system.name': 'mysql' } }, 1))).not.toMatch(note)
    // Something matched: the selector reached instrumented code, whatever the count.
    expect(failureOf(() => expect(trace).toHaveSpanCount('SELECT items', 1))).not.toMatch(note)
  })

  test('the failure message carries the trace tree and the trace id', () => {
    const message = failureOf(() => expect(trace).toHaveSpanCount({ kind: 'SERVER' }, { max: 1 }))
    expect(message).toContain('Expected: at most 1 span')
    expect(message).toContain('Received: 2 matching spans')
    expect(message).toContain('GET /orders/:id  SERVER  orders  48.0 ms  ◀ match 1/2')
    expect(message).toContain('│  └─ ✗ GET /stock/:sku  SERVER  inventory  11.0 ms  ERROR  ◀ match 2/2')
    expect(message).toContain(`traceId: ${trace.traceId}`)
  })

  // "at least 1 spans": the plural is chosen by comparing the count text with '1', which only
  // works for an exact count.
  test('a lower bound of 1 reads "at least 1 span"', () => {
    const message = failureOf(() => expect(trace).toHaveSpanCount({ kind: 'PRODUCER' }, { min: 1 }))
    expect(message).toContain('Expected: at least 1 span matching { kind: "PRODUCER" }')
  })

  test('.not passes when the count is different', () => {
    expect(trace).not.toHaveSpanCount('SELECT items', 1)
    expect(trace).not.toHaveSpanCount({ kind: 'CLIENT' }, { max: 2 })
  })

  test('.not fails when the count is within bounds', () => {
    expect(failureOf(() => expect(trace).not.toHaveSpanCount('SELECT items', { min: 1, max: 3 }))).toMatchSnapshot()
  })

  test('asymmetric matchers in the selector', () => {
    expect(trace).toHaveSpanCount({ name: expect.stringMatching(/^SELECT/) }, 4)
    expect(trace).toHaveSpanCount({ attributes: { 'db.query.text': expect.stringContaining('FROM items') } }, 3)
    expect(trace).toHaveSpanCount({ attributes: { 'http.response.status_code': expect.any(Number) } }, 3)
    expect(trace).toHaveSpanCount({ attributes: { 'order.total': expect.closeTo(130, 0) } }, 1)
  })

  test('a received value that is not a Trace throws a TypeError naming the matcher', () => {
    expect(() => expect('trace').toHaveSpanCount('x', 1)).toThrowError(/^toHaveSpanCount\(\) expects a Trace, received string "trace"\./)
    expect(() => expect(trace.root).toHaveSpanCount('x', 1)).toThrowError(/^toHaveSpanCount\(\) expects a Trace.*You passed a span/)
  })

  test('a bad count throws a TypeError naming the matcher', () => {
    for (const count of [-1, 1.5, '3', { min: 3, max: 1 }, {}, { min: 1, exactly: 2 }, undefined]) {
      expect(() => expect(trace).toHaveSpanCount('x', count as never)).toThrowError(/^toHaveSpanCount\(\) expects a count: a whole number, or \{ min, max \}/)
    }
  })

  // JSON.stringify(NaN) is "null", so the message blames a value the user never passed.
  test('a NaN count is named as NaN in the error', () => {
    expect(() => expect(trace).toHaveSpanCount('x', Number.NaN)).toThrowError(/Received NaN/)
  })

  // Same bug as toHaveSpan: misuse should be a TypeError naming the matcher.
  test('an invalid selector throws a TypeError naming the matcher', () => {
    const error = errorOf(() => expect(trace).toHaveSpanCount({ kind: 'server-ish' } as never, 1))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^toHaveSpanCount\(\)/)
  })
})
