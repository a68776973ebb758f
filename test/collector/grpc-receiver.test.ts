import grpc from '@grpc/grpc-js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { otlpTypes } from '../../src/collector/otlp/otlp-schema.js'
import { startCollector, type Collector } from '../../src/collector/start-collector.js'

const TRACE_SERVICE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export'
const LOGS_SERVICE_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export'

let collector: Collector
let client: grpc.Client

beforeAll(async () => {
  collector = await startCollector({ maxDecompressedBytes: 64 * 1024 })
  client = new grpc.Client(new URL(collector.grpcEndpoint).host, grpc.credentials.createInsecure())
})

afterAll(async () => {
  client.close()
  await collector.stop()
})

/** A unary call with raw bytes both ways, as a hand-written client would make it. */
function call(path: string, request: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, (bytes: Uint8Array) => Buffer.from(bytes), (bytes: Buffer) => bytes, request, (error, response) => {
      if (error !== null) reject(error)
      else resolve(response ?? Buffer.alloc(0))
    })
  })
}

test('binds 127.0.0.1 on its own ephemeral port', () => {
  expect(collector.grpcEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(collector.grpcEndpoint).not.toBe(collector.endpoint)
})

test('answers a malformed message with INVALID_ARGUMENT and the reason, then keeps serving', async () => {
  const error = await call(TRACE_SERVICE_EXPORT, new Uint8Array([0x0a, 0x05, 0x12])).catch((e: unknown) => e as grpc.ServiceError)

  expect(error).toMatchObject({
    code: grpc.status.INVALID_ARGUMENT,
    details: expect.stringMatching(/^Failed to decode the OTLP\/protobuf ExportTraceServiceRequest: .*runs past the end/),
  })
  const type = otlpTypes.exportTraceServiceRequest
  const traceId = 'cccccccccccccccccccccccccccccccc'
  const valid = type.encode(type.fromObject({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(traceId, 'hex'), spanId: Buffer.alloc(8, 0xcc), name: 'after' }] }] }],
  })).finish()
  expect((await call(TRACE_SERVICE_EXPORT, valid)).length).toBe(0)
  expect(collector.store.spans(traceId).map((span) => span.name)).toEqual(['after'])
})

test('answers partial_success for rejected spans', async () => {
  const type = otlpTypes.exportTraceServiceRequest
  const request = type.encode(type.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'no ids' }] }] }] })).finish()

  const response = otlpTypes.exportTraceServiceResponse.decode(await call(TRACE_SERVICE_EXPORT, request))

  expect(otlpTypes.exportTraceServiceResponse.toObject(response, { longs: Number })).toEqual({
    partialSuccess: { rejectedSpans: 1, errorMessage: '1 span rejected. resourceSpans[0].scopeSpans[0].spans[0]: traceId is missing' },
  })
})

test('takes log records on LogsService/Export', async () => {
  const traceId = 'dddddddddddddddddddddddddddddddd'
  const type = otlpTypes.exportLogsServiceRequest
  const request = type.encode(type.fromObject({
    resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: Buffer.from(traceId, 'hex'), body: { stringValue: 'over gRPC' }, severityNumber: 9 }] }] }],
  })).finish()

  await call(LOGS_SERVICE_EXPORT, request)

  expect(collector.store.logs(traceId)).toEqual([{ traceId, time: 0n, severity: 'INFO', body: 'over gRPC', source: 'otlp' }])
})

test('refuses a message over the size limit with RESOURCE_EXHAUSTED', async () => {
  const error = await call(TRACE_SERVICE_EXPORT, new Uint8Array(128 * 1024)).catch((e: unknown) => e as grpc.ServiceError)

  expect(error).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED })
})
