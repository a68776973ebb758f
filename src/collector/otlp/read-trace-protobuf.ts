import { Buffer } from 'node:buffer'
import protobuf from 'protobufjs'
import type { AttributeValue, Attributes, CapturedEvent, CapturedSpan, CapturedStatus } from '../../model/captured-span.js'
import { OtlpDecodeError } from '../../errors.js'
import { toResource, toScope, type ExportGroup, type ExportReport } from './export-request.js'
import { fieldTag, otlpTypes } from './otlp-schema.js'
import { EMPTY_ATTRIBUTES, int64Value, setOwn, toAttributeValue, type OtlpObject } from './otlp-values.js'
import {
  buildSpan, clearSpanFields, ID_BYTES, rejectSpan, statusOf, toLinks, unusableId,
} from './span-builder.js'

/*
 * Reads a protobuf ExportTraceServiceRequest straight off the wire into CapturedSpans, with the
 * protobufjs Reader for the wire primitives. Going through `Type.decode` first would build a
 * message object for every attribute and its value, a Long for every timestamp and a Buffer for
 * every id, only to throw them away; reading the span fields directly is what keeps decoding well
 * above 100k spans/s. Resources, scopes, links and structured attribute values are rare or shared,
 * so those still go through protobufjs and the shared converters.
 */

const types = otlpTypes
const REQUEST_RESOURCE_SPANS = fieldTag(types.exportTraceServiceRequest, 'resourceSpans')
const RESOURCE_SPANS_RESOURCE = fieldTag(types.resourceSpans, 'resource')
const RESOURCE_SPANS_SCOPE_SPANS = fieldTag(types.resourceSpans, 'scopeSpans')
const SCOPE_SPANS_SCOPE = fieldTag(types.scopeSpans, 'scope')
const SCOPE_SPANS_SPANS = fieldTag(types.scopeSpans, 'spans')
const SPAN_TRACE_ID = fieldTag(types.span, 'traceId')
const SPAN_SPAN_ID = fieldTag(types.span, 'spanId')
const SPAN_PARENT_SPAN_ID = fieldTag(types.span, 'parentSpanId')
const SPAN_NAME = fieldTag(types.span, 'name')
const SPAN_KIND = fieldTag(types.span, 'kind')
const SPAN_START = fieldTag(types.span, 'startTimeUnixNano')
const SPAN_END = fieldTag(types.span, 'endTimeUnixNano')
const SPAN_ATTRIBUTES = fieldTag(types.span, 'attributes')
const SPAN_EVENTS = fieldTag(types.span, 'events')
const SPAN_LINKS = fieldTag(types.span, 'links')
const SPAN_STATUS = fieldTag(types.span, 'status')
const EVENT_TIME = fieldTag(types.event, 'timeUnixNano')
const EVENT_NAME = fieldTag(types.event, 'name')
const EVENT_ATTRIBUTES = fieldTag(types.event, 'attributes')
const STATUS_MESSAGE = fieldTag(types.spanStatus, 'message')
const STATUS_CODE = fieldTag(types.spanStatus, 'code')
const KEY_VALUE_KEY = fieldTag(types.keyValue, 'key')
const KEY_VALUE_VALUE = fieldTag(types.keyValue, 'value')
const ANY_STRING = fieldTag(types.anyValue, 'stringValue')
const ANY_BOOL = fieldTag(types.anyValue, 'boolValue')
const ANY_INT = fieldTag(types.anyValue, 'intValue')
const ANY_DOUBLE = fieldTag(types.anyValue, 'doubleValue')
const ANY_ARRAY = fieldTag(types.anyValue, 'arrayValue')
const ANY_KVLIST = fieldTag(types.anyValue, 'kvlistValue')
const ANY_BYTES = fieldTag(types.anyValue, 'bytesValue')

/** Node's own slice methods on Buffer skip the argument checks of `toString` (protobufjs uses them too). */
interface NativeSlices {
  utf8Slice(start: number, end: number): string
  hexSlice(start: number, end: number): string
}
const native = typeof (Buffer.prototype as Partial<NativeSlices>).utf8Slice === 'function' &&
  typeof (Buffer.prototype as Partial<NativeSlices>).hexSlice === 'function'

