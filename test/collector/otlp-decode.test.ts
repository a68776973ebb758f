import protobuf from 'protobufjs'
import { describe, expect, test } from 'vitest'
import { decodeLogsRequest } from '../../src/collector/otlp/decode-logs.js'
import { decodeTraceRequest } from '../../src/collector/otlp/decode-traces.js'
import { otlpTypes } from '../../src/collector/otlp/otlp-schema.js'
import { OtlpDecodeError } from '../../src/errors.js'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const SPAN_ID = 'b7ad6b7169203331'
const PARENT_ID = '00f067aa0ba902b7'
const BYTES = Buffer.from([0x01, 0x02, 0xff])

type Message = Record<string, unknown>

/** A request in the shape protobufjs' `fromObject` takes: ids and bytes as Buffers. */
function request(spans: readonly Message[], extra: Message = {}): Message {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
      scopeSpans: [{ scope: { name: 'manual', version: '0.1.0' }, spans }],
      ...extra,
    }],
  }
}

function span(fields: Message = {}): Message {
  return {
    traceId: Buffer.from(TRACE_ID, 'hex'),
    spanId: Buffer.from(SPAN_ID, 'hex'),
    name: 'GET /orders/:id',
    kind: 2,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000002500000',
    ...fields,
  }
}

function toProtobuf(message: Message): Uint8Array {
  const type = otlpTypes.exportTraceServiceRequest
  return type.encode(type.fromObject(message)).finish()
}

/** The same request as OTLP/JSON spells it: ids in hex, other bytes in base64. */
function toJson(message: Message): Uint8Array {
  const json = JSON.stringify(message, function (this: Message, key, value: unknown) {
    const raw = this[key]
    if (!Buffer.isBuffer(raw)) return value
    return ['traceId', 'spanId', 'parentSpanId'].includes(key) ? raw.toString('hex') : raw.toString('base64')
  })
  return new TextEncoder().encode(json)
}

/**
 * Both encodings of `message` decode to the same spans; the protobuf result is returned. Messages
 * about ids of the wrong length differ (bytes against hex characters) unless `sameMessage`.
 */
function decodeBoth(message: Message, sameMessage = true): ReturnType<typeof decodeTraceRequest> {
  const fromProtobuf = decodeTraceRequest(toProtobuf(message), 'protobuf')
  const fromJson = decodeTraceRequest(toJson(message), 'json')
  if (sameMessage) expect(fromJson).toStrictEqual(fromProtobuf)
  else expect({ ...fromJson, errorMessage: '' }).toStrictEqual({ ...fromProtobuf, errorMessage: '' })
  return fromProtobuf
}

const kv = (key: string, value: Message): Message => ({ key, value })

