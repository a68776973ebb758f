import { Buffer } from 'node:buffer'
import type { AttributeValue, Attributes } from '../../model/captured-span.js'
import { OtlpDecodeError } from '../../errors.js'

/**
 * A message of an export request before validation: what protobufjs decoded, or what
 * `JSON.parse` returned for OTLP/JSON. Both use the same lowerCamelCase field names; they differ
 * in how ids (bytes or hex), 64-bit integers (`Long` or string/number) and bytes (bytes or base64)
 * are spelled, and a JSON body may hold anything at all, so every read checks the type.
 *
 * @example
 * ```ts
 * const span = objectAt(spans[0]) as OtlpObject
 * readString(span['name'], 'name')
 * ```
 */
export type OtlpObject = Readonly<Record<string, unknown>>

/** A 64-bit integer as protobufjs decodes it (a `Long` from the `long` package). */
interface LongBits {
  readonly low: number
  readonly high: number
}

const TWO_POW_32 = 4294967296
/** `high` words of the 64-bit integers that fit in a double exactly. */
const SAFE_HIGH_WORD = 0x200000

/**
 * Deepest nesting of array and kvlist values taken. Real attributes nest a level or two; the bound
 * turns a hostile body into a clear refusal instead of a stack overflow, and is below protobufjs's
 * own recursion limit, so both encodings refuse the same values with the same reason.
 */
const MAX_VALUE_DEPTH = 32

const HEX_ID = /^[0-9a-fA-F]+$/
const DECIMAL_INTEGER = /^-?\d+$/
const UNSIGNED_DECIMAL = /^\d+$/

/** The all-zero trace id, which OTLP calls invalid. */
const ZERO_TRACE_ID = '0'.repeat(32)
/**
 * The all-zero span id: invalid as a span id, "no parent" as a parent id.
 *
 * @example
 * ```ts
 * parentSpanId === ZERO_SPAN_ID // no parent
 * ```
 */
export const ZERO_SPAN_ID = '0'.repeat(16)

/**
 * Shared by every span without attributes, so it is frozen.
 *
 * @example
 * ```ts
 * return keyValues.length === 0 ? EMPTY_ATTRIBUTES : flatten(keyValues)
 * ```
 */
export const EMPTY_ATTRIBUTES: Attributes = Object.freeze({})

/**
 * True for an object that can be a message (not null, not an array).
 *
 * @example
 * ```ts
 * if (!isOtlpObject(parsed)) throw decodeFailure(layout, 'json', 'the body must be a JSON object')
 * ```
 */
export function isOtlpObject(value: unknown): value is OtlpObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * An element of a repeated message field, which must be an object.
 *
 * @example
 * ```ts
 * const span = objectAt(spans[i])
 * ```
 */
export function objectAt(value: unknown): OtlpObject {
  if (isOtlpObject(value)) return value
  throw new OtlpDecodeError(`must be an object, got ${describe(value)}`)
}

/**
 * A message field that must be an object, or absent (undefined).
 *
 * @example
 * ```ts
 * const status = optionalObject(span['status'], 'status')
 * ```
 */
export function optionalObject(value: unknown, field: string): OtlpObject | undefined {
  if (value === undefined || value === null) return undefined
  if (isOtlpObject(value)) return value
  throw new OtlpDecodeError(`${field} must be an object, got ${describe(value)}`)
}

/**
 * A repeated field: protobufjs always gives an array, OTLP/JSON may leave the field out.
 *
 * @example
 * ```ts
 * for (const event of repeated(span['events'], 'events')) read(event)
 * ```
 */
export function repeated(value: unknown, field: string): readonly unknown[] {
  if (Array.isArray(value)) return value
  if (value === undefined || value === null) return []
  throw new OtlpDecodeError(`${field} must be an array, got ${describe(value)}`)
}

/**
 * A string field; '' when absent, as proto3 reads it.
 *
 * @example
 * ```ts
 * readString(span['name'], 'name') // '' when absent
 * ```
 */
export function readString(value: unknown, field: string): string {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  throw new OtlpDecodeError(`${field} must be a string, got ${describe(value)}`)
}

