import { Buffer } from 'node:buffer'
import zlib from 'node:zlib'
import fc from 'fast-check'
import { otlpTypes } from '../../src/collector/otlp/otlp-schema.js'

/*
 * What the receiver fuzz sends: well-formed OTLP export requests (protobuf and OTLP/JSON, traces
 * and logs) built from random spans and log records, and the malformed inputs made from them or
 * from nothing: random bytes, truncated and mutated bodies, wrong types, huge strings, deep nesting,
 * invalid UTF-8, wrong field spellings. Over HTTP each input also gets a path, method, content type
 * and content coding, mostly right and sometimes wrong.
 */

export type Signal = 'traces' | 'logs'
export type Encoding = 'protobuf' | 'json'

/** One body for the decoder, and which kind of damage made it. */
export interface FuzzBody {
  readonly signal: Signal
  readonly encoding: Encoding
  readonly kind: string
  readonly body: Uint8Array
}

/** A {@link FuzzBody} as an HTTP request: `body` is what goes on the wire (compressed when claimed). */
export interface FuzzHttpRequest extends FuzzBody {
  readonly path: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  /** The content coding really applied to `body`, so the test can undo it. */
  readonly applied: 'gzip' | 'deflate' | 'identity'
}

/** An AnyValue in the lowerCamelCase object form protobufjs `fromObject` and OTLP/JSON share. */
type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { bytesValue: Uint8Array }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: { key: string; value: AnyValue }[] } }

interface FuzzSpan {
  traceId: Uint8Array
  spanId: Uint8Array
  parentSpanId: Uint8Array
  name: string
  kind: number
  startTimeUnixNano: bigint
  endTimeUnixNano: bigint
  attributes: { key: string; value: AnyValue }[]
  status?: { code: number; message: string } | undefined
  events: { name: string; timeUnixNano: bigint; attributes: { key: string; value: AnyValue }[] }[]
}

interface FuzzLogRecord {
  traceId: Uint8Array
  spanId: Uint8Array
  timeUnixNano: bigint
  severityNumber: number
  severityText: string
  body: AnyValue
}

const anyValue: fc.Arbitrary<AnyValue> = fc.letrec<{ value: AnyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ stringValue: fc.string({ maxLength: 24 }) }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(String) }),
    fc.record({ doubleValue: fc.double() }),
    fc.record({ bytesValue: fc.uint8Array({ maxLength: 12 }) }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 3 }) }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: tie('value') }), { maxLength: 3 }) }) }),
  ),
})).value

const attributes = fc.array(fc.record({ key: fc.string({ maxLength: 16 }), value: anyValue }), { maxLength: 3 })
const nanos = fc.bigInt(0n, 2n ** 64n - 1n)

const span: fc.Arbitrary<FuzzSpan> = fc.record({
  traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  parentSpanId: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 8, maxLength: 8 })),
  name: fc.string({ maxLength: 32 }),
  kind: fc.integer({ min: 0, max: 7 }),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes,
  status: fc.option(fc.record({ code: fc.integer({ min: 0, max: 3 }), message: fc.string({ maxLength: 16 }) }), { nil: undefined }),
  events: fc.array(fc.record({ name: fc.string({ maxLength: 12 }), timeUnixNano: nanos, attributes }), { maxLength: 1 }),
}, { requiredKeys: ['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events'] })

const logRecord: fc.Arbitrary<FuzzLogRecord> = fc.record({
  traceId: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 16, maxLength: 16 })),
  spanId: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 8, maxLength: 8 })),
  timeUnixNano: nanos,
  severityNumber: fc.integer({ min: 0, max: 30 }),
  severityText: fc.string({ maxLength: 8 }),
  body: anyValue,
})

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** An AnyValue as OTLP/JSON spells it: bytes in base64. */
function anyValueJson(value: AnyValue): unknown {
  if ('bytesValue' in value) return { bytesValue: Buffer.from(value.bytesValue).toString('base64') }
  if ('arrayValue' in value) return { arrayValue: { values: value.arrayValue.values.map(anyValueJson) } }
  if ('kvlistValue' in value) return { kvlistValue: { values: value.kvlistValue.values.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value) })) } }
  if ('doubleValue' in value && !Number.isFinite(value.doubleValue)) return { doubleValue: String(value.doubleValue) }
  return value
}