describe('decodeTraceRequest', () => {
  test('normalises a span the same from protobuf and OTLP/JSON', () => {
    const decoded = decodeBoth(request([span({
      parentSpanId: Buffer.from(PARENT_ID, 'hex'),
      attributes: [
        kv('text', { stringValue: 'Grüße' }),
        kv('int', { intValue: '-42' }),
        kv('big', { intValue: '9007199254740993' }),
        kv('ratio', { doubleValue: 1.5 }),
        kv('flag', { boolValue: false }),
        kv('raw', { bytesValue: BYTES }),
        kv('list', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, {}, { arrayValue: { values: [{ boolValue: true }] } }] } }),
        kv('map', { kvlistValue: { values: [kv('a', { intValue: '1' }), kv('nested', { kvlistValue: { values: [kv('b', { bytesValue: BYTES })] } })] } }),
        kv('nothing', {}),
        kv('twice', { stringValue: 'first' }),
        kv('twice', { stringValue: 'last' }),
      ],
      events: [{ timeUnixNano: '1700000000001000000', name: 'cache.miss', attributes: [kv('key', { stringValue: 'order:42' })] }],
      links: [{ traceId: Buffer.alloc(16, 0xab), spanId: Buffer.alloc(8, 0xcd), attributes: [kv('reason', { stringValue: 'batch' })] }],
      status: { code: 2, message: 'boom' },
    })]))

    expect(decoded).toStrictEqual({
      spans: [{
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        parentSpanId: PARENT_ID,
        name: 'GET /orders/:id',
        kind: 'SERVER',
        start: 1_700_000_000_000_000_000n,
        end: 1_700_000_000_002_500_000n,
        durationMs: 2.5,
        status: { code: 'ERROR', message: 'boom' },
        attributes: {
          text: 'Grüße',
          int: -42,
          big: '9007199254740993',
          ratio: 1.5,
          flag: false,
          raw: 'AQL/',
          list: ['a', 1, null, '[true]'],
          map: '{"a":1,"nested":{"b":"AQL/"}}',
          twice: 'last',
        },
        events: [{ name: 'cache.miss', time: 1_700_000_000_001_000_000n, attributes: { key: 'order:42' } }],
        links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), attributes: { reason: 'batch' } }],
        resource: { 'service.name': 'orders' },
        scope: { name: 'manual', version: '0.1.0' },
      }],
      rejectedSpans: 0,
      errorMessage: '',
    })
  })

  test('reads an empty or all-zero parent as a root, UNSPECIFIED kind as INTERNAL and a missing status as UNSET', () => {
    const { spans } = decodeBoth(request([
      span({ kind: 0 }),
      span({ spanId: Buffer.alloc(8, 2), parentSpanId: Buffer.alloc(8, 0), kind: 5, status: { code: 1 } }),
      span({ spanId: Buffer.alloc(8, 3), kind: 9, status: { code: 7, message: '' } }),
    ]))

    expect(spans.map((s) => [s.kind, s.status, 'parentSpanId' in s])).toStrictEqual([
      ['INTERNAL', { code: 'UNSET' }, false],
      ['CONSUMER', { code: 'OK' }, false],
      ['INTERNAL', { code: 'UNSET' }, false],
    ])
    expect(spans[0]?.scope).toStrictEqual({ name: 'manual', version: '0.1.0' })
  })

  test('rejects spans without usable ids one by one and keeps the rest', () => {
    const decoded = decodeBoth(request([
      span({ traceId: Buffer.alloc(16, 0) }),
      span({ traceId: Buffer.alloc(15, 1) }),
      span({ spanId: undefined }),
      span({ parentSpanId: Buffer.alloc(3, 1) }),
      span({ name: 'kept' }),
      span({ spanId: Buffer.alloc(8, 0) }),
      span({ spanId: Buffer.alloc(9, 1) }),
    ]), false)

    expect(decoded.spans.map((s) => s.name)).toEqual(['kept'])
    expect(decoded.rejectedSpans).toBe(6)
    expect(decoded.errorMessage).toBe('6 spans rejected. ' +
      'resourceSpans[0].scopeSpans[0].spans[0]: traceId is all zeros; ' +
      'resourceSpans[0].scopeSpans[0].spans[1]: traceId has 15 bytes, expected 16; ' +
      'resourceSpans[0].scopeSpans[0].spans[2]: spanId is missing; ' +
      'resourceSpans[0].scopeSpans[0].spans[3]: parentSpanId has 3 bytes, expected 8; ' +
      'resourceSpans[0].scopeSpans[0].spans[5]: spanId is all zeros; and 1 more')
  })

  test('leaves out a link with a bad id and says so, keeping its span', () => {
    const decoded = decodeBoth(request([span({ links: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(2, 1) }] })]), false)

    expect(decoded.spans[0]?.links).toEqual([])
    expect(decoded.rejectedSpans).toBe(0)
    expect(decoded.errorMessage).toBe('resourceSpans[0].scopeSpans[0].spans[0]: links[0] left out: spanId has 2 bytes, expected 8')
  })

  test('does not let an attribute key replace the prototype', () => {
    const { spans } = decodeBoth(request([span({ attributes: [kv('__proto__', { arrayValue: { values: [{ stringValue: 'x' }] } })] })]))
    const attributes = spans[0]?.attributes ?? {}

    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype)
    expect(Object.keys(attributes)).toEqual(['__proto__'])
  })

  describe('from protobuf', () => {
    const tag = (field: number, wireType: number): number => (field << 3) | wireType
    const lengthDelimited = (field: number, bytes: Uint8Array): Uint8Array =>
      protobuf.Writer.create().uint32(tag(field, 2)).bytes(bytes).finish()
    const concat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts)

    test('applies a resource and a scope that follow their spans on the wire, and skips unknown fields', () => {
      const spanBytes = concat(
        otlpTypes.span.encode(otlpTypes.span.fromObject(span())).finish(),
        protobuf.Writer.create().uint32(tag(99, 0)).uint32(7).finish(),
      )
      const scopeSpans = concat(lengthDelimited(2, spanBytes), lengthDelimited(1, otlpTypes.instrumentationScope.encode({ name: 'late' }).finish()))
      const resource = otlpTypes.resource.encode(otlpTypes.resource.fromObject({ attributes: [kv('service.name', { stringValue: 'late' })] })).finish()
      const body = concat(
        lengthDelimited(1, concat(lengthDelimited(2, scopeSpans), lengthDelimited(1, resource))),
        lengthDelimited(42, new Uint8Array([1, 2, 3])),
      )

      const { spans } = decodeTraceRequest(body, 'protobuf')

      expect(spans).toHaveLength(1)
      expect(spans[0]?.resource).toStrictEqual({ 'service.name': 'late' })
      expect(spans[0]?.scope).toStrictEqual({ name: 'late' })
    })

    test.each([
      ['a truncated body', (body: Uint8Array) => body.subarray(0, body.length - 5), /resourceSpans\[0\]: a field of \d+ bytes at offset 2 runs past the end of its message/],
      ['an invalid wire type', () => new Uint8Array([0x0f, 0x00]), /the request: invalid wire type 7/],
      ['field number 0', () => new Uint8Array([0x00, 0x00]), /the request: invalid field number 0/],
      ['a nested message longer than its parent', () => lengthDelimited(1, new Uint8Array([0x12, 0x10, 0x00])), /resourceSpans\[0\]: index out of range: 4 \+ 16 > 5/],
    ])('throws OtlpDecodeError for %s', (_, corrupt, reason) => {
      const body = corrupt(toProtobuf(request([span({ attributes: [kv('a', { stringValue: 'b' })] })])))

      const error = (() => { try { decodeTraceRequest(body, 'protobuf') } catch (e) { return e } })()

      expect(error).toBeInstanceOf(OtlpDecodeError)
      expect(error).toMatchObject({ code: 'ERR_TRACEWRIGHT_OTLP_DECODE', message: expect.stringMatching(reason) })
      expect((error as Error).message).toMatch(/^Failed to decode the OTLP\/protobuf ExportTraceServiceRequest: .*Please send a protobuf-encoded ExportTraceServiceRequest/)
    })
  })

  describe('from OTLP/JSON', () => {
    const decodeJson = (json: unknown): ReturnType<typeof decodeTraceRequest> =>
      decodeTraceRequest(new TextEncoder().encode(typeof json === 'string' ? json : JSON.stringify(json)), 'json')
    const jsonSpan = (fields: Message): Message => ({ traceId: TRACE_ID, spanId: SPAN_ID, ...fields })

    test('takes 64-bit integers as strings or numbers, enum names, upper-case hex and the JavaScript exporter\'s NaN', () => {
      const { spans } = decodeJson({
        resourceSpans: [{
          scopeSpans: [{
            spans: [jsonSpan({
              traceId: TRACE_ID.toUpperCase(),
              kind: 'SPAN_KIND_CLIENT',
              startTimeUnixNano: 1_000,
              endTimeUnixNano: '3000',
              status: { code: 'STATUS_CODE_ERROR' },
              attributes: [kv('n', { intValue: 7 }), kv('s', { intValue: '-8' }), kv('nan', { doubleValue: null }), kv('inf', { doubleValue: 'Infinity' })],
            })],
          }],
        }],
      })

      expect(spans[0]).toMatchObject({
        traceId: TRACE_ID, kind: 'CLIENT', start: 1000n, end: 3000n, durationMs: 0.002, status: { code: 'ERROR' },
        attributes: { n: 7, s: -8, nan: Number.NaN, inf: Number.POSITIVE_INFINITY },
      })
    })

    test('rejects a base64 id with a hint that OTLP/JSON ids are hex', () => {
      const decoded = decodeJson({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ traceId: Buffer.from(TRACE_ID, 'hex').toString('base64') })] }] }] })

      expect(decoded.rejectedSpans).toBe(1)
      expect(decoded.errorMessage).toContain('has 24 characters, expected 32 hex characters (OTLP/JSON spells ids in hex, not base64)')
    })

    test('accepts an empty object as a request without spans', () => {
      expect(decodeJson({})).toStrictEqual({ spans: [], rejectedSpans: 0, errorMessage: '' })
    })

    test.each([
      ['not JSON', '{"resourceSpans": [', 'the body is not JSON'],
      ['not an object', '[1, 2]', 'the body must be a JSON object, got an array'],
      ['snake_case names', { resource_spans: [] }, 'found "resource_spans"; OTLP/JSON field names are lowerCamelCase ("resourceSpans")'],
      ['a list that is not an array', { resourceSpans: {} }, 'the request: resourceSpans must be an array, got an object'],
      ['a span that is not an object', { resourceSpans: [{ scopeSpans: [{ spans: [3] }] }] }, 'resourceSpans[0].scopeSpans[0].spans[0]: must be an object, got number 3'],
      ['a bad integer', { resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ attributes: [kv('a', { intValue: '1.5' })] })] }] }] },
        'resourceSpans[0].scopeSpans[0].spans[0]: attributes[0]: intValue must be a 64-bit integer, got "1.5"'],
      ['a bad timestamp', { resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ startTimeUnixNano: -1 })] }] }] },
        'startTimeUnixNano must be an unsigned 64-bit integer (nanoseconds), got number -1'],
      ['a bad event', { resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ events: [{ name: 1 }] })] }] }] }, 'events[0]: name must be a string, got number 1'],
      ['a bad resource', { resourceSpans: [{ resource: { attributes: [{ key: 1 }] } }] }, 'resourceSpans[0]: resource.attributes[0]: key must be a string'],
    ])('throws OtlpDecodeError for %s', (_, body, reason) => {
      expect(() => decodeJson(body)).toThrow(OtlpDecodeError)
      expect(() => decodeJson(body)).toThrow(reason)
    })

    test('throws OtlpDecodeError for a body that is not UTF-8', () => {
      expect(() => decodeTraceRequest(new Uint8Array([0x7b, 0xff, 0x7d]), 'json')).toThrow(/not JSON .*encoded data was not valid/)
    })
  })
})

