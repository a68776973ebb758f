import { describe, expect, test } from 'vitest'
import { TraceStore } from 'tracewright'
import type { CapturedLog, Trace } from 'tracewright'
import { buildTrace, fixtureSpanId, fixtureTraceId, nanosAt, ORDERS_TREE, ordersTrace } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const traceId = fixtureTraceId(1)

/** The orders trace with two OTLP records (on SELECT orders and on GET) and a JSON stdout line on the root. */
function tracedLogs(): Trace {
  const store = new TraceStore()
  buildTrace(ORDERS_TREE, { store })
  const logs: CapturedLog[] = [
    { traceId, spanId: fixtureSpanId(2), time: nanosAt(3), severity: 'INFO', body: 'loading order 42', attributes: { 'order.id': 42 }, source: 'otlp' },
    { traceId, spanId: fixtureSpanId(6), time: nanosAt(34), severity: 'WARN', body: 'inventory answered 503, retrying', attributes: { attempt: 2, 'peer.service': 'inventory' }, source: 'otlp' },
    { traceId, spanId: fixtureSpanId(1), time: nanosAt(47), severity: 'info', body: '{"level":30,"msg":"order served","orderId":42}', attributes: { level: 30, msg: 'order served', orderId: 42 }, source: 'stdout' },
  ]
  for (const log of logs) store.addLog(log)
  return store.trace(traceId)
}

const trace = tracedLogs()

describe('toHaveLog', () => {
  test('passes on a trace for severity (any case), body and attributes', () => {
    expect(trace).toHaveLog({ severity: 'warn' })
    expect(trace).toHaveLog({ severity: 'WARN', body: /retrying/ })
    expect(trace).toHaveLog({ body: 'loading order 42' })
    expect(trace).toHaveLog({ attributes: { attempt: 2 } })
    expect(trace).toHaveLog({ attributes: { orderId: 42, msg: 'order served' } })
    expect(trace).toHaveLog({})
  })

  test('on a span, only the logs carrying its span id count', () => {
    expect(trace.span('GET')).toHaveLog({ severity: 'warn' })
    expect(trace.span('SELECT orders')).not.toHaveLog({ severity: 'warn' })
    expect(trace.root).toHaveLog({ attributes: { orderId: 42 } })
  })

  test('fails on a trace, listing its logs with what differs beside the tree', () => {
    expect(failureOf(() => expect(trace).toHaveLog({ severity: 'error', body: /retrying/ }))).toMatchSnapshot()
  })

  test('fails on a span, marking it; a span with no logs of its own points at the trace\'s', () => {
    const message = failureOf(() => expect(trace.span('compute total')).toHaveLog({ body: /total/ }))
    expect(message).toContain('Received: no log records')
    expect(message).toContain('The trace has 3 log records, none carrying this span\'s id; assert on the trace to search them all.')
    expect(message).toMatch(/compute total {2}INTERNAL .*◀ received/)
  })

  test('a trace without logs says how logs reach tracewright', () => {
    const message = failureOf(() => expect(ordersTrace()).toHaveLog({ severity: 'warn' }))
    expect(message).toContain('Logs reach tracewright as OTLP log records')
  })

  test('.not passes when nothing matches and fails on a match, marking it', () => {
    expect(trace).not.toHaveLog({ severity: 'error' })
    expect(trace).not.toHaveLog({ attributes: { attempt: 3 } })
    // `undefined` means the attribute must be absent: only the WARN record has neither.
    expect(trace).toHaveLog({ severity: 'warn', attributes: { 'order.id': undefined, orderId: undefined } })
    expect(trace).not.toHaveLog({ attributes: { attempt: 2, 'peer.service': undefined } })
    expect(failureOf(() => expect(trace).not.toHaveLog({ severity: 'warn' }))).toMatchSnapshot()
  })

  test('asymmetric matchers as severity, body and attribute values', () => {
    expect(trace).toHaveLog({ severity: expect.stringMatching(/^warn$/i), body: expect.stringContaining('503') })
    expect(trace).toHaveLog({ attributes: { attempt: expect.any(Number), 'peer.service': expect.stringContaining('invent') } })
    expect(trace).not.toHaveLog({ body: expect.stringContaining('timeout') })
  })

  test('misuse throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toHaveLog('retrying' as never)).toThrowError(/^toHaveLog\(\) expects a query object/)
    expect(() => expect(trace).toHaveLog({ level: 'warn' } as never)).toThrowError(/^toHaveLog\(\): unknown key "level" in \{ level: "warn" \}\. Allowed keys: severity, body, attributes\./)
    expect(() => expect(trace).toHaveLog({ severity: 13 } as never)).toThrowError(/^toHaveLog\(\) expects severity to be a string, a RegExp or an asymmetric matcher/)
    expect(() => expect(trace).toHaveLog({ attributes: 'x' } as never)).toThrowError(/^toHaveLog\(\) expects attributes as an object/)
    expect(() => expect({ trace }).toHaveLog({})).toThrowError(/^toHaveLog\(\) expects a Trace or a span, received an object\./)
  })
})

describe('toHaveLog on a trace handed out before its logs arrived', () => {
  test('reads the logs the store holds when the assertion runs', () => {
    const store = new TraceStore()
    const early = buildTrace(ORDERS_TREE, { store })
    expect(early).not.toHaveLog({ severity: 'warn' })
    store.addLog({ traceId, spanId: fixtureSpanId(6), time: nanosAt(34), severity: 'WARN', body: 'late warning', source: 'otlp' })
    expect(early.logs).toHaveLength(0)
    expect(early).toHaveLog({ severity: 'warn', body: 'late warning' })
    expect(early.span('GET')).toHaveLog({ body: 'late warning' })
  })
})
