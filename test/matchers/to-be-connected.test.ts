import { describe, expect, test } from 'vitest'
import { findTraceBreaks } from 'tracewright'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
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
