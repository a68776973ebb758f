import http from 'node:http'
import net from 'node:net'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { otlpTypes } from '../../src/collector/otlp/otlp-schema.js'
import { startCollector, type Collector } from '../../src/collector/start-collector.js'

const gzip = promisify(zlib.gzip)
const deflateRaw = promisify(zlib.deflateRaw)

const TRACE_ID = '5b8efff798038103d269b633813fc60c'

/** An OTLP/JSON request with one span per id given. */
function jsonRequest(spanIds: readonly string[], traceId = TRACE_ID): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
      scopeSpans: [{
        scope: { name: 'manual' },
        spans: spanIds.map((spanId) => ({
          traceId,
          spanId,
          name: `span ${spanId}`,
          kind: 2,
          startTimeUnixNano: '1700000000000000000',
          endTimeUnixNano: '1700000000005000000',
        })),
      }],
    }],
  })
}

function protobufRequest(spanIds: readonly string[], traceId = TRACE_ID): Uint8Array {
  const type = otlpTypes.exportTraceServiceRequest
  return type.encode(type.fromObject({
    resourceSpans: [{
      scopeSpans: [{
        spans: spanIds.map((spanId) => ({
          traceId: Buffer.from(traceId, 'hex'),
          spanId: Buffer.from(spanId, 'hex'),
          name: `span ${spanId}`,
          startTimeUnixNano: '1700000000000000000',
          endTimeUnixNano: '1700000000005000000',
        })),
      }],
    }],
  })).finish()
}

