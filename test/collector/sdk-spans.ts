import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import type { CapturedSpan, SpanKindName, StatusCodeName } from '../../src/model/captured-span.js'

/*
 * Real spans from the OpenTelemetry JS SDK, sent through a real exporter, and what tracewright
 * should make of them, worked out from the SDK's own ReadableSpans.
 */

export const SAMPLE_RESOURCE = {
  'service.name': 'orders',
  'service.version': '1.4.2',
  'deployment.environment.name': 'test',
  'process.pid': 4242,
} as const

/** Every attribute type the SDK can hold. */
export const EVERY_ATTRIBUTE_TYPE: Attributes = {
  'http.request.method': 'GET',
  'http.response.status_code': 200,
  'app.ratio': 0.25,
  'app.negative': -7,
  'app.nan': Number.NaN,
  'app.cached': true,
  'app.flags': ['a', 'b'],
  'app.sizes': [1, 2.5, 3],
  'app.bits': [true, false],
  'app.sparse': [1, null, 3],
  'app.empty': [],
  'app.unicode': 'Grüße, 世界 ✓',
}

/**
 * Emits a small trace (a SERVER root; CLIENT, PRODUCER and CONSUMER children; an INTERNAL span
 * linked to the root; an error with an exception event) through `exporter`, and returns the spans
 * as the SDK recorded them.
 */
export async function emitSampleTrace(exporter: SpanExporter): Promise<ReadableSpan[]> {
  const recorded = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(SAMPLE_RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(recorded), new SimpleSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer('tracewright-test', '1.2.3')
  const otherTracer = provider.getTracer('no-version-scope')

  const root = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, attributes: EVERY_ATTRIBUTE_TYPE })
  const inRoot = trace.setSpan(context.active(), root)

  const query = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, inRoot)
  query.addEvent('rows.read', { 'db.rows': 3 })
  query.recordException(new Error('connection reset'))
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' })
  query.end()

  const publish = otherTracer.startSpan('orders publish', { kind: SpanKind.PRODUCER }, inRoot)
  publish.setStatus({ code: SpanStatusCode.OK })
  publish.end()
  const consume = otherTracer.startSpan('orders process', { kind: SpanKind.CONSUMER }, trace.setSpan(context.active(), publish))
  consume.end()

  const linked = tracer.startSpan('recompute totals', {
    kind: SpanKind.INTERNAL,
    links: [{ context: root.spanContext(), attributes: { 'link.reason': 'follows' } }, { context: query.spanContext() }],
  }, inRoot)
  linked.setStatus({ code: SpanStatusCode.ERROR })
  linked.end()

  root.end()
  await provider.forceFlush()
  // Read before shutting down: shutting down empties the in-memory exporter.
  const spans = recorded.getFinishedSpans()
  await provider.shutdown()
  return spans
}

const KIND_NAMES: readonly SpanKindName[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']
const STATUS_NAMES: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR']

function nanos([seconds, nanoseconds]: readonly [number, number]): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds)
}

/** The CapturedSpan tracewright should build for a span the SDK recorded. */
export function expectedCapturedSpan(span: ReadableSpan): CapturedSpan {
  const start = nanos(span.startTime)
  const end = nanos(span.endTime)
  const { name, version } = span.instrumentationScope
  const parentSpanId = span.parentSpanContext?.spanId
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
    start,
    end,
    durationMs: Number(end - start) / 1e6,
    status: {
      code: STATUS_NAMES[span.status.code] ?? 'UNSET',
      ...(span.status.message === undefined || span.status.message === '' ? {} : { message: span.status.message }),
    },
    attributes: { ...span.attributes } as CapturedSpan['attributes'],
    events: span.events.map((event) => ({
      name: event.name,
      time: nanos(event.time),
      attributes: { ...event.attributes } as CapturedSpan['attributes'],
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: { ...link.attributes } as CapturedSpan['attributes'],
    })),
    resource: { ...span.resource.attributes } as CapturedSpan['resource'],
    scope: version === undefined || version === '' ? { name } : { name, version },
  }
}

/** Spans in a stable order, to compare what arrived with what was sent. */
export function bySpanId<T extends { readonly spanId: string }>(spans: readonly T[]): T[] {
  return [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId))
}