/**
 * An enum field: protobuf gives the number; OTLP/JSON must send the number too, but a name such as
 * `SPAN_KIND_SERVER` is understood as well because hand-written payloads use it.
 *
 * @example
 * ```ts
 * readEnum('SPAN_KIND_SERVER', KIND_ENUM, 'kind') // 2
 * ```
 */
export function readEnum(value: unknown, names: readonly string[], field: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (value === undefined || value === null) return 0
  if (typeof value === 'string') {
    const index = names.indexOf(value)
    if (index !== -1) return index
  }
  throw new OtlpDecodeError(`${field} must be one of the integers of the enum, got ${describe(value)}`)
}

/**
 * A fixed64 nanosecond timestamp: a `Long`, or in OTLP/JSON a decimal string or a number.
 *
 * @example
 * ```ts
 * readNanos('1700000000000000000', 'startTimeUnixNano') // 1700000000000000000n
 * ```
 */
export function readNanos(value: unknown, field: string): bigint {
  if (typeof value === 'object' && value !== null) {
    const long = value as LongBits
    if (typeof long.low === 'number' && typeof long.high === 'number') {
      return (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0)
    }
  } else if (typeof value === 'string') {
    if (UNSIGNED_DECIMAL.test(value)) return BigInt(value)
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  } else if (value === undefined || value === null) {
    return 0n
  }
  throw new OtlpDecodeError(`${field} must be an unsigned 64-bit integer (nanoseconds), got ${describe(value)}`)
}

/**
 * An id as lowercase hex: '' when absent (empty bytes, empty string), undefined when it is not an
 * id of `byteLength` bytes. Protobuf carries the bytes; OTLP/JSON carries hex, never base64.
 *
 * @example
 * ```ts
 * idToHex(Buffer.alloc(8, 0xab), 8) // 'abababababababab'
 * idToHex('ABC', 8) // undefined
 * ```
 */
export function idToHex(value: unknown, byteLength: number): string | undefined {
  if (value instanceof Uint8Array) {
    if (value.length === byteLength) return bytesOf(value).toString('hex')
    return value.length === 0 ? '' : undefined
  }
  if (typeof value === 'string') {
    if (value.length === byteLength * 2 && HEX_ID.test(value)) return value.toLowerCase()
    return value.length === 0 ? '' : undefined
  }
  // protobufjs leaves an absent bytes field as a shared empty array.
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return ''
  return undefined
}

/**
 * Why `value` is not a usable id of `byteLength` bytes; only called once {@link isValidId} refused it.
 *
 * @example
 * ```ts
 * describeBadId(Buffer.alloc(7), 8, 'spanId') // 'spanId has 7 bytes, expected 8'
 * ```
 */
export function describeBadId(value: unknown, byteLength: number, field: string): string {
  const hex = idToHex(value, byteLength)
  if (hex === '') return `${field} is missing`
  if (hex !== undefined) return `${field} is all zeros`
  if (value instanceof Uint8Array) return `${field} has ${value.length} bytes, expected ${byteLength}`
  if (typeof value === 'string') {
    if (value.length === byteLength * 2) return `${field} "${value}" is not hex`
    return `${field} "${truncate(value)}" has ${value.length} characters, expected ${byteLength * 2} hex characters ` +
      '(OTLP/JSON spells ids in hex, not base64)'
  }
  return `${field} must be bytes (or a hex string in OTLP/JSON), got ${describe(value)}`
}

/**
 * True when `hex` is a usable trace or span id (present and not all zeros).
 *
 * @example
 * ```ts
 * if (!isValidId(idToHex(span['traceId'], 16))) report.reject('traceId is missing')
 * ```
 */
export function isValidId(hex: string | undefined): hex is string {
  return hex !== undefined && hex !== '' && hex !== ZERO_TRACE_ID && hex !== ZERO_SPAN_ID
}

/**
 * Flattens a repeated KeyValue into attributes. An attribute whose AnyValue is empty has no value
 * to keep and is left out; duplicate keys (forbidden by OTLP) keep the last value.
 *
 * @example
 * ```ts
 * toAttributes([{ key: 'db.rows', value: { intValue: '3' } }], 'attributes') // { 'db.rows': 3 }
 * ```
 */