describe('an OTLP/HTTP receiver', () => {
  let collector: Collector
  const post = (path: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Response> =>
    fetch(`${collector.endpoint}${path}`, { method: 'POST', body, headers })

  beforeAll(async () => {
    collector = await startCollector({ grpc: false, maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024, requestTimeoutMs: 300 })
  })

  afterAll(async () => {
    await collector.stop()
  })

  test('listens on 127.0.0.1 and an ephemeral port', () => {
    expect(collector.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(collector.grpcEndpoint).toBe('')
  })

  test('answers a JSON export with an empty JSON response and stores the spans', async () => {
    const response = await post('/v1/traces', jsonRequest(['1111111111111111']), { 'content-type': 'application/json; charset=utf-8' })

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({})
    expect(collector.store.spans(TRACE_ID).map((span) => span.spanId)).toContain('1111111111111111')
  })

  test('answers a protobuf export with an empty protobuf response', async () => {
    const response = await post('/v1/traces', protobufRequest(['2222222222222222']), { 'content-type': 'application/x-protobuf' })

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-protobuf')
    expect((await response.arrayBuffer()).byteLength).toBe(0)
    expect(collector.store.spans(TRACE_ID).map((span) => span.spanId)).toContain('2222222222222222')
  })

  test('inflates gzip and deflate bodies', async () => {
    const gzipped = await post('/v1/traces', await gzip(jsonRequest(['3333333333333333'])),
      { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    const deflated = await post('/v1/traces', await deflateRaw(protobufRequest(['4444444444444444'])),
      { 'content-type': 'application/x-protobuf', 'content-encoding': 'deflate' })

    expect([gzipped.status, deflated.status]).toEqual([200, 200])
    expect(collector.store.spans(TRACE_ID).map((span) => span.spanId)).toEqual(expect.arrayContaining(['3333333333333333', '4444444444444444']))
  })

  test('keeps the good spans of a batch and reports the bad ones in partial_success (JSON)', async () => {
    const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    const response = await post('/v1/traces', jsonRequest(['5555555555555555', 'abc', ''], traceId), { 'content-type': 'application/json' })

    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '2',
        errorMessage: '2 spans rejected. ' +
          'resourceSpans[0].scopeSpans[0].spans[1]: spanId "abc" has 3 characters, expected 16 hex characters (OTLP/JSON spells ids in hex, not base64); ' +
          'resourceSpans[0].scopeSpans[0].spans[2]: spanId is missing',
      },
    })
    expect(collector.store.spans(traceId).map((span) => span.spanId)).toEqual(['5555555555555555'])
  })

  test('reports rejected spans in a protobuf partial_success', async () => {
    const traceId = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    const type = otlpTypes.exportTraceServiceRequest
    const body = type.encode(type.fromObject({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(traceId, 'hex'), spanId: Buffer.alloc(7, 1) }] }] }],
    })).finish()

    const response = await post('/v1/traces', body, { 'content-type': 'application/x-protobuf' })
    const decoded = otlpTypes.exportTraceServiceResponse.toObject(
      otlpTypes.exportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer())), { longs: Number })

    expect(response.status).toBe(200)
    expect(decoded).toEqual({
      partialSuccess: {
        rejectedSpans: 1,
        errorMessage: '1 span rejected. resourceSpans[0].scopeSpans[0].spans[0]: spanId has 7 bytes, expected 8',
      },
    })
  })

  test('refuses malformed protobuf with 400 and a google.rpc.Status naming the problem, then keeps serving', async () => {
    const response = await post('/v1/traces', new Uint8Array([0x0a, 0x05, 0x12, 0x03]), { 'content-type': 'application/x-protobuf' })
    const status = otlpTypes.status.toObject(otlpTypes.status.decode(new Uint8Array(await response.arrayBuffer())))

    expect(response.status).toBe(400)
    expect(status).toEqual({
      code: 3,
      message: expect.stringMatching(/^Failed to decode the OTLP\/protobuf ExportTraceServiceRequest: .*runs past the end.*Please send a protobuf-encoded/),
    })
    const next = await post('/v1/traces', protobufRequest(['6666666666666666']), { 'content-type': 'application/x-protobuf' })
    expect(next.status).toBe(200)
  })

  test('refuses malformed JSON with 400 and a JSON Status naming the problem', async () => {
    const notJson = await post('/v1/traces', '{"resourceSpans": [', { 'content-type': 'application/json' })
    const wrongShape = await post('/v1/traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: '7777777777777777', name: 7 }] }] }] }),
      { 'content-type': 'application/json' })

    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toEqual({ code: 3, message: expect.stringContaining('the body is not JSON') })
    expect(wrongShape.status).toBe(400)
    expect(await wrongShape.json()).toEqual({
      code: 3,
      message: 'Failed to decode the OTLP/JSON ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[0]: name must be a string, got number 7. ' +
        'Please send an OTLP/JSON ExportTraceServiceRequest (lowerCamelCase field names, hex ids, integer enums) with Content-Type application/json.',
    })
  })

  test('refuses a gzip body that is not gzip with 400', async () => {
    const response = await post('/v1/traces', jsonRequest([]), { 'content-type': 'application/json', 'content-encoding': 'gzip' })

    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 3, message: expect.stringContaining('Failed to decompress the gzip body') })
  })

  test('refuses other content types and encodings with 415', async () => {
    const text = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' })
    const brotli = await post('/v1/traces', jsonRequest([]), { 'content-type': 'application/json', 'content-encoding': 'br' })

    expect(text.status).toBe(415)
    expect(await text.json()).toEqual({ code: 3, message: expect.stringContaining('Please send application/x-protobuf or application/json') })
    expect(brotli.status).toBe(415)
  })

  test('refuses bodies over maxBodyBytes with 413, by Content-Length or while streaming', async () => {
    const declared = await post('/v1/traces', 'x'.repeat(65 * 1024), { 'content-type': 'application/json' })
    const streamed = await fetch(`${collector.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(8 * 1024))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)

    expect(declared.status).toBe(413)
    expect(await declared.json()).toEqual({ code: 8, message: expect.stringContaining('more than maxBodyBytes (65536)') })
    expect(streamed.status).toBe(413)
  })

  test('stops inflating a gzip bomb at maxDecompressedBytes with 413', async () => {
    const bomb = await gzip(Buffer.alloc(4 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(16 * 1024)

    const response = await post('/v1/traces', bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })

    expect(response.status).toBe(413)
    expect(otlpTypes.status.decode(new Uint8Array(await response.arrayBuffer()))).toMatchObject({
      code: 8,
      message: expect.stringContaining('inflates to more than maxDecompressedBytes'),
    })
  })

  test('answers other paths with 404 and other methods with 405', async () => {
    const metrics = await post('/v1/metrics', '{}', { 'content-type': 'application/json' })
    const get = await fetch(`${collector.endpoint}/v1/traces`)

    expect(metrics.status).toBe(404)
    expect(await metrics.json()).toEqual({ code: 5, message: expect.stringContaining('no OTLP endpoint at /v1/metrics') })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  test('answers 408 and closes the connection when the body does not arrive in time', async () => {
    const { port } = new URL(collector.endpoint)
    const socket = net.connect(Number(port), '127.0.0.1')
    socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"resou')
    let received = ''
    socket.on('data', (chunk) => { received += String(chunk) })
    await new Promise((resolve) => socket.on('close', resolve))

    expect(received).toMatch(/^HTTP\/1\.1 408/)
    expect(received).toContain('requestTimeoutMs')
  })

  test('keeps the connection alive between exports', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const send = (spanId: string): Promise<boolean> => new Promise((resolve, reject) => {
      const body = protobufRequest([spanId])
      const request = http.request(`${collector.endpoint}/v1/traces`, {
        method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      }, (response) => {
        response.resume().on('end', () => resolve(request.reusedSocket))
      })
      request.on('error', reject).end(body)
    })

    expect(await send('8888888888888888')).toBe(false)
    expect(await send('9999999999999999')).toBe(true)
    agent.destroy()
  })
})

describe('stopping a collector', () => {
  const tcpServers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length

  test('closes both receivers and open connections, and can be called again', async () => {
    const before = tcpServers()
    const collector = await startCollector()
    const agent = new http.Agent({ keepAlive: true })
    await new Promise<void>((resolve) => {
      http.request(`${collector.endpoint}/v1/traces`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (response) => response.resume().on('end', resolve)).end(jsonRequest([]))
    })
    expect(tcpServers()).toBe(before + 2)

    await collector.stop()
    await collector.stop()

    expect(tcpServers()).toBe(before)
    await expect(fetch(`${collector.endpoint}/v1/traces`, { method: 'POST' })).rejects.toThrow()
    agent.destroy()
  })

  test('refuses limits that are not positive integers', async () => {
    await expect(startCollector({ maxBodyBytes: -1 })).rejects.toThrow(
      'startCollector: maxBodyBytes must be a positive integer, got -1. Please pass a number of bytes above 0.')
    await expect(startCollector({ requestTimeoutMs: 1.5 })).rejects.toThrow('requestTimeoutMs must be a positive integer')
  })
})
