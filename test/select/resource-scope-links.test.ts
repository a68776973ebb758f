import { describe, expect, test } from 'vitest'
import { explainMismatch, selectSpans, SelectorError } from 'tracewright'
import type { Selector, Trace } from 'tracewright'
import { buildTrace, fixtureSpanId, fixtureTraceId } from '../fixtures/build-trace.js'
import { errorOf } from '../fixtures/failure-message.js'
import { linkedTraces } from '../fixtures/linked-traces.js'

/** A checkout whose payments call goes to a service at 2.4.0, through two instrumentation scopes. */
const versioned = buildTrace({
  name: 'POST /checkout', kind: 'SERVER', startMs: 0, endMs: 30,
  scope: { name: '@opentelemetry/instrumentation-http', version: '0.203.0' },
  resource: { 'service.version': '1.0.0' },
  children: [
    { name: 'charge', kind: 'CLIENT', startMs: 2, endMs: 20, scope: { name: '@opentelemetry/instrumentation-undici', version: '0.14.0' } },
    { name: 'POST /charge', kind: 'SERVER', startMs: 3, endMs: 19, service: 'payments', resource: { 'service.version': '2.4.0', 'deployment.environment.name': 'test' } },
    { name: 'render', startMs: 21, endMs: 29, scope: { name: 'checkout' } },
  ],
}, { service: 'checkout' })

function names(selector: Selector, from: Trace = versioned): string[] {
  return selectSpans(from, selector).map((s) => s.name)
}

describe('resource', () => {
  test('matches resource attributes like `attributes` does: exact, RegExp, matcher, absent', () => {
    expect(names({ resource: { 'service.version': '2.4.0' } })).toEqual(['POST /charge'])
    expect(names({ resource: { 'service.version': /^1\./ } })).toEqual(['POST /checkout', 'charge', 'render'])
    expect(names({ resource: { 'service.version': expect.stringMatching(/^2/), 'deployment.environment.name': 'test' } })).toEqual(['POST /charge'])
    expect(names({ resource: { 'deployment.environment.name': undefined } })).toEqual(['POST /checkout', 'charge', 'render'])
    expect(names({ resource: { 'service.version': '9.9.9' } })).toEqual([])
  })

  test('service.name is in the resource too, and a mismatch names the resource key', () => {
    expect(names({ resource: { 'service.name': 'payments' } })).toEqual(['POST /charge'])
    const charge = versioned.span('POST /charge')
    expect(explainMismatch(charge, versioned, { resource: { 'service.version': '2.5.0' } })).toEqual([
      { field: 'resource["service.version"]', expected: '"2.5.0"', actual: '"2.4.0"' },
    ])
  })

  test('anything but an object is a SelectorError', () => {
    const error = errorOf(() => selectSpans(versioned, { resource: 'payments' as never }))
    expect(error).toBeInstanceOf(SelectorError)
    expect(error.message).toBe('Invalid selector: resource must be an object of attribute name to expected value, got "payments".')
  })
})

describe('scope', () => {
  test('a name: string, RegExp or asymmetric matcher', () => {
    expect(names({ scope: '@opentelemetry/instrumentation-http' })).toEqual(['POST /checkout'])
    expect(names({ scope: /instrumentation-(http|undici)$/ })).toEqual(['POST /checkout', 'charge'])
    expect(names({ scope: expect.stringContaining('undici') })).toEqual(['charge'])
    expect(names({ scope: 'checkout' })).toEqual(['render'])
  })

  test('{ name, version }: both must match; a scope without a version matches no version', () => {
    expect(names({ scope: { name: /instrumentation-http/, version: '0.203.0' } })).toEqual(['POST /checkout'])
    expect(names({ scope: { version: /^0\.1/ } })).toEqual(['charge'])
    expect(names({ scope: { name: 'checkout', version: expect.any(String) } })).toEqual([])
    expect(explainMismatch(versioned.span('charge'), versioned, { scope: { version: '0.15.0' } })).toEqual([
      { field: 'scope', expected: '{ version: "0.15.0" }', actual: '"@opentelemetry/instrumentation-undici" 0.14.0' },
    ])
  })

  test('bad scopes are SelectorErrors naming the allowed forms', () => {
    expect(() => selectSpans(versioned, { scope: 3 as never })).toThrowError(new SelectorError(
      'Invalid selector: scope must be a scope name (string, RegExp or asymmetric matcher) or { name, version }, got 3.',
    ))
    expect(() => selectSpans(versioned, { scope: { name: 'x', release: '1' } as never })).toThrowError(new SelectorError(
      'Unknown key "release" in scope { name: "x", release: "1" }. Allowed keys: name, version.',
    ))
    expect(() => selectSpans(versioned, { scope: { version: 1 } as never })).toThrowError(/scope\.version must be a string, a RegExp or an asymmetric matcher/)
  })
})