export function toAttributes(list: unknown, field: string): Attributes {
  const keyValues = repeated(list, field)
  if (keyValues.length === 0) return EMPTY_ATTRIBUTES
  const attributes: Record<string, AttributeValue> = {}
  let i = 0
  try {
    for (; i < keyValues.length; i++) {
      const keyValue = keyValues[i]
      if (!isOtlpObject(keyValue)) throw new OtlpDecodeError(`must be a {key, value} object, got ${describe(keyValue)}`)
      const key = keyValue['key']
      if (typeof key !== 'string') throw new OtlpDecodeError(`key must be a string, got ${describe(key)}`)
      const value = toAttributeValue(keyValue['value'])
      if (value !== undefined) setOwn(attributes, key, value)
    }
  } catch (error) {
    throw within(error, `${field}[${i}]`)
  }
  return attributes
}

/**
 * One AnyValue as an attribute value. Integers become numbers, or decimal strings beyond 2^53 so no
 * digit is lost; bytes become base64 (as OTLP/JSON spells them); a kvlist becomes its JSON text;
 * array elements that are themselves arrays or kvlists become JSON text, empty elements null.
 *
 * @example
 * ```ts
 * toAttributeValue({ kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } }) // '{"a":true}'
 * ```
 */
export function toAttributeValue(value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined
  if (!isOtlpObject(value)) throw new OtlpDecodeError(`value must be an AnyValue object, got ${describe(value)}`)
  const scalar = scalarOf(value)
  if (scalar !== undefined) return scalar
  if (Object.hasOwn(value, 'arrayValue')) {
    const elements = arrayElements(value)
    const array: (string | number | boolean | null)[] = new Array(elements.length)
    for (let i = 0; i < elements.length; i++) {
      const element = anyValueToJson(elements[i])
      array[i] = element === null || typeof element !== 'object' ? element : JSON.stringify(element)
    }
    return array
  }
  if (Object.hasOwn(value, 'kvlistValue')) return JSON.stringify(anyValueToJson(value))
  return undefined
}

/** The value of a string, int, bool, double or bytes AnyValue; undefined for any other. */
function scalarOf(value: OtlpObject): string | number | boolean | undefined {
  if (Object.hasOwn(value, 'stringValue')) return readString(value['stringValue'], 'stringValue')
  if (Object.hasOwn(value, 'intValue')) return readInt(value['intValue'])
  if (Object.hasOwn(value, 'boolValue')) return readBool(value['boolValue'])
  if (Object.hasOwn(value, 'doubleValue')) return readDouble(value['doubleValue'])
  if (Object.hasOwn(value, 'bytesValue')) return readBytesAsBase64(value['bytesValue'])
  return undefined
}

/**
 * Plain JSON data, as an AnyValue turns into it.
 *
 * @example
 * ```ts
 * const body: JsonValue = anyValueToJson(record['body'])
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * An AnyValue as plain JSON data: arrays stay arrays, kvlists become objects, empty is null.
 *
 * @example
 * ```ts
 * anyValueToJson({ arrayValue: { values: [{ intValue: '1' }, {}] } }) // [1, null]
 * ```
 */
export function anyValueToJson(value: unknown, depth = 0): JsonValue {
  if (value === undefined || value === null) return null
  if (!isOtlpObject(value)) throw new OtlpDecodeError(`value must be an AnyValue object, got ${describe(value)}`)
  if (depth > MAX_VALUE_DEPTH) {
    throw new OtlpDecodeError(`an array or kvlist value is nested more than ${MAX_VALUE_DEPTH} levels deep`)
  }
  if (Object.hasOwn(value, 'arrayValue')) return arrayElements(value).map((element) => anyValueToJson(element, depth + 1))
  if (Object.hasOwn(value, 'kvlistValue')) {
    const entries = repeated(optionalObject(value['kvlistValue'], 'kvlistValue')?.['values'], 'kvlistValue.values')
    const object: Record<string, JsonValue> = {}
    for (const entry of entries) {
      if (!isOtlpObject(entry)) throw new OtlpDecodeError(`kvlistValue.values must hold {key, value} objects, got ${describe(entry)}`)
      setOwn(object, readString(entry['key'], 'kvlistValue.values.key'), anyValueToJson(entry['value'], depth + 1))
    }
    return object
  }
  return scalarOf(value) ?? null
}

