import type { CapturedEvent, CapturedSpan } from '../../model/captured-span.js'
import { decodeExportRequest, ExportReport, type ExportGroup, type ExportLayout, type OtlpEncoding } from './export-request.js'
import { otlpTypes } from './otlp-schema.js'
import {
  idToHex, objectAt, optionalObject, readEnum, readNanos, readString, repeated, toAttributes, within, type OtlpObject,
} from './otlp-values.js'
import { readTraceProtobuf } from './read-trace-protobuf.js'
import {
  buildSpan, clearSpanFields, KIND_ENUM, NO_EVENTS, rejectSpan, STATUS_ENUM, statusOf, toLinks, unusableId,
} from './span-builder.js'

/**
 * The spans of one OTLP export request, ready for the store, and what the sender is told about
 * the spans that could not be kept.
 *
 * @example
 * ```ts
 * const { spans, rejectedSpans, errorMessage } = decodeTraceRequest(body, 'protobuf')
 * ```
 */
export interface DecodedTraces {
  readonly spans: CapturedSpan[]
  /** `partial_success.rejected_spans`. */
  readonly rejectedSpans: number
  /** `partial_success.error_message`: why spans were rejected or parts of them left out; '' if none. */
  readonly errorMessage: string
}

/** Where the spans sit in an ExportTraceServiceRequest. */
const TRACE_LAYOUT: ExportLayout = {
  requestType: otlpTypes.exportTraceServiceRequest,
  resourceKey: 'resourceSpans',
  scopeKey: 'scopeSpans',
  itemKey: 'spans',
  itemName: ['span', 'spans'],
}

/**
 * Decodes an OTLP `ExportTraceServiceRequest` (protobuf or OTLP/JSON) into {@link CapturedSpan}s.
 * A span without a usable trace or span id is rejected on its own and counted; a link with a bad
 * id is left out of its span with a warning; a body that is not a request throws.
 *
 * Normalisation: ids lowercase hex; an empty or all-zero `parentSpanId` means a root span; kind
 * UNSPECIFIED reads as INTERNAL; the status message is kept only when non-empty; integer
 * attributes become numbers (decimal strings beyond 2^53), bytes become base64 (as OTLP/JSON
 * spells them), kvlists their JSON text; an attribute with an empty value is left out; unknown
 * enum values read as INTERNAL / UNSET.
 *
 * @throws {OtlpDecodeError} when the body is not a well-formed request.
 *
 * @example
 * ```ts
 * const decoded = decodeTraceRequest(body, 'json')
 * for (const span of decoded.spans) store.add(span)
 * ```
 */
export function decodeTraceRequest(body: Uint8Array, encoding: OtlpEncoding): DecodedTraces {
  if (encoding === 'protobuf') {
    const report = new ExportReport(TRACE_LAYOUT)
    const spans = readTraceProtobuf(body, report)
    return { spans, rejectedSpans: report.rejected, errorMessage: report.message() }
  }
  const { items, report } = decodeExportRequest(body, encoding, TRACE_LAYOUT, toCapturedSpan)
  return { spans: items, rejectedSpans: report.rejected, errorMessage: report.message() }
}

const fields = clearSpanFields()

/** One span of a parsed OTLP/JSON request. */
function toCapturedSpan(span: OtlpObject, group: ExportGroup, report: ExportReport): CapturedSpan | undefined {
  clearSpanFields(fields)
  fields.traceId = idToHex(span['traceId'], 16)
  fields.spanId = idToHex(span['spanId'], 8)
  fields.parentSpanId = idToHex(span['parentSpanId'], 8)
  const unusable = unusableId(fields)
  if (unusable !== undefined) return rejectSpan(report, unusable, span[unusable])
  fields.name = readString(span['name'], 'name')
  fields.kind = readEnum(span['kind'], KIND_ENUM, 'kind')
  fields.start = readNanos(span['startTimeUnixNano'], 'startTimeUnixNano')
  fields.end = readNanos(span['endTimeUnixNano'], 'endTimeUnixNano')
  const status = optionalObject(span['status'], 'status')
  if (status !== undefined) {
    fields.status = statusOf(readEnum(status['code'], STATUS_ENUM, 'status.code'), readString(status['message'], 'status.message'))
  }
  fields.attributes = toAttributes(span['attributes'], 'attributes')
  fields.events = toEvents(span['events'])
  fields.links = toLinks(repeated(span['links'], 'links'), report)
  return buildSpan(fields, group)
}

function toEvents(value: unknown): readonly CapturedEvent[] {
  const events = repeated(value, 'events')
  if (events.length === 0) return NO_EVENTS
  const captured: CapturedEvent[] = new Array(events.length)
  let i = 0
  try {
    for (; i < events.length; i++) {
      const event = objectAt(events[i])
      captured[i] = {
        name: readString(event['name'], 'name'),
        time: readNanos(event['timeUnixNano'], 'timeUnixNano'),
        attributes: toAttributes(event['attributes'], 'attributes'),
      }
    }
  } catch (error) {
    throw within(error, `events[${i}]`)
  }
  return captured
}