function utf8(buf: Buffer, start: number, end: number): string {
  return native ? (buf as Buffer & NativeSlices).utf8Slice(start, end) : buf.toString('utf8', start, end)
}

function hex(buf: Buffer, start: number, end: number): string {
  return native ? (buf as Buffer & NativeSlices).hexSlice(start, end) : buf.toString('hex', start, end)
}

const fields = clearSpanFields()

/**
 * The spans of a protobuf ExportTraceServiceRequest; rejected spans and warnings go to `report`.
 *
 * @throws {OtlpDecodeError} when the bytes are not a well-formed request.
 *
 * @example
 * ```ts
 * const report = new ExportReport(TRACE_LAYOUT)
 * const spans = readTraceProtobuf(body, report)
 * ```
 */
export function readTraceProtobuf(body: Uint8Array, report: ExportReport): CapturedSpan[] {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const reader = protobuf.Reader.create(buf)
  const spans: CapturedSpan[] = []
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32()
      if (tag === REQUEST_RESOURCE_SPANS) {
        report.depth = 1
        readResourceSpans(reader, buf, messageEnd(reader, reader.len), report, spans)
        report.depth = 0
        report.resourceIndex++
      } else {
        skipField(reader, tag)
      }
    }
  } catch (error) {
    throw report.failure('protobuf', error)
  }
  return spans
}

function readResourceSpans(reader: protobuf.Reader, buf: Buffer, end: number, report: ExportReport, spans: CapturedSpan[]): void {
  const resource = toResource(peekMessage(reader, end, RESOURCE_SPANS_RESOURCE, types.resource))
  report.scopeIndex = 0
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === RESOURCE_SPANS_SCOPE_SPANS) {
      report.depth = 2
      readScopeSpans(reader, buf, messageEnd(reader, end), resource, report, spans)
      report.depth = 1
      report.scopeIndex++
    } else {
      skipField(reader, tag)
    }
  }
  checkEnd(reader, end)
}

function readScopeSpans(
  reader: protobuf.Reader, buf: Buffer, end: number, resource: Attributes, report: ExportReport, spans: CapturedSpan[],
): void {
  const group: ExportGroup = { resource, scope: toScope(peekMessage(reader, end, SCOPE_SPANS_SCOPE, types.instrumentationScope)) }
  report.itemIndex = 0
  report.depth = 3
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === SCOPE_SPANS_SPANS) {
      const span = readSpan(reader, buf, messageEnd(reader, end), group, report)
      if (span !== undefined) spans.push(span)
      report.itemIndex++
    } else {
      skipField(reader, tag)
    }
  }
  report.depth = 2
  checkEnd(reader, end)
}

/**
 * The message in field `tag` of the message that ends at `end`, leaving the reader where it was:
 * a resource or scope may follow its spans on the wire, and every span needs it.
 */
function peekMessage(reader: protobuf.Reader, end: number, tag: number, type: protobuf.Type): OtlpObject | undefined {
  const start = reader.pos
  let message: OtlpObject | undefined
  while (reader.pos < end) {
    const fieldTag = reader.uint32()
    if (fieldTag === tag) message = decodeMessage(reader, end, type)
    else skipField(reader, fieldTag)
  }
  reader.pos = start
  return message
}

/** Where a bytes field sits in the body: ids are turned into hex only once their span is complete. */
class BytesField {
  at = 0
  length = 0

  /** Reads the length prefix and steps over the bytes. */
  mark(reader: protobuf.Reader): void {
    this.length = reader.uint32()
    this.at = reader.pos
    reader.skip(this.length)
  }

  /** Lowercase hex when the field holds `byteLength` bytes, '' when empty, else undefined. */
  hex(buf: Buffer, byteLength: number): string | undefined {
    if (this.length === byteLength) return hex(buf, this.at, this.at + this.length)
    return this.length === 0 ? '' : undefined
  }

  bytes(buf: Buffer): Buffer {
    return buf.subarray(this.at, this.at + this.length)
  }
}

const ids = { traceId: new BytesField(), spanId: new BytesField(), parentSpanId: new BytesField() }

