import { describe, expectTypeOf, test } from 'vitest'
import { attachService, jaegerTraces } from 'tracewright'
import type { CapturedSpan, Collector, Service, TraceSource } from 'tracewright'

declare const collector: Collector

describe('attachService', () => {
  test('returns the Service that startService returns, from a collector or a trace source', () => {
    expectTypeOf(attachService({ url: 'http://127.0.0.1:8080', traces: collector })).resolves.toEqualTypeOf<Service>()
    expectTypeOf(attachService({ url: 'http://127.0.0.1:8080', name: 'orders', traces: jaegerTraces({ url: 'http://127.0.0.1:16686' }) })).resolves.toEqualTypeOf<Service>()
    // @ts-expect-error: `traces` says where the spans come from and is required
    void attachService({ url: 'http://127.0.0.1:8080' })
    // @ts-expect-error: a URL string is not a trace source
    void attachService({ url: 'http://127.0.0.1:8080', traces: 'http://jaeger:16686' })
  })

  test('a TraceSource is an object with a url and fetchTrace', () => {
    const tempo: TraceSource = { url: 'http://tempo:3200', fetchTrace: async () => [] }
    expectTypeOf(tempo.fetchTrace).returns.resolves.toEqualTypeOf<readonly CapturedSpan[]>()
    // @ts-expect-error: fetchTrace is required
    const broken: TraceSource = { url: 'http://tempo:3200' }
    void broken
  })
})