const keyValuesJson = (list: FuzzSpan['attributes']): unknown[] => list.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value) }))

/** A well-formed ExportTraceServiceRequest of `spans` in `encoding`. */
export function encodeTraces(spans: readonly FuzzSpan[], encoding: Encoding): Uint8Array {
  if (encoding === 'protobuf') {
    const type = otlpTypes.exportTraceServiceRequest
    const toPb = (s: FuzzSpan): Record<string, unknown> => ({
      ...s,
      startTimeUnixNano: s.startTimeUnixNano.toString(),
      endTimeUnixNano: s.endTimeUnixNano.toString(),
      events: s.events.map((e) => ({ ...e, timeUnixNano: e.timeUnixNano.toString() })),
    })
    return type.encode(type.fromObject({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] }, scopeSpans: [{ scope: { name: 'fuzz' }, spans: spans.map(toPb) }] }],
    })).finish()
  }
  return Buffer.from(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
      scopeSpans: [{
        scope: { name: 'fuzz' },
        spans: spans.map((s) => ({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano.toString(),
          endTimeUnixNano: s.endTimeUnixNano.toString(),
          attributes: keyValuesJson(s.attributes),
          ...(s.status === undefined ? {} : { status: s.status }),
          events: s.events.map((e) => ({ name: e.name, timeUnixNano: e.timeUnixNano.toString(), attributes: keyValuesJson(e.attributes) })),
        })),
      }],
    }],
  }))
}

/** A well-formed ExportLogsServiceRequest of `records` in `encoding`. */
export function encodeLogs(records: readonly FuzzLogRecord[], encoding: Encoding): Uint8Array {
  if (encoding === 'protobuf') {
    const type = otlpTypes.exportLogsServiceRequest
    return type.encode(type.fromObject({
      resourceLogs: [{ scopeLogs: [{ logRecords: records.map((r) => ({ ...r, timeUnixNano: r.timeUnixNano.toString() })) }] }],
    })).finish()
  }
  return Buffer.from(JSON.stringify({
    resourceLogs: [{
      scopeLogs: [{
        logRecords: records.map((r) => ({
          traceId: hex(r.traceId), spanId: hex(r.spanId), timeUnixNano: r.timeUnixNano.toString(),
          severityNumber: r.severityNumber, severityText: r.severityText, body: anyValueJson(r.body),
        })),
      }],
    }],
  }))
}

const signal = fc.constantFrom<Signal>('traces', 'logs')
const encoding = fc.constantFrom<Encoding>('protobuf', 'json')

/** A well-formed request body (the material most malformed ones are made from). */
const wellFormed: fc.Arbitrary<FuzzBody> = fc.tuple(signal, encoding).chain(([sig, enc]) => (sig === 'traces'
  ? fc.array(span, { minLength: 1, maxLength: 3 }).map((spans) => encodeTraces(spans, enc))
  : fc.array(logRecord, { minLength: 1, maxLength: 3 }).map((records) => encodeLogs(records, enc))
).map((body) => ({ signal: sig, encoding: enc, kind: 'well-formed', body })))

/** One change to a byte string: flip, overwrite, insert, delete, or repeat a slice. */
const mutation = fc.tuple(fc.constantFrom('flip', 'set', 'insert', 'delete', 'repeat'), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 16 }))

function mutate(body: Uint8Array, mutations: readonly (readonly [string, number, number, number])[]): Uint8Array {
  let bytes = Buffer.from(body)
  for (const [op, at, value, length] of mutations) {
    if (bytes.length === 0) return Buffer.from([value])
    const i = at % bytes.length
    if (op === 'flip') bytes[i] = (bytes[i] as number) ^ (1 << (value % 8))
    else if (op === 'set') bytes[i] = value
    else if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)])
    else if (op === 'delete') bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + length)])
    else bytes = Buffer.concat([bytes.subarray(0, i + length), bytes.subarray(i)])
  }
  return bytes
}

/** A JSON request with one value, found by walking `path`, replaced by `replacement`. */
function replaceDeep(body: Uint8Array, path: readonly number[], replacement: unknown): Uint8Array {
  const root = JSON.parse(Buffer.from(body).toString('utf8')) as unknown
  let node: unknown = root
  for (const step of path) {
    if (typeof node !== 'object' || node === null) break
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const key = keys[step % keys.length] as string
    const child = (node as Record<string, unknown>)[key]
    if (typeof child !== 'object' || child === null || step % 3 === 0) {
      (node as Record<string, unknown>)[key] = replacement
      return Buffer.from(JSON.stringify(root))
    }
    node = child
  }
  return Buffer.from(JSON.stringify(replacement))
}

