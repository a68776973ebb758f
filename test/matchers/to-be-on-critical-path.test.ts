import { describe, expect, test } from 'vitest'
import { checkoutTrace } from '../fixtures/checkout-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = checkoutTrace()
const stock = (sku: 'A' | 'B') => trace.span({ kind: 'CLIENT', attributes: { 'url.full': `http://inventory/stock/${sku}` } })

describe('toBeOnCriticalPath', () => {
  test('passes for every span the entry span waited for, including one whose child covers all its time', () => {
    expect(trace.root).toBeOnCriticalPath()
    expect(trace.span('SELECT cart')).toBeOnCriticalPath()
    expect(stock('B')).toBeOnCriticalPath()
    expect(trace.span({ name: 'GET /stock/:sku', parent: { attributes: { 'url.full': 'http://inventory/stock/B' } } })).toBeOnCriticalPath()
    expect(trace.span('POST /charge')).toBeOnCriticalPath()
  })

  test('.not passes for work in parallel with a slower sibling', () => {
    expect(stock('A')).not.toBeOnCriticalPath()
    expect(trace.span('audit publish')).not.toBeOnCriticalPath()
  })

  test('fails for a span off the path, marking the path with each contribution', () => {
    expect(failureOf(() => expect(stock('A')).toBeOnCriticalPath())).toMatchSnapshot()
  })

  test('.not fails for a span on the path, saying what it contributed', () => {
    const message = failureOf(() => expect(trace.span('POST /charge')).not.toBeOnCriticalPath())
    expect(message).toContain('Expected: not "POST /charge" SERVER (span 0000000000000009) to be on the critical path of its trace')
    expect(message).toContain('Received: it is on it, contributing 19.0 ms')
    expect(message).toContain('└─ POST /charge  SERVER  payments  19.0 ms  ◀ received · critical path 19.0 ms')
    expect(message).toContain(`traceId: ${trace.traceId}`)
  })

  test('a span picked with an asymmetric matcher in its selector works like any other', () => {
    expect(trace.span({ name: expect.stringMatching(/^SELECT/) })).toBeOnCriticalPath()
    expect(trace.span({ kind: 'PRODUCER', attributes: { 'messaging.destination.name': expect.any(String) } })).not.toBeOnCriticalPath()
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toBeOnCriticalPath()).toThrowError(/^toBeOnCriticalPath\(\) expects a span, received a Trace\. You passed a trace/)
    expect(() => expect(undefined).not.toBeOnCriticalPath()).toThrowError(/^toBeOnCriticalPath\(\) expects a span, received undefined/)
  })

  test('a span that no trace handed out throws a TypeError saying to take it from the trace', () => {
    const copy = { ...trace.span('SELECT cart') }
    expect(() => expect(copy).toBeOnCriticalPath()).toThrowError(new TypeError(`toBeOnCriticalPath() needs the span's trace, but span 0000000000000002 ("SELECT cart") was not taken from a Trace. Pass a span from the trace, e.g. expect(trace.span('SELECT orders')).toBeOnCriticalPath().`))
  })
})