describe('linkedTo', () => {
  test('follows links into another trace of the same store, matching the target there', () => {
    const { consumer } = linkedTraces()
    expect(names({ linkedTo: { kind: 'PRODUCER' } }, consumer)).toEqual(['orders process'])
    expect(names({ linkedTo: { attributes: { 'messaging.destination.name': 'audit' } } }, consumer)).toEqual(['orders process'])
    // The target is matched in its own trace: its parent is the producer's SERVER span.
    expect(names({ linkedTo: { parent: 'POST /orders' } }, consumer)).toEqual(['orders process'])
    expect(names({ linkedTo: { kind: 'SERVER' } }, consumer)).toEqual([])
    expect(names({ linkedTo: 'orders publish', kind: 'CLIENT' }, consumer)).toEqual([])
  })

  test('a link to a span the store never saw matches nothing and is reported by its ids', () => {
    const { consumer } = linkedTraces()
    const batch = consumer.span('orders process')
    expect(explainMismatch(batch, consumer, { linkedTo: { kind: 'SERVER' } })).toEqual([{
      field: 'linkedTo',
      expected: '{ kind: "SERVER" }',
      actual: '"orders publish" PRODUCER (orders), "orders publish" PRODUCER (orders), ' +
        `trace ${fixtureTraceId(9)} span ${fixtureSpanId(4)} (not captured)`,
    }])
    expect(explainMismatch(consumer.span('INSERT shipments'), consumer, { linkedTo: 'x' })[0]?.actual).toBe('(no links)')
  })

  test('trace.links() resolves each link; trace.linkingTraces() finds the traces linking in', () => {
    const { producer, consumer } = linkedTraces()
    const links = consumer.links(consumer.root)
    expect(links.map((l) => l.span?.spanId)).toEqual([fixtureSpanId(2), fixtureSpanId(3), undefined])
    expect(links.map((l) => l.trace?.traceId)).toEqual([producer.traceId, producer.traceId, undefined])
    expect(links[0]?.link.attributes).toEqual({ 'messaging.message.id': 'm-1' })
    expect(producer.linkingTraces().map((t) => t.traceId)).toEqual([consumer.traceId])
    expect(consumer.linkingTraces()).toEqual([])
  })

  test('a released producer trace no longer resolves; a trace built by hand resolves links only within itself', () => {
    const { producer, consumer, store } = linkedTraces()
    store.release(producer.traceId)
    expect(names({ linkedTo: { kind: 'PRODUCER' } }, store.trace(consumer.traceId))).toEqual([])
    const alone = buildTrace({
      name: 'loop', startMs: 0, endMs: 9,
      children: [{ name: 'first', startMs: 1, endMs: 2 }, { name: 'second', startMs: 3, endMs: 4, links: [{ traceId: fixtureTraceId(1), spanId: fixtureSpanId(2) }] }],
    })
    expect(names({ linkedTo: 'first' }, alone)).toEqual(['second'])
  })

  test('a bad nested selector is a SelectorError', () => {
    const { consumer } = linkedTraces()
    expect(() => selectSpans(consumer, { linkedTo: { nope: 1 } as never })).toThrowError(/Unknown selector key "nope"/)
  })
})