/** A value nested `depth` levels deep, as OTLP/JSON text or protobuf AnyValue bytes. */
function deeplyNested(depth: number, enc: Encoding): Uint8Array {
  if (enc === 'json') {
    return Buffer.from('{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"x"}' + ']}}'.repeat(depth))
  }
  // Lengths bottom-up (an AnyValue holds an ArrayValue holds the AnyValue below), then one write
  // top-down: linear in the depth, where nesting Buffer.concat calls would be quadratic.
  const leaf = otlpTypes.anyValue.encode({ stringValue: 'x' }).finish()
  const valueLength = [leaf.length]
  const arrayLength = [0]
  for (let i = 1; i <= depth; i++) {
    arrayLength[i] = 1 + varint(valueLength[i - 1] as number).length + (valueLength[i - 1] as number)
    valueLength[i] = 1 + varint(arrayLength[i] as number).length + (arrayLength[i] as number)
  }
  const out = Buffer.alloc(valueLength[depth] as number)
  let at = 0
  for (let i = depth; i >= 1; i--) {
    at = out.writeUInt8(0x2a, at)
    at += varint(arrayLength[i] as number).copy(out, at)
    at = out.writeUInt8(0x0a, at)
    at += varint(valueLength[i - 1] as number).copy(out, at)
  }
  Buffer.from(leaf).copy(out, at)
  return out
}

function varint(n: number): Buffer {
  const out: number[] = []
  let rest = n
  while (rest > 127) {
    out.push((rest & 127) | 128)
    rest >>>= 7
  }
  out.push(rest)
  return Buffer.from(out)
}

/** A trace request whose one span has an attribute nested `depth` levels deep. */
function deepRequest(depth: number, enc: Encoding, traceId: Uint8Array, spanId: Uint8Array): Uint8Array {
  const value = deeplyNested(depth, enc)
  if (enc === 'json') {
    return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${hex(traceId)}","spanId":"${hex(spanId)}",` +
      `"attributes":[{"key":"deep","value":${Buffer.from(value).toString('utf8')}}]}]}]}]}`)
  }
  const keyValue = Buffer.concat([Buffer.from([0x0a, 4]), Buffer.from('deep'), Buffer.from([0x12]), varint(value.length), value])
  const spanBytes = Buffer.concat([Buffer.from([0x0a, 16]), traceId, Buffer.from([0x12, 8]), spanId, Buffer.from([0x4a]), varint(keyValue.length), keyValue])
  const scopeSpans = Buffer.concat([Buffer.from([0x12]), varint(spanBytes.length), spanBytes])
  const resourceSpans = Buffer.concat([Buffer.from([0x12]), varint(scopeSpans.length), scopeSpans])
  return Buffer.concat([Buffer.from([0x0a]), varint(resourceSpans.length), resourceSpans])
}

const jsonWellFormed = fc.tuple(signal).chain(([sig]) => (sig === 'traces'
  ? fc.array(span, { minLength: 1, maxLength: 3 }).map((spans) => encodeTraces(spans, 'json'))
  : fc.array(logRecord, { minLength: 1, maxLength: 3 }).map((records) => encodeLogs(records, 'json'))
).map((body): FuzzBody => ({ signal: sig, encoding: 'json', kind: 'well-formed', body })))

