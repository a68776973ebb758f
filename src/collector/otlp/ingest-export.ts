import type { TraceStore } from '../trace-store.js'
import { decodeLogsRequest } from './decode-logs.js'
import { decodeTraceRequest } from './decode-traces.js'
import { encodeExportResponse, type OtlpSignal } from './encode-response.js'
import type { OtlpEncoding } from './export-request.js'

/**
 * Decodes one export request, puts what it carries into `store`, and returns the encoded
 * `Export*ServiceResponse` to send back (with `partial_success` when items were rejected). Both
 * receivers, HTTP and gRPC, go through here.
 *
 * @throws {OtlpDecodeError} when the body is not a well-formed request; nothing is stored then.
 *
 * @example
 * ```ts
 * const response = ingestExport(store, 'traces', body, 'protobuf')
 * ```
 */
export function ingestExport(store: TraceStore, signal: OtlpSignal, body: Uint8Array, encoding: OtlpEncoding): Uint8Array {
  if (signal === 'traces') {
    const { spans, rejectedSpans, errorMessage } = decodeTraceRequest(body, encoding)
    for (const span of spans) store.add(span)
    return encodeExportResponse(signal, encoding, rejectedSpans, errorMessage)
  }
  const { logs, rejectedLogRecords, errorMessage } = decodeLogsRequest(body, encoding)
  for (const log of logs) store.addLog(log)
  return encodeExportResponse(signal, encoding, rejectedLogRecords, errorMessage)
}
