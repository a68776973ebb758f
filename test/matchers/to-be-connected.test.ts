import { describe, expect, test } from 'vitest'
import { findTraceBreaks, TraceStore } from 'tracewright'
import { buildTrace, fixtureSpanId, fixtureTraceId, ordersTrace } from '../fixtures/build-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

// A gateway calling payments: connected when the hop goes CLIENT → SERVER.
const connected = buildTrace({
  name: 'POST /checkout', kind: 'SERVER', service: 'gateway', startMs: 0, endMs: 30, remoteParentSpanId: 'aaaaaaaaaaaaaaaa',
  children: [{
    name: 'POST', kind: 'CLIENT', startMs: 2, endMs: 20,
    children: [{ name: 'POST /charge', kind: 'SERVER', service: 'payments', startMs: 4, endMs: 18 }],
  }],
})

describe('toBeConnected', () => {
  test('passes for one tree whose service hops go through CLIENT spans', () => {
    expect(connected).toBeConnected()
    expect(ordersTrace()).toBeConnected()
    expect(findTraceBreaks(connected)).toEqual([])
  })

  test('an orphan (its parent never captured) fails and is marked where the trace breaks', () => {
    const broken = buildTrace([
      { name: 'POST /checkout', kind: 'SERVER', service: 'gateway', startMs: 0, endMs: 30, remoteParentSpanId: 'aaaaaaaaaaaaaaaa' },
      { name: 'POST /charge', kind: 'SERVER', service: 'payments', startMs: 4, endMs: 18, remoteParentSpanId: 'bbbbbbbbbbbbbbbb' },
    ])
    expect(failureOf(() => expect(broken).toBeConnected())).toMatchSnapshot()
    expect(findTraceBreaks(broken).map((b) => b.kind)).toEqual(['orphan'])
  })

  test('a downstream SERVER span under an INTERNAL span: the caller made no CLIENT span', () => {
    const noClient = buildTrace({
      name: 'POST /checkout', kind: 'SERVER', service: 'gateway', startMs: 0, endMs: 30,
      children: [{
        name: 'charge card', kind: 'INTERNAL', startMs: 2, endMs: 20,
        children: [{ name: 'POST /charge', kind: 'SERVER', service: 'payments', startMs: 4, endMs: 18 }],
      }],
    })
    const message = failureOf(() => expect(noClient).toBeConnected())
    expect(message).toContain('Received: 1 break')
    expect(message).toContain('SERVER span "POST /charge" (payments) is a child of INTERNAL span "charge card" (gateway), not of a CLIENT span')
    expect(message).toContain('└─ POST /charge  SERVER  payments  14.0 ms  ◀ SERVER without a CLIENT parent')
  })

  test('an INTERNAL span of another service directly under a caller span is a broken hop', () => {
    const hop = buildTrace({
      name: 'GET /', kind: 'SERVER', service: 'gateway', startMs: 0, endMs: 10,
      children: [{ name: 'compute', kind: 'INTERNAL', service: 'worker', startMs: 1, endMs: 5 }],
    })
    expect(findTraceBreaks(hop).map((b) => b.kind)).toEqual(['service-hop-without-client'])
  })

  test('.not passes on a broken trace and fails on a connected one', () => {
    const broken = buildTrace([
      { name: 'a', kind: 'SERVER', startMs: 0, endMs: 1 },
      { name: 'b', kind: 'SERVER', startMs: 2, endMs: 3 },
    ])
    expect(broken).not.toBeConnected()
    expect(failureOf(() => expect(connected).not.toBeConnected())).toContain('Expected: not one connected trace')
  })

  test('a value that is not a trace is a TypeError naming the matcher', () => {
    expect(errorOf(() => expect(connected.root).toBeConnected())).toBeInstanceOf(TypeError)
    expect(errorOf(() => expect(connected.root).toBeConnected()).message).toMatch(/^toBeConnected\(\) expects a Trace/)
  })
})

describe('toBeConnected({ links: true })', () => {
  /** A producer and a consumer trace in one store; the consumer's batch span links as `links` say. */
  function pair(links: readonly { spanNumber: number; traceNumber?: number }[], consumerKind: 'CONSUMER' | 'INTERNAL' = 'CONSUMER') {
    const store = new TraceStore()
    const producer = buildTrace({
      name: 'POST /orders', kind: 'SERVER', startMs: 0, endMs: 10,
      children: [{ name: 'orders publish', kind: 'PRODUCER', startMs: 1, endMs: 2 }],
    }, { store, traceNumber: 1 })
    const consumer = buildTrace({
      name: 'orders process', kind: consumerKind, startMs: 20, endMs: 30, service: 'shipping',
      links: links.map((l) => ({ traceId: fixtureTraceId(l.traceNumber ?? 1), spanId: fixtureSpanId(l.spanNumber) })),
      children: [{ name: 'INSERT shipments', kind: 'CLIENT', startMs: 22, endMs: 28, service: 'shipping' }],
    }, { store, traceNumber: 2 })
    return { producer: store.trace(producer.traceId), consumer }
  }

  test('passes when the consumer trace links CONSUMER → PRODUCER, from either side', () => {
    const { producer, consumer } = pair([{ spanNumber: 2 }])
    expect(producer).toBeConnected({ links: true })
    expect(consumer).toBeConnected({ links: true })
    expect(producer.linkingTraces()).toHaveLength(1)
  })

  test('a link to a span never captured is a break, named by trace and span id', () => {
    const { producer, consumer } = pair([{ spanNumber: 2 }, { spanNumber: 4, traceNumber: 9 }])
    expect(producer).toBeConnected()
    expect(failureOf(() => expect(producer).toBeConnected({ links: true }))).toMatchSnapshot()
    expect(failureOf(() => expect(consumer).toBeConnected({ links: true }))).toContain(
      `CONSUMER span "orders process" (shipping) links to span ${fixtureSpanId(4)} of trace ${fixtureTraceId(9)}, which was never captured`,
    )
  })

  test('a link hop that is not PRODUCER → CONSUMER is a break', () => {
    const fromServer = pair([{ spanNumber: 1 }])
    expect(failureOf(() => expect(fromServer.producer).toBeConnected({ links: true }))).toContain(
      `CONSUMER span "orders process" (shipping, trace ${fixtureTraceId(2)}) links to SERVER span "POST /orders" (orders): a hop made by a link should go from a PRODUCER span to a CONSUMER span`,
    )
    const notConsumer = pair([{ spanNumber: 2 }], 'INTERNAL')
    expect(notConsumer.producer).not.toBeConnected({ links: true })
    expect(notConsumer.producer).toBeConnected()
  })

  test('an orphan CONSUMER in the trace linked to a captured PRODUCER is connected only with links', () => {
    const trace = buildTrace([
      { name: 'POST /orders', kind: 'SERVER', startMs: 0, endMs: 10, children: [{ name: 'orders publish', kind: 'PRODUCER', startMs: 1, endMs: 2 }] },
      { name: 'orders process', kind: 'CONSUMER', startMs: 12, endMs: 20, service: 'shipping', remoteParentSpanId: 'aaaaaaaaaaaaaaaa', links: [{ traceId: fixtureTraceId(1), spanId: fixtureSpanId(2) }] },
    ])
    expect(trace).not.toBeConnected()
    expect(trace).toBeConnected({ links: true })
  })

  test('options other than { links } are a TypeError', () => {
    const { producer } = pair([{ spanNumber: 2 }])
    expect(() => expect(producer).toBeConnected({ link: true } as never)).toThrowError(/^toBeConnected\(\) expects no options or \{ links: true \}, received \{ link: true \}\./)
  })
})