/** Every kind of malformed body, with its weight in the mix. */
const MALFORMED_KINDS: Readonly<Record<string, readonly [fc.Arbitrary<FuzzBody>, number]>> = {
  'random bytes': [fc.tuple(signal, encoding, fc.uint8Array({ maxLength: 2048 })).map(([sig, enc, body]) => ({ signal: sig, encoding: enc, kind: 'random bytes', body })), 3],
  'truncated': [fc.tuple(wellFormed, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
    .map(([f, at]) => ({ ...f, kind: 'truncated', body: f.body.subarray(0, Math.floor(at * f.body.length)) })), 3],
  'mutated': [fc.tuple(wellFormed, fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([f, m]) => ({ ...f, kind: 'mutated', body: mutate(f.body, m) })), 4],
  'wrong type': [fc.tuple(jsonWellFormed, fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }))
    .map(([f, path, value]) => ({ ...f, kind: 'wrong type', body: replaceDeep(f.body, path, value) })), 3],
  'random JSON': [fc.tuple(signal, fc.json({ maxDepth: 4 })).map(([sig, text]) => ({ signal: sig, encoding: 'json' as const, kind: 'random JSON', body: Buffer.from(text) })), 2],
  'random text': [fc.tuple(signal, fc.string({ unit: 'binary', maxLength: 200 })).map(([sig, text]) => ({ signal: sig, encoding: 'json' as const, kind: 'random text', body: Buffer.from(text) })), 1],
  'invalid UTF-8': [fc.tuple(jsonWellFormed, fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf]))
    .map(([f, at, bytes]) => ({ ...f, kind: 'invalid UTF-8', body: Buffer.concat([f.body.subarray(0, at % f.body.length), Buffer.from(bytes), f.body.subarray(at % f.body.length)]) })), 1],
  'snake_case keys': [jsonWellFormed.map((f) => ({
    ...f, kind: 'snake_case keys', body: Buffer.from(Buffer.from(f.body).toString('utf8').replace(/"([a-z]+)([A-Z])/g, (_m, a: string, b: string) => `"${a}_${b.toLowerCase()}`)),
  })), 1],
  'deep nesting': [fc.tuple(encoding, fc.integer({ min: 33, max: 5_000 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 8, maxLength: 8 }))
    .map(([enc, depth, traceId, spanId]) => ({ signal: 'traces' as const, encoding: enc, kind: 'deep nesting', body: deepRequest(depth, enc, traceId, spanId) })), 1],
  'huge string': [fc.tuple(encoding, fc.integer({ min: 64 * 1024, max: 256 * 1024 }), span).map(([enc, size, s]) => ({
    signal: 'traces' as const, encoding: enc, kind: 'huge string', body: encodeTraces([{ ...s, name: 'n'.repeat(size) }], enc),
  })), 1],
}

/** Every kind of malformed body, each with its weight in the mix. */
export const malformedBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  ...Object.values(MALFORMED_KINDS).map(([arbitrary, weight]) => ({ arbitrary, weight })),
)

/** Mostly malformed, some well-formed, so the receiver's success path runs under the same load. */
export const fuzzBody: fc.Arbitrary<FuzzBody> = fc.oneof({ arbitrary: malformedBody, weight: 9 }, { arbitrary: wellFormed, weight: 1 })

const MEDIA_TYPES: Readonly<Record<Encoding, string>> = { protobuf: 'application/x-protobuf', json: 'application/json' }

/** A fuzz body dressed as an HTTP request: right or wrong path, method, content type and coding. */
export const fuzzHttpRequest: fc.Arbitrary<FuzzHttpRequest> = fc.record({
  body: fuzzBody,
  path: fc.oneof({ arbitrary: fc.constant('right'), weight: 12 }, fc.constantFrom('/v1/metrics', '/', '/v1/traces/x', '/v1/traces?x=1', '//v1/traces', '/V1/TRACES')),
  method: fc.oneof({ arbitrary: fc.constant('POST'), weight: 15 }, fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH')),
  contentType: fc.oneof(
    { arbitrary: fc.constant('right'), weight: 10 },
    fc.constantFrom('swapped', 'text/plain', '', 'application/json; charset=utf-8', 'application/protobuf', 'APPLICATION/JSON', 'multipart/form-data; boundary=x', 'application/x-protobuf;;;'),
  ),
  coding: fc.oneof(
    { arbitrary: fc.constant('identity' as const), weight: 8 },
    fc.constantFrom('gzip', 'deflate', 'raw-deflate', 'x-gzip', 'claims-gzip', 'claims-deflate', 'br', 'gzip, gzip', 'identity-header'),
  ),
}).map(({ body, path, method, contentType, coding }) => {
  const headers: Record<string, string> = {}
  const right = MEDIA_TYPES[body.encoding]
  const type = contentType === 'right' ? right : contentType === 'swapped' ? MEDIA_TYPES[body.encoding === 'json' ? 'protobuf' : 'json'] : contentType
  if (type !== '') headers['content-type'] = type
  let wire = body.body
  let applied: FuzzHttpRequest['applied'] = 'identity'
  if (coding === 'gzip' || coding === 'x-gzip') {
    wire = zlib.gzipSync(body.body)
    applied = 'gzip'
    headers['content-encoding'] = coding
  } else if (coding === 'deflate' || coding === 'raw-deflate') {
    wire = coding === 'deflate' ? zlib.deflateSync(body.body) : zlib.deflateRawSync(body.body)
    applied = 'deflate'
    headers['content-encoding'] = 'deflate'
  } else if (coding === 'claims-gzip' || coding === 'claims-deflate') {
    headers['content-encoding'] = coding.slice('claims-'.length)
  } else if (coding === 'identity-header') {
    headers['content-encoding'] = 'identity'
  } else if (coding !== 'identity') {
    headers['content-encoding'] = coding
  }
  return {
    ...body,
    body: wire,
    applied,
    path: path === 'right' ? `/v1/${body.signal}` : path,
    method,
    headers,
  }
})

/** Bytes for a raw TCP connection to the HTTP port: not HTTP at all, or HTTP broken in its framing. */
export const rawHttpBytes: fc.Arbitrary<{ readonly kind: string; readonly bytes: Uint8Array }> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => ({ kind: 'random bytes', bytes })),
  fc.tuple(fc.string({ unit: 'binary-ascii', maxLength: 200 }), fc.uint8Array({ maxLength: 64 }))
    .map(([headers, rest]) => ({ kind: 'garbled headers', bytes: Buffer.concat([Buffer.from(`POST /v1/traces HTTP/1.1\r\n${headers}\r\n\r\n`, 'latin1'), rest]) })),
  fc.tuple(fc.integer({ min: -5, max: 100_000 }), fc.uint8Array({ maxLength: 64 }))
    .map(([length, body]) => ({
      kind: 'bad Content-Length',
      bytes: Buffer.concat([Buffer.from(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${length}\r\nContent-Length: ${length + 1}\r\n\r\n`), body]),
    })),
  fc.tuple(fc.string({ unit: 'binary-ascii', maxLength: 40 }), fc.uint8Array({ maxLength: 64 }))
    .map(([chunkSize, body]) => ({
      kind: 'bad chunked encoding',
      bytes: Buffer.concat([Buffer.from(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunkSize}\r\n`, 'latin1'), body, Buffer.from('\r\n0\r\n\r\n')]),
    })),
  fc.constantFrom(
    { kind: 'HTTP/2 preface', bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') },
    { kind: 'Content-Length and chunked', bytes: Buffer.from('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n') },
    { kind: 'TLS hello', bytes: Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]) },
    { kind: 'header without colon', bytes: Buffer.from('POST /v1/traces HTTP/1.1\r\nHost x\r\n\r\n') },
    { kind: 'NUL in request line', bytes: Buffer.from('POST /v1/tra\0ces HTTP/1.1\r\n\r\n') },
    { kind: 'no Host header', bytes: Buffer.from('POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}') },
    { kind: 'unknown Expect', bytes: Buffer.from('POST /v1/traces HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}') },
    { kind: 'CONNECT', bytes: Buffer.from('CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n') },
    { kind: 'upgrade', bytes: Buffer.from('GET /v1/traces HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n') },
  ),
)

/**
 * A gzip body that inflates to `inflatedMiB` MiB of zeros, built as repeated gzip members of 1 MiB
 * each, so making it costs next to nothing and holds no large buffer.
 */
export function gzipBomb(inflatedMiB: number): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 })
  return Buffer.concat(Array.from({ length: inflatedMiB }, () => member))
}

/**
 * A zlib-wrapped deflate stream that inflates to `inflatedMiB` MiB of zeros: one 1 MiB chunk
 * compressed on its own and ended with a sync flush (so its blocks are byte-aligned and reference
 * nothing before them), repeated, then a final empty block and the Adler-32 of the whole.
 */
export function deflateBomb(inflatedMiB: number): Buffer {
  const size = 1024 * 1024
  const chunk = zlib.deflateRawSync(Buffer.alloc(size), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH })
  const last = zlib.deflateRawSync(Buffer.alloc(0))
  // Adler-32 of n zero bytes: a stays 1, b grows by 1 per byte.
  const adler = Buffer.alloc(4)
  adler.writeUInt32BE((((inflatedMiB * size) % 65521) << 16 | 1) >>> 0)
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: inflatedMiB }, () => chunk), last, adler])
}