/**
 * An AnyValue as text, for a log body: strings as they are, everything else as JSON.
 *
 * @example
 * ```ts
 * anyValueToText({ stringValue: 'retrying' }) // 'retrying'
 * ```
 */
export function anyValueToText(value: unknown): string {
  const json = anyValueToJson(value)
  if (json === null) return ''
  return typeof json === 'string' ? json : JSON.stringify(json)
}

/**
 * `error` with `location` put in front of its message, so a problem deep in a message reads
 * `spans[3]: attributes[2]: intValue must be a 64-bit integer`. Other errors pass unchanged.
 *
 * @example
 * ```ts
 * catch (error) { throw within(error, `events[${i}]`) }
 * ```
 */
export function within(error: unknown, location: string): unknown {
  if (!(error instanceof OtlpDecodeError)) return error
  return new OtlpDecodeError(`${location}: ${error.message}`, { cause: error.cause })
}

function arrayElements(value: OtlpObject): readonly unknown[] {
  return repeated(optionalObject(value['arrayValue'], 'arrayValue')?.['values'], 'arrayValue.values')
}

function readInt(value: unknown): number | string {
  if (typeof value === 'object' && value !== null) {
    const { low, high } = value as LongBits
    if (typeof low === 'number' && typeof high === 'number') return int64Value(low, high)
  } else if (typeof value === 'number') {
    // Beyond 2^53 a string, as the protobuf path gives it, so both encodings agree.
    if (Number.isInteger(value)) return Number.isSafeInteger(value) ? value : BigInt(value).toString()
  } else if (typeof value === 'string') {
    if (DECIMAL_INTEGER.test(value)) {
      const number = Number(value)
      return Number.isSafeInteger(number) ? number : BigInt(value).toString()
    }
  }
  throw new OtlpDecodeError(`intValue must be a 64-bit integer, got ${describe(value)}`)
}

/**
 * A signed 64-bit integer from its two 32-bit halves: a number when a double holds it exactly,
 * else its decimal string, so no digit is lost.
 *
 * @example
 * ```ts
 * int64Value(5, 0) // 5
 * int64Value(1, 0x200000) // '9007199254740993'
 * ```
 */
export function int64Value(low: number, high: number): number | string {
  if (high >= -SAFE_HIGH_WORD && high < SAFE_HIGH_WORD) return high * TWO_POW_32 + (low >>> 0)
  return ((BigInt(high | 0) << 32n) + BigInt(low >>> 0)).toString()
}

function readBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  throw new OtlpDecodeError(`boolValue must be a boolean, got ${describe(value)}`)
}

function readDouble(value: unknown): number {
  if (typeof value === 'number') return value
  // JSON.stringify turns NaN and ±Infinity into null, which is how the OpenTelemetry JS exporter sends them.
  if (value === null) return Number.NaN
  // proto3 JSON spells the non-finite doubles as strings.
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value)
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  throw new OtlpDecodeError(`doubleValue must be a number, got ${describe(value)}`)
}

function readBytesAsBase64(value: unknown): string {
  if (value instanceof Uint8Array) return bytesOf(value).toString('base64')
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.length === 0) return ''
  throw new OtlpDecodeError(`bytesValue must be bytes (base64 in OTLP/JSON), got ${describe(value)}`)
}

function bytesOf(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

/**
 * Assigns without letting a `__proto__` key from the wire change the object's prototype.
 *
 * @example
 * ```ts
 * setOwn(attributes, key, value)
 * ```
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/**
 * A short description of an unexpected value for an error message.
 *
 * @example
 * ```ts
 * describe(7) // 'number 7'
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return `${value.length} bytes`
  if (typeof value === 'string') return `"${truncate(value)}"`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
