import { context, trace } from '@opentelemetry/api'
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { otlpTypes } from '../../src/collector/otlp/otlp-schema.js'
import { linkLogLine, startCollector, type Collector } from '../../src/collector/start-collector.js'
import { TraceStore } from '../../src/collector/trace-store.js'
import { emitSampleTrace } from './sdk-spans.js'

describe('OTLP log records', () => {
  let collector: Collector

  beforeAll(async () => {
    collector = await startCollector({ grpc: false })
  })

  afterAll(async () => {
    await collector.stop()
  })

  test('exported by the SDK are linked to the trace and span they were written in', async () => {
    const spans = await emitSampleTrace(new OTLPTraceExporter({ url: `${collector.endpoint}/v1/traces` }))
    const query = spans.find((span) => span.name === 'SELECT orders')
    if (query === undefined) throw new Error('the sample trace has no SELECT span')
    const { traceId, spanId } = query.spanContext()
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${collector.endpoint}/v1/logs` }) })],
    })
    const logger = provider.getLogger('orders')
    const inQuery = trace.setSpanContext(context.active(), query.spanContext())

    logger.emit({ body: 'retrying the query', severityNumber: 13, severityText: 'WARN', timestamp: 1_700_000_000_123, context: inQuery, attributes: { attempt: 2, 'db.operation.name': 'SELECT' } })
    logger.emit({ body: { rows: 3, ids: [1, 2] }, severityNumber: 18, timestamp: 1_700_000_000_124, context: inQuery })
    logger.emit({ body: 'outside any trace', severityNumber: 9 })
    await provider.forceFlush()
    await provider.shutdown()

    expect(collector.store.logs(traceId)).toStrictEqual([
      { traceId, spanId, time: 1_700_000_000_123_000_000n, severity: 'WARN', body: 'retrying the query', attributes: { attempt: 2, 'db.operation.name': 'SELECT' }, source: 'otlp' },
      { traceId, spanId, time: 1_700_000_000_124_000_000n, severity: 'ERROR2', body: '{"rows":3,"ids":[1,2]}', source: 'otlp' },
    ])
  })

  test('sent as protobuf fall back to the observed time, and a bad trace id is rejected alone', async () => {
    const traceId = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'
    const type = otlpTypes.exportLogsServiceRequest
    const body = type.encode(type.fromObject({
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [
            { traceId: Buffer.from(traceId, 'hex'), observedTimeUnixNano: '1700000000000000001', body: { boolValue: true } },
            { traceId: Buffer.alloc(3, 1), body: { stringValue: 'lost' } },
            { body: { stringValue: 'unlinked' } },
          ],
        }],
      }],
    })).finish()

    const response = await fetch(`${collector.endpoint}/v1/logs`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } })
    const decoded = otlpTypes.exportLogsServiceResponse.decode(new Uint8Array(await response.arrayBuffer()))

    expect(otlpTypes.exportLogsServiceResponse.toObject(decoded, { longs: Number })).toEqual({
      partialSuccess: {
        rejectedLogRecords: 1,
        errorMessage: '1 log record rejected. resourceLogs[0].scopeLogs[0].logRecords[1]: traceId has 3 bytes, expected 16',
      },
    })
    expect(collector.store.logs(traceId)).toStrictEqual([{ traceId, time: 1_700_000_000_000_000_001n, body: 'true', source: 'otlp' }])
  })
})

describe('linkLogLine', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const spanId = '00f067aa0ba902b7'
  const storeWithTrace = (): TraceStore => {
    const store = new TraceStore()
    store.addLog({ traceId, time: 0n, body: 'seed', source: 'otlp' })
    return store
  }

  test.each([
    ['a W3C traceparent', `GET /orders/42 traceparent=00-${traceId}-${spanId}-01`, spanId, undefined, undefined],
    ['a logfmt trace_id', `level=warn msg="slow query" trace_id=${traceId} span_id=${spanId}`, spanId, 'warn', undefined],
    ['a JSON traceId field', `{"level":30,"msg":"done","traceId":"${traceId.toUpperCase()}","spanId":"${spanId}"}`, spanId, 'info',
      { level: 30, msg: 'done', traceId: traceId.toUpperCase(), spanId }],
    ['an ECS trace.id field', `{"trace.id": "${traceId}", "message": "ok", "nested": {"a": 1}}\n`, undefined, undefined, { 'trace.id': traceId, message: 'ok' }],
  ])('links a line with %s to a trace the store knows', (_, line, expectedSpanId, severity, attributes) => {
    const store = storeWithTrace()

    const log = linkLogLine(store, line, 'stderr')

    expect(log).toStrictEqual({
      traceId,
      ...(expectedSpanId === undefined ? {} : { spanId: expectedSpanId }),
      time: expect.any(BigInt),
      ...(severity === undefined ? {} : { severity }),
      body: line.trimEnd(),
      ...(attributes === undefined ? {} : { attributes }),
      source: 'stderr',
    })
    expect(store.logs(traceId).at(-1)).toBe(log)
  })

  test('stamps the line with the time it was linked', () => {
    const before = BigInt(Date.now()) * 1_000_000n
    const log = linkLogLine(storeWithTrace(), `trace_id=${traceId}`, 'stdout')

    expect(log?.time).toBeGreaterThanOrEqual(before - 1_000_000n)
    expect(log?.time).toBeLessThanOrEqual(BigInt(Date.now() + 1) * 1_000_000n)
  })

  test('leaves lines alone that name an unknown trace or none', () => {
    const store = storeWithTrace()

    expect(linkLogLine(store, 'trace_id=0123456789abcdef0123456789abcdef', 'stdout')).toBeUndefined()
    expect(linkLogLine(store, `sha256 ${traceId}`, 'stdout')).toBeUndefined()
    expect(linkLogLine(store, 'listening on :8080', 'stdout')).toBeUndefined()
    expect(store.logs(traceId)).toHaveLength(1)
  })
})
