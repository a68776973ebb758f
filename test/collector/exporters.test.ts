import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc'
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCollector, type Collector } from '../../src/collector/start-collector.js'
import { bySpanId, emitSampleTrace, expectedCapturedSpan } from './sdk-spans.js'

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>['compression']>
const GZIP = 'gzip' as Compression

let collector: Collector

beforeAll(async () => {
  collector = await startCollector()
})

afterAll(async () => {
  await collector.stop()
})

const exporters: ReadonlyArray<readonly [string, () => SpanExporter]> = [
  ['OTLP/HTTP protobuf', () => new ProtoTraceExporter({ url: `${collector.endpoint}/v1/traces` })],
  ['OTLP/HTTP protobuf, gzip', () => new ProtoTraceExporter({ url: `${collector.endpoint}/v1/traces`, compression: GZIP })],
  ['OTLP/HTTP JSON', () => new JsonTraceExporter({ url: `${collector.endpoint}/v1/traces` })],
  ['OTLP/HTTP JSON, gzip', () => new JsonTraceExporter({ url: `${collector.endpoint}/v1/traces`, compression: GZIP })],
  ['OTLP/gRPC', () => new GrpcTraceExporter({ url: collector.grpcEndpoint })],
  ['OTLP/gRPC, gzip', () => new GrpcTraceExporter({ url: collector.grpcEndpoint, compression: GZIP })],
]

describe.each(exporters)('spans exported over %s', (_, createExporter) => {
  test('arrive exactly as the SDK recorded them', async () => {
    const recorded = await emitSampleTrace(createExporter())
    const traceId = recorded[0]?.spanContext().traceId ?? ''

    const captured = collector.store.spans(traceId)

    expect(recorded).toHaveLength(5)
    expect(bySpanId(captured)).toStrictEqual(bySpanId(recorded.map(expectedCapturedSpan)))
  })
})

test('the sample covers what the decoder has to normalise', async () => {
  const recorded = await emitSampleTrace(new ProtoTraceExporter({ url: `${collector.endpoint}/v1/traces` }))
  const spans = collector.store.spans(recorded[0]?.spanContext().traceId ?? '')
  const byName = new Map(spans.map((span) => [span.name, span]))

  expect(byName.get('GET /orders/:id')).toMatchObject({ kind: 'SERVER', status: { code: 'UNSET' } })
  expect(byName.get('GET /orders/:id')).not.toHaveProperty('parentSpanId')
  expect(byName.get('GET /orders/:id')?.attributes).toMatchObject({ 'app.sparse': [1, null, 3], 'app.empty': [], 'app.nan': Number.NaN })
  expect(byName.get('SELECT orders')?.status).toEqual({ code: 'ERROR', message: 'connection reset' })
  expect(byName.get('SELECT orders')?.events.map((event) => event.name)).toEqual(['rows.read', 'exception'])
  expect(byName.get('recompute totals')?.status).toStrictEqual({ code: 'ERROR' })
  expect(byName.get('recompute totals')?.links).toHaveLength(2)
  expect(byName.get('orders publish')?.scope).toStrictEqual({ name: 'no-version-scope' })
  expect(byName.get('orders process')?.parentSpanId).toBe(byName.get('orders publish')?.spanId)
  expect(byName.get('SELECT orders')?.resource['service.name']).toBe('orders')
})
