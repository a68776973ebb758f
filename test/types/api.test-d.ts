import { describe, expectTypeOf, test } from 'vitest'
import { startService, Trace } from 'tracewright'
import type { CapturedSpan, Service, SpanKindName, StatusCodeName, TracedHttpResponse, TracedResponse } from 'tracewright'

declare const svc: Service
declare const trace: Trace

describe('startService', () => {
  test('returns Promise<Service>', () => {
    expectTypeOf(startService).returns.toEqualTypeOf<Promise<Service>>()
    expectTypeOf(startService({ app: (_req, res) => res.end() })).resolves.toEqualTypeOf<Service>()
    // @ts-expect-error: options are required
    void startService()
    // @ts-expect-error: `app` must be a listener or a factory
    void startService({ app: 'orders' })
  })
})

describe('Service', () => {
  test('request() resolves { response, trace }', () => {
    expectTypeOf(svc.request('GET /orders/42')).resolves.toEqualTypeOf<TracedResponse>()
    expectTypeOf(svc.request({ method: 'POST', path: '/orders', json: { id: 1 } })).resolves.toEqualTypeOf<TracedResponse>()
    expectTypeOf<TracedResponse>().toHaveProperty('response').toEqualTypeOf<TracedHttpResponse>()
    expectTypeOf<TracedResponse>().toHaveProperty('trace').toEqualTypeOf<Trace>()
    expectTypeOf<TracedHttpResponse['status']>().toEqualTypeOf<number>()
    expectTypeOf<TracedHttpResponse['json']>().returns.toBeUnknown()
    // @ts-expect-error: a request needs a target
    void svc.request()
    // @ts-expect-error: the object form needs a path
    void svc.request({ method: 'GET' })
  })

  test('waitForSpan() resolves a span; stop() resolves nothing', () => {
    expectTypeOf(svc.waitForSpan(trace, 'write audit record')).resolves.toEqualTypeOf<CapturedSpan>()
    expectTypeOf(svc.stop()).resolves.toBeVoid()
    expectTypeOf(svc.url).toBeString()
  })
})

describe('Trace and CapturedSpan', () => {
  test('trace.span() returns CapturedSpan, trace.spans() a readonly array', () => {
    expectTypeOf(trace.span('GET')).toEqualTypeOf<CapturedSpan>()
    expectTypeOf(trace.spans()).toEqualTypeOf<readonly CapturedSpan[]>()
    expectTypeOf(trace.root).toEqualTypeOf<CapturedSpan>()
    expectTypeOf(trace.parent(trace.root)).toEqualTypeOf<CapturedSpan | undefined>()
    expectTypeOf(trace.traceId).toBeString()
    // @ts-expect-error: a number is not a selector
    trace.span(1)
  })

  test('CapturedSpan fields', () => {
    expectTypeOf<CapturedSpan['start']>().toEqualTypeOf<bigint>()
    expectTypeOf<CapturedSpan['end']>().toEqualTypeOf<bigint>()
    expectTypeOf<CapturedSpan['durationMs']>().toEqualTypeOf<number>()
    expectTypeOf<CapturedSpan['kind']>().toEqualTypeOf<SpanKindName>()
    expectTypeOf<CapturedSpan['status']['code']>().toEqualTypeOf<StatusCodeName>()
    expectTypeOf<CapturedSpan['parentSpanId']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<SpanKindName>().toEqualTypeOf<'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER'>()
    expectTypeOf<StatusCodeName>().toEqualTypeOf<'UNSET' | 'OK' | 'ERROR'>()
  })

  test('CapturedSpan is read-only', () => {
    const span = {} as CapturedSpan
    // @ts-expect-error: readonly
    span.name = 'renamed'
    // @ts-expect-error: readonly attributes
    span.attributes['x'] = 1
  })
})