function readSpan(reader: protobuf.Reader, buf: Buffer, end: number, group: ExportGroup, report: ExportReport): CapturedSpan | undefined {
  clearSpanFields(fields)
  ids.traceId.length = 0
  ids.spanId.length = 0
  ids.parentSpanId.length = 0
  let attributes: Record<string, AttributeValue> | undefined
  let events: CapturedEvent[] | undefined
  let links: unknown[] | undefined
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case SPAN_TRACE_ID:
        ids.traceId.mark(reader)
        break
      case SPAN_SPAN_ID:
        ids.spanId.mark(reader)
        break
      case SPAN_PARENT_SPAN_ID:
        ids.parentSpanId.mark(reader)
        break
      case SPAN_NAME:
        fields.name = readString(reader, buf)
        break
      case SPAN_KIND:
        fields.kind = reader.int32()
        break
      case SPAN_START:
        fields.start = readFixed64(reader)
        break
      case SPAN_END:
        fields.end = readFixed64(reader)
        break
      case SPAN_ATTRIBUTES:
        attributes ??= {}
        readKeyValue(reader, buf, messageEnd(reader, end), attributes)
        break
      case SPAN_EVENTS:
        events ??= []
        events.push(readEvent(reader, buf, messageEnd(reader, end)))
        break
      case SPAN_LINKS:
        links ??= []
        links.push(decodeMessage(reader, end, types.link))
        break
      case SPAN_STATUS:
        fields.status = readStatus(reader, buf, messageEnd(reader, end))
        break
      default:
        skipField(reader, tag)
    }
  }
  checkEnd(reader, end)
  fields.traceId = ids.traceId.hex(buf, ID_BYTES.traceId)
  fields.spanId = ids.spanId.hex(buf, ID_BYTES.spanId)
  fields.parentSpanId = ids.parentSpanId.hex(buf, ID_BYTES.parentSpanId)
  const unusable = unusableId(fields)
  if (unusable !== undefined) return rejectSpan(report, unusable, ids[unusable].bytes(buf))
  if (attributes !== undefined) fields.attributes = attributes
  if (events !== undefined) fields.events = events
  if (links !== undefined) fields.links = toLinks(links, report)
  return buildSpan(fields, group)
}

function readEvent(reader: protobuf.Reader, buf: Buffer, end: number): CapturedEvent {
  let name = ''
  let time = 0n
  let attributes: Record<string, AttributeValue> | undefined
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === EVENT_NAME) name = readString(reader, buf)
    else if (tag === EVENT_TIME) time = readFixed64(reader)
    else if (tag === EVENT_ATTRIBUTES) readKeyValue(reader, buf, messageEnd(reader, end), attributes ??= {})
    else skipField(reader, tag)
  }
  checkEnd(reader, end)
  return { name, time, attributes: attributes ?? EMPTY_ATTRIBUTES }
}

function readStatus(reader: protobuf.Reader, buf: Buffer, end: number): CapturedStatus {
  let code = 0
  let message = ''
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === STATUS_CODE) code = reader.int32()
    else if (tag === STATUS_MESSAGE) message = readString(reader, buf)
    else skipField(reader, tag)
  }
  checkEnd(reader, end)
  return statusOf(code, message)
}

/** One KeyValue into `attributes`; an empty value is left out, as the object decoder does. */
function readKeyValue(reader: protobuf.Reader, buf: Buffer, end: number, attributes: Record<string, AttributeValue>): void {
  let key = ''
  let value: AttributeValue | undefined
  while (reader.pos < end) {
    const tag = reader.uint32()
    if (tag === KEY_VALUE_KEY) key = readKey(reader, buf)
    else if (tag === KEY_VALUE_VALUE) value = readAnyValue(reader, buf, messageEnd(reader, end))
    else skipField(reader, tag)
  }
  checkEnd(reader, end)
  if (value !== undefined) setOwn(attributes, key, value)
}

