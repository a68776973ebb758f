import type { CapturedLog } from '../trace-store.js'
import { decodeExportRequest, type ExportGroup, type ExportLayout, type ExportReport, type OtlpEncoding } from './export-request.js'
import { otlpTypes } from './otlp-schema.js'
import {
  anyValueToText, describeBadId, idToHex, isValidId, readEnum, readNanos, readString, toAttributes, within, type OtlpObject,
} from './otlp-values.js'

/**
 * The trace-linked log records of one OTLP logs export request, and what the sender is told about
 * the records that could not be kept.
 *
 * @example
 * ```ts
 * const { logs, rejectedLogRecords } = decodeLogsRequest(body, 'protobuf')
 * ```
 */
export interface DecodedLogs {
  readonly logs: CapturedLog[]
  /** `partial_success.rejected_log_records`. */
  readonly rejectedLogRecords: number
  /** `partial_success.error_message`; '' if nothing went wrong. */
  readonly errorMessage: string
  /**
   * Records accepted but not kept because they carry no trace id: the store files everything by
   * trace, so a log line outside any trace has nowhere to go.
   */
  readonly unlinkedLogRecords: number
}

const LOGS_LAYOUT: ExportLayout = {
  requestType: otlpTypes.exportLogsServiceRequest,
  resourceKey: 'resourceLogs',
  scopeKey: 'scopeLogs',
  itemKey: 'logRecords',
  itemName: ['log record', 'log records'],
}

const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']
const SEVERITY_ENUM = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...SEVERITY_LEVELS.flatMap((level) => [1, 2, 3, 4].map((step) => `SEVERITY_NUMBER_${level}${step === 1 ? '' : step}`)),
]

/**
 * Decodes an OTLP `ExportLogsServiceRequest` (protobuf or OTLP/JSON) into {@link CapturedLog}s.
 * Records with a trace id are kept; records without one are counted as unlinked; records whose
 * ids are malformed are rejected. The body becomes text (non-string bodies as JSON); the severity
 * is the record's `severityText`, else the name of its `severityNumber` (`INFO`, `WARN2`, …).
 *
 * @throws {OtlpDecodeError} when the body is not a well-formed request.
 *
 * @example
 * ```ts
 * const decoded = decodeLogsRequest(body, 'json')
 * for (const log of decoded.logs) store.addLog(log)
 * ```
 */
export function decodeLogsRequest(body: Uint8Array, encoding: OtlpEncoding): DecodedLogs {
  const { items, report } = decodeExportRequest(body, encoding, LOGS_LAYOUT, toCapturedLog)
  return {
    logs: items,
    rejectedLogRecords: report.rejected,
    errorMessage: report.message(),
    unlinkedLogRecords: report.skipped,
  }
}

function toCapturedLog(record: OtlpObject, _group: ExportGroup, report: ExportReport): CapturedLog | undefined {
  const traceId = idToHex(record['traceId'], 16)
  if (!isValidId(traceId)) {
    if (traceId === undefined) report.reject(describeBadId(record['traceId'], 16, 'traceId'))
    else report.skip()
    return undefined
  }
  const spanId = idToHex(record['spanId'], 8)
  if (spanId === undefined) {
    report.reject(describeBadId(record['spanId'], 8, 'spanId'))
    return undefined
  }
  let time = readNanos(record['timeUnixNano'], 'timeUnixNano')
  if (time === 0n) time = readNanos(record['observedTimeUnixNano'], 'observedTimeUnixNano')
  const severityText = readString(record['severityText'], 'severityText')
  const severity = severityText !== ''
    ? severityText
    : SEVERITY_ENUM[readEnum(record['severityNumber'], SEVERITY_ENUM, 'severityNumber')]?.slice('SEVERITY_NUMBER_'.length)
  let body: string
  try {
    body = anyValueToText(record['body'])
  } catch (error) {
    throw within(error, 'body')
  }
  const attributes = toAttributes(record['attributes'], 'attributes')
  return {
    traceId,
    ...(isValidId(spanId) ? { spanId } : {}),
    time,
    ...(severity === undefined || severity === 'UNSPECIFIED' ? {} : { severity }),
    body,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    source: 'otlp',
  }
}
