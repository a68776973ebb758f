import {
  nanosToMs, type Attributes, type CapturedEvent, type CapturedLink, type CapturedSpan, type CapturedStatus,
  type SpanKindName, type StatusCodeName,
} from '../../model/captured-span.js'
import type { ExportGroup, ExportReport } from './export-request.js'
import {
  describeBadId, EMPTY_ATTRIBUTES, idToHex, isValidId, objectAt, toAttributes, within, ZERO_SPAN_ID,
} from './otlp-values.js'

/*
 * The normalisation both span decoders share (the protobuf wire reader and the OTLP/JSON walker),
 * so a span reads the same whichever encoding carried it.
 */

/** Indexed by the OTLP enum value; UNSPECIFIED (0) is read as INTERNAL, as the spec allows. */
const KIND_NAMES: readonly SpanKindName[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']
const STATUS_NAMES: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR']

/**
 * The enum names OTLP/JSON may use instead of the numbers.
 *
 * @example
 * ```ts
 * readEnum(span['kind'], KIND_ENUM, 'kind')
 * ```
 */
export const KIND_ENUM = [
  'SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
]
/**
 * The status code names OTLP/JSON may use instead of the numbers.
 *
 * @example
 * ```ts
 * readEnum(status['code'], STATUS_ENUM, 'status.code')
 * ```
 */
export const STATUS_ENUM = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']

/** Statuses without a message are shared between spans, so they are frozen. */
const BARE_STATUS: Readonly<Record<StatusCodeName, CapturedStatus>> = {
  UNSET: Object.freeze({ code: 'UNSET' }),
  OK: Object.freeze({ code: 'OK' }),
  ERROR: Object.freeze({ code: 'ERROR' }),
}

/**
 * Shared by every span without events, so it is frozen.
 *
 * @example
 * ```ts
 * fields.events = events.length === 0 ? NO_EVENTS : events
 * ```
 */
export const NO_EVENTS: readonly CapturedEvent[] = Object.freeze([])

/** Shared by every span without links, so it is frozen. */
const NO_LINKS: readonly CapturedLink[] = Object.freeze([])

/**
 * A span's status from its OTLP code and message; an unknown code reads as UNSET.
 *
 * @example
 * ```ts
 * statusOf(2, 'boom') // { code: 'ERROR', message: 'boom' }
 * statusOf(1, '') // { code: 'OK' }
 * ```
 */
export function statusOf(code: number, message: string): CapturedStatus {
  const name = STATUS_NAMES[code] ?? 'UNSET'
  return message === '' ? BARE_STATUS[name] : { code: name, message }
}

/**
 * The fields of one span as a decoder reads them, ids as {@link idToHex} gives them. Each decoder
 * keeps one of these and refills it span after span, so reading a span allocates nothing extra.
 *
 * @example
 * ```ts
 * const fields = clearSpanFields()
 * fields.name = 'GET /orders/:id'
 * ```
 */
export interface SpanFields {
  traceId: string | undefined
  spanId: string | undefined
  parentSpanId: string | undefined
  name: string
  kind: number
  start: bigint
  end: bigint
  status: CapturedStatus
  attributes: Attributes
  events: readonly CapturedEvent[]
  links: readonly CapturedLink[]
}

type IdField = 'traceId' | 'spanId' | 'parentSpanId'

/**
 * How many bytes each id has.
 *
 * @example
 * ```ts
 * describeBadId(raw, ID_BYTES.traceId, 'traceId')
 * ```
 */
export const ID_BYTES: Readonly<Record<IdField, number>> = { traceId: 16, spanId: 8, parentSpanId: 8 }

/**
 * Empty fields, to start a decoder's scratch or reset it before the next span.
 *
 * @example
 * ```ts
 * const fields = clearSpanFields() // once per decoder
 * clearSpanFields(fields) // before each span
 * ```
 */
export function clearSpanFields(fields: SpanFields = {} as SpanFields): SpanFields {
  fields.traceId = ''
  fields.spanId = ''
  fields.parentSpanId = ''
  fields.name = ''
  fields.kind = 0
  fields.start = 0n
  fields.end = 0n
  fields.status = BARE_STATUS.UNSET
  fields.attributes = EMPTY_ATTRIBUTES
  fields.events = NO_EVENTS
  fields.links = NO_LINKS
  return fields
}

/**
 * The id that makes `fields` unusable as a span (missing, wrong length, not hex, all zeros), or
 * undefined when the span can be kept. A missing or all-zero parent just means a root span.
 *
 * @example
 * ```ts
 * const unusable = unusableId(fields)
 * if (unusable !== undefined) return rejectSpan(report, unusable, span[unusable])
 * ```
 */
export function unusableId(fields: SpanFields): IdField | undefined {
  if (!isValidId(fields.traceId)) return 'traceId'
  if (!isValidId(fields.spanId)) return 'spanId'
  if (fields.parentSpanId === undefined) return 'parentSpanId'
  return undefined
}

/**
 * Rejects the current span in `report` because of the id `field`, as it was sent (`raw`).
 *
 * @example
 * ```ts
 * return rejectSpan(report, 'spanId', span['spanId'])
 * ```
 */
export function rejectSpan(report: ExportReport, field: IdField, raw: unknown): undefined {
  report.reject(describeBadId(raw, ID_BYTES[field], field))
  return undefined
}

/**
 * The CapturedSpan for `fields`, once {@link unusableId} has passed them.
 *
 * @example
 * ```ts
 * if (unusableId(fields) === undefined) spans.push(buildSpan(fields, group))
 * ```
 */
export function buildSpan(fields: SpanFields, group: ExportGroup): CapturedSpan {
  const { traceId = '', spanId = '', parentSpanId = '', start, end } = fields
  const span: { -readonly [K in keyof CapturedSpan]: CapturedSpan[K] } = {
    traceId,
    spanId,
    name: fields.name,
    kind: KIND_NAMES[fields.kind] ?? 'INTERNAL',
    start,
    end,
    durationMs: nanosToMs(start, end),
    status: fields.status,
    attributes: fields.attributes,
    events: fields.events,
    links: fields.links,
    resource: group.resource,
    scope: group.scope,
  }
  if (parentSpanId !== '' && parentSpanId !== ZERO_SPAN_ID) span.parentSpanId = parentSpanId
  return span
}

/**
 * Links from decoded Link messages. A link whose ids are not usable is left out of its span with a
 * warning rather than costing the span.
 *
 * @example
 * ```ts
 * fields.links = toLinks(repeated(span['links'], 'links'), report)
 * ```
 */
export function toLinks(links: readonly unknown[], report: ExportReport): readonly CapturedLink[] {
  if (links.length === 0) return NO_LINKS
  const captured: CapturedLink[] = []
  let i = 0
  try {
    for (; i < links.length; i++) {
      const link = objectAt(links[i])
      const traceId = idToHex(link['traceId'], 16)
      const spanId = idToHex(link['spanId'], 8)
      if (isValidId(traceId) && isValidId(spanId)) {
        captured.push({ traceId, spanId, attributes: toAttributes(link['attributes'], 'attributes') })
      } else {
        const reason = isValidId(traceId)
          ? describeBadId(link['spanId'], 8, 'spanId')
          : describeBadId(link['traceId'], 16, 'traceId')
        report.warn(`links[${i}] left out: ${reason}`)
      }
    }
  } catch (error) {
    throw within(error, `links[${i}]`)
  }
  return captured
}