/** Scalars are read here; arrays and kvlists are decoded by protobufjs and converted as OTLP/JSON is. */
function readAnyValue(reader: protobuf.Reader, buf: Buffer, end: number): AttributeValue | undefined {
  const start = reader.pos
  let value: AttributeValue | undefined
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag) {
      case ANY_STRING:
        value = readString(reader, buf)
        break
      case ANY_INT:
        value = readInt64(reader)
        break
      case ANY_BOOL:
        value = reader.bool()
        break
      case ANY_DOUBLE:
        value = reader.double()
        break
      case ANY_BYTES: {
        const length = reader.uint32()
        const bytesAt = reader.pos
        reader.skip(length)
        value = buf.toString('base64', bytesAt, bytesAt + length)
        break
      }
      case ANY_ARRAY:
      case ANY_KVLIST:
        reader.pos = start
        return toAttributeValue(decodeMessage(reader, end, types.anyValue, end - start))
      default:
        skipField(reader, tag)
    }
  }
  checkEnd(reader, end)
  return value
}

function readString(reader: protobuf.Reader, buf: Buffer): string {
  const length = reader.uint32()
  const start = reader.pos
  reader.skip(length)
  return utf8(buf, start, start + length)
}

/** Attribute keys repeat from span to span: a small direct-mapped cache from their bytes to the string. */
const KEY_CACHE_SLOTS = 1024
const KEY_CACHE_MAX_LENGTH = 64
const cachedKeyBytes: (Buffer | undefined)[] = new Array<Buffer | undefined>(KEY_CACHE_SLOTS).fill(undefined)
const cachedKeys: string[] = new Array<string>(KEY_CACHE_SLOTS).fill('')

/**
 * An attribute key, from the cache when the same bytes were seen before. Besides skipping the
 * UTF-8 decode, handing out the same string every time lets V8 reuse it as a property name without
 * looking it up in its string table again, which is most of the cost of building the attributes.
 */
function readKey(reader: protobuf.Reader, buf: Buffer): string {
  const length = reader.uint32()
  const start = reader.pos
  reader.skip(length)
  const end = start + length
  if (length > KEY_CACHE_MAX_LENGTH) return utf8(buf, start, end)
  let hash = length
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193)
  const slot = hash & (KEY_CACHE_SLOTS - 1)
  const cached = cachedKeyBytes[slot]
  if (cached !== undefined && cached.length === length && sameBytes(cached, buf, start)) return cachedKeys[slot] as string
  const key = utf8(buf, start, end)
  cachedKeyBytes[slot] = Buffer.from(buf.subarray(start, end))
  cachedKeys[slot] = key
  return key
}

function sameBytes(cached: Buffer, buf: Buffer, start: number): boolean {
  for (let i = 0; i < cached.length; i++) {
    if (cached[i] !== buf[start + i]) return false
  }
  return true
}

/** A fixed64 as a bigint: two little-endian 32-bit halves. */
function readFixed64(reader: protobuf.Reader): bigint {
  const low = reader.fixed32()
  const high = reader.fixed32()
  return (BigInt(high) << 32n) | BigInt(low)
}

/** An int64 as a number, or as a decimal string when a double cannot hold it exactly. */
function readInt64(reader: protobuf.Reader): number | string {
  const long = reader.int64() as unknown as { low: number; high: number } | number
  return typeof long === 'number' ? long : int64Value(long.low, long.high)
}

/** Reads a length prefix and returns where the nested message ends, which must be within `parentEnd`. */
function messageEnd(reader: protobuf.Reader, parentEnd: number): number {
  const length = reader.uint32()
  const end = reader.pos + length
  if (end > parentEnd) throw new OtlpDecodeError(`a field of ${length} bytes at offset ${reader.pos} runs past the end of its message`)
  return end
}

function checkEnd(reader: protobuf.Reader, end: number): void {
  if (reader.pos !== end) throw new OtlpDecodeError(`a field at offset ${reader.pos} runs past the end of its message`)
}

function skipField(reader: protobuf.Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new OtlpDecodeError(`invalid field number 0 at offset ${reader.pos}`)
  reader.skipType(tag & 7)
}

/** A nested message decoded by protobufjs, for the parts read too rarely to be worth reading by hand. */
function decodeMessage(reader: protobuf.Reader, parentEnd: number, type: protobuf.Type, length?: number): OtlpObject {
  const size = length ?? reader.uint32()
  if (reader.pos + size > parentEnd) throw new OtlpDecodeError(`a ${type.name} of ${size} bytes runs past the end of its message`)
  return type.decode(reader, size) as unknown as OtlpObject
}
