import type { OtlpEncoding } from './export-request.js'
import { otlpTypes } from './otlp-schema.js'

/**
 * The two signals the receiver takes.
 *
 * @example
 * ```ts
 * const signal: OtlpSignal = url === '/v1/logs' ? 'logs' : 'traces'
 * ```
 */
export type OtlpSignal = 'traces' | 'logs'

/**
 * gRPC status codes used in error bodies (google.rpc.Code).
 *
 * @example
 * ```ts
 * encodeStatus('json', GRPC_STATUS.INVALID_ARGUMENT, 'traceId is missing')
 * ```
 */
export const GRPC_STATUS = {
  INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
} as const

const EMPTY = new Uint8Array(0)
const utf8 = new TextEncoder()

/**
 * The body of a successful export reply: an empty `Export{Trace,Logs}ServiceResponse`, or one with
 * `partial_success` when items were rejected or left out (senders log the message). An empty
 * `partial_success` is never sent because some exporters log even that.
 *
 * @example
 * ```ts
 * res.end(encodeExportResponse('traces', 'json', 1, 'spanId is missing'))
 * ```
 */
export function encodeExportResponse(signal: OtlpSignal, encoding: OtlpEncoding, rejected: number, errorMessage: string): Uint8Array {
  const accepted = rejected === 0 && errorMessage === ''
  if (encoding === 'json') {
    // proto3 JSON writes an int64 as a decimal string.
    const body = accepted ? {} : { partialSuccess: partialSuccessOf(signal, String(rejected), errorMessage) }
    return utf8.encode(JSON.stringify(body))
  }
  if (accepted) return EMPTY
  const type = signal === 'traces' ? otlpTypes.exportTraceServiceResponse : otlpTypes.exportLogsServiceResponse
  return type.encode(type.fromObject({ partialSuccess: partialSuccessOf(signal, rejected, errorMessage) })).finish()
}

function partialSuccessOf(signal: OtlpSignal, rejected: number | string, errorMessage: string): Record<string, unknown> {
  return signal === 'traces' ? { rejectedSpans: rejected, errorMessage } : { rejectedLogRecords: rejected, errorMessage }
}

/**
 * A `google.rpc.Status` body for a refused request, which is what OTLP/HTTP sends with a 4xx.
 *
 * @example
 * ```ts
 * res.end(encodeStatus('protobuf', GRPC_STATUS.INVALID_ARGUMENT, error.message))
 * ```
 */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array {
  if (encoding === 'json') return utf8.encode(JSON.stringify({ code, message }))
  return otlpTypes.status.encode(otlpTypes.status.fromObject({ code, message })).finish()
}