describe('decodeLogsRequest', () => {
  test('keeps linked records, counts unlinked ones and names severities', () => {
    const type = otlpTypes.exportLogsServiceRequest
    const body = type.encode(type.fromObject({
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [
            { traceId: Buffer.from(TRACE_ID, 'hex'), spanId: Buffer.from(SPAN_ID, 'hex'), timeUnixNano: '5', severityNumber: 14, body: { kvlistValue: { values: [kv('a', { boolValue: true })] } } },
            { traceId: Buffer.from(TRACE_ID, 'hex'), severityNumber: 0, severityText: 'notice' },
            { body: { stringValue: 'unlinked' } },
            { traceId: Buffer.alloc(16, 0) },
          ],
        }],
      }],
    })).finish()

    expect(decodeLogsRequest(body, 'protobuf')).toStrictEqual({
      logs: [
        { traceId: TRACE_ID, spanId: SPAN_ID, time: 5n, severity: 'WARN2', body: '{"a":true}', source: 'otlp' },
        { traceId: TRACE_ID, time: 0n, severity: 'notice', body: '', source: 'otlp' },
      ],
      rejectedLogRecords: 0,
      errorMessage: '',
      unlinkedLogRecords: 2,
    })
  })

  test('reads OTLP/JSON log records', () => {
    const json = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: TRACE_ID, spanId: 'zz', body: { stringValue: 'x' } }, { traceId: TRACE_ID, severityNumber: 'SEVERITY_NUMBER_FATAL', body: { intValue: '3' } }] }] }] }

    expect(decodeLogsRequest(new TextEncoder().encode(JSON.stringify(json)), 'json')).toStrictEqual({
      logs: [{ traceId: TRACE_ID, time: 0n, severity: 'FATAL', body: '3', source: 'otlp' }],
      rejectedLogRecords: 1,
      errorMessage: '1 log record rejected. resourceLogs[0].scopeLogs[0].logRecords[0]: spanId "zz" has 2 characters, expected 16 hex characters (OTLP/JSON spells ids in hex, not base64)',
      unlinkedLogRecords: 0,
    })
  })
})
