import { Buffer } from 'node:buffer'
import { existsSync, readFileSync } from 'node:fs'
import http2 from 'node:http2'
import net from 'node:net'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import grpc from '@grpc/grpc-js'
import fc from 'fast-check'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { OtlpDecodeError } from 'tracewright'
import type { CapturedLog, CapturedSpan } from 'tracewright'
import { decodeLogsRequest } from '../../src/collector/otlp/decode-logs.js'
import { decodeTraceRequest } from '../../src/collector/otlp/decode-traces.js'
import { ingestExport } from '../../src/collector/otlp/ingest-export.js'
import { otlpTypes } from '../../src/collector/otlp/otlp-schema.js'
import { startCollector, type Collector } from '../../src/collector/start-collector.js'
import { TraceStore } from '../../src/collector/trace-store.js'
import { envInt, forEachLimited, reportFigures, sampleMemory } from './helpers.js'
import {
  deflateBomb, encodeTraces, fuzzBody, fuzzHttpRequest, gzipBomb, rawHttpBytes, type Encoding, type FuzzBody, type Signal,
} from './otlp-inputs.js'

/*
 * Property-based fuzzing of the OTLP receivers. Every malformed input must get a 4xx (gRPC:
 * INVALID_ARGUMENT or RESOURCE_EXHAUSTED) with a reason, or, when it happens to be a well-formed
 * request (an empty protobuf body is an empty request), a well-formed 200 that stores exactly what
 * the body holds; never a 5xx, a crash or a hang. Most inputs go straight to the decoder, a good
 * share over real sockets while valid exports run alongside and must all arrive whole.
 *
 * Sizes: TRACEWRIGHT_FUZZ_INPUTS (default 10,000) inputs to the decoder, plus 30 % of that over
 * HTTP, 10 % over gRPC and 3 % as raw bytes on TCP. TRACEWRIGHT_FUZZ_SEED replays a run.
 */

const INPUTS = envInt('TRACEWRIGHT_FUZZ_INPUTS', 10_000)
const SEED = envInt('TRACEWRIGHT_FUZZ_SEED', Math.floor(Math.random() * 2 ** 31))
const HTTP_INPUTS = Math.round(INPUTS * 0.3)
const GRPC_INPUTS = Math.round(INPUTS * 0.1)
const RAW_INPUTS = Math.round(INPUTS * 0.03)

const LIMITS = { maxBodyBytes: 1024 * 1024, maxDecompressedBytes: 4 * 1024 * 1024, requestTimeoutMs: 1_000 } as const
/** What a request may take before the test calls it a hang: the receiver's own limit plus slack. */
const HANG_MS = 10_000

const replay = `(seed ${SEED}: rerun with TRACEWRIGHT_FUZZ_SEED=${SEED})`

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export'
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export'

/** JSON text of a span or log as stored, for comparing what arrived with what was expected. */
function serialize(value: CapturedSpan | CapturedLog): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
}

/** What a successful decode of `body` would store: the oracle for "nothing stored wrongly". */
function expectedItems(signal: Signal, body: Uint8Array, encoding: Encoding): { spans: CapturedSpan[]; logs: CapturedLog[] } {
  if (signal === 'traces') return { spans: decodeTraceRequest(body, encoding).spans, logs: [] }
  return { spans: [], logs: decodeLogsRequest(body, encoding).logs }
}

/** A stored span or log record is well-formed: the store never holds something half-decoded. */
function checkStored(span: CapturedSpan): void {
  expect(span.traceId).toMatch(/^[0-9a-f]{32}$/)
  expect(span.spanId).toMatch(/^[0-9a-f]{16}$/)
  if (span.parentSpanId !== undefined) expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/)
  expect(['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']).toContain(span.kind)
  expect(['UNSET', 'OK', 'ERROR']).toContain(span.status.code)
  expect(Number.isFinite(span.durationMs) && span.durationMs >= 0).toBe(true)
  expect(typeof span.name).toBe('string')
}

/** Checks an OTLP/HTTP answer: a well-formed 200, or a 4xx whose body is a google.rpc.Status with a message. */
function checkHttpAnswer(status: number, contentType: string | undefined, body: Buffer, signal: Signal | undefined): string | undefined {
  const encoding = contentType === 'application/json' ? 'json' : contentType === 'application/x-protobuf' ? 'protobuf' : undefined
  if (encoding === undefined) return `answer ${status} has Content-Type ${String(contentType)}`
  if (status === 200) {
    if (encoding === 'json') {
      const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      if (typeof parsed !== 'object' || parsed === null) return 'a 200 whose JSON body is not an object'
      const partial = parsed['partialSuccess'] as Record<string, unknown> | undefined
      if (partial !== undefined && typeof partial['errorMessage'] !== 'string') return 'a 200 whose partialSuccess has no errorMessage'
    } else {
      const type = signal === 'logs' ? otlpTypes.exportLogsServiceResponse : otlpTypes.exportTraceServiceResponse
      type.decode(body)
    }
    return undefined
  }
  if (status < 400 || status > 499) return `answer ${status}`
  const reason = encoding === 'json'
    ? (JSON.parse(body.toString('utf8')) as { message?: unknown }).message
    : otlpTypes.status.decode(body).toJSON()['message']
  if (typeof reason !== 'string' || reason.length < 20) return `a ${status} without a reason: ${body.toString('utf8').slice(0, 200)}`
  return undefined
}

describe('the OTLP decoder, fed directly', () => {
  test(`${INPUTS} malformed inputs: OtlpDecodeError with a reason and nothing stored, or a well-formed response`, () => {
    const tally = new Map<string, { refused: number; accepted: number }>()
    let slowest = 0
    fc.assert(fc.property(fuzzBody, (input: FuzzBody) => {
      const store = new TraceStore()
      const started = performance.now()
      let response: Uint8Array
      const counts = tally.get(input.kind) ?? { refused: 0, accepted: 0 }
      tally.set(input.kind, counts)
      try {
        response = ingestExport(store, input.signal, input.body, input.encoding)
      } catch (error) {
        counts.refused++
        expect(error).toBeInstanceOf(OtlpDecodeError)
        expect((error as Error).message).toMatch(/^Failed to decode the OTLP\/(protobuf|JSON) Export(Trace|Logs)ServiceRequest: .+\. Please send /s)
        expect(store.traceIds()).toEqual([])
        return
      } finally {
        slowest = Math.max(slowest, performance.now() - started)
      }
      counts.accepted++
      if (input.encoding === 'json') expect(typeof JSON.parse(Buffer.from(response).toString('utf8'))).toBe('object')
      else (input.signal === 'traces' ? otlpTypes.exportTraceServiceResponse : otlpTypes.exportLogsServiceResponse).decode(response)
      for (const traceId of store.traceIds()) {
        expect(traceId).toMatch(/^[0-9a-f]{32}$/)
        for (const span of store.spans(traceId)) checkStored(span)
      }
    }), { numRuns: INPUTS, seed: SEED, endOnFailure: false })
    const refused = [...tally.values()].reduce((n, c) => n + c.refused, 0)
    reportFigures('decoder fuzz', {
      inputs: INPUTS, refused, accepted: INPUTS - refused, slowestMs: slowest, seed: SEED,
      kinds: [...tally].map(([kind, c]) => `${kind.replace(/ /g, '-')}:${c.refused}/${c.refused + c.accepted}`).join(','),
    })
  }, 120_000)
})

describe('the OTLP/HTTP and gRPC receivers, over sockets, with valid traffic alongside', () => {
  let collector: Collector
  let httpPool: Pool
  let grpcClient: grpc.Client
  let grpcGzipClient: grpc.Client
  let memory: ReturnType<typeof sampleMemory>
  /** What must be in the store at the end: key `traceId/spanId` → acceptable serialized spans. */
  const expectedSpans = new Map<string, Set<string>>()
  const expectedLogs = new Map<string, string[]>()
  const valid = { sent: 0, spans: 0, failures: [] as string[], running: true, done: Promise.resolve() }
  const figures: Record<string, number> = {}

  const expect200 = (signal: Signal, body: Uint8Array, encoding: Encoding): void => {
    const { spans, logs } = expectedItems(signal, body, encoding)
    for (const span of spans) {
      const key = `${span.traceId}/${span.spanId}`
      const set = expectedSpans.get(key) ?? new Set()
      set.add(serialize(span))
      expectedSpans.set(key, set)
    }
    for (const log of logs) expectedLogs.set(log.traceId, [...expectedLogs.get(log.traceId) ?? [], serialize(log)])
  }

  /** Valid exports over every transport, one every few ms, until told to stop; each must get 200. */
  const sendValidTraffic = async (): Promise<void> => {
    for (let i = 0; valid.running; i++) {
      const traceId = Buffer.from(`f00d${String(i).padStart(12, '0')}${'0'.repeat(15)}1`, 'hex')
      const spans = Array.from({ length: 5 }, (_, s) => ({
        traceId, spanId: Buffer.from(`${String(i).padStart(12, '0')}000${s + 1}`, 'hex'),
        parentSpanId: s === 0 ? new Uint8Array(0) : Buffer.from(`${String(i).padStart(12, '0')}0001`, 'hex'),
        name: `valid ${i}.${s}`, kind: 2, startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), endTimeUnixNano: 1_700_000_000_005_000_000n + BigInt(i),
        attributes: [{ key: 'i', value: { intValue: String(i) } }], events: [],
      }))
      const transport = i % 3
      const encoding: Encoding = transport === 1 ? 'json' : 'protobuf'
      const body = encodeTraces(spans, encoding)
      try {
        if (transport === 2) {
          await grpcCall(grpcClient, TRACE_EXPORT, body)
        } else {
          const res = await httpPool.request({
            path: '/v1/traces', method: 'POST', body,
            headers: { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' },
            headersTimeout: HANG_MS, bodyTimeout: HANG_MS,
          })
          const text = await res.body.text()
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${text}`)
        }
        expect200('traces', body, encoding)
        valid.sent++
        valid.spans += spans.length
      } catch (error) {
        valid.failures.push(`valid export ${i} over ${['HTTP protobuf', 'HTTP JSON', 'gRPC'][transport]}: ${(error as Error).message}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 3))
    }
  }

  beforeAll(async () => {
    collector = await startCollector({ ...LIMITS, maxTraces: 1_000_000 })
    httpPool = new Pool(collector.endpoint, { connections: 16 })
    const host = new URL(collector.grpcEndpoint).host
    grpcClient = new grpc.Client(host, grpc.credentials.createInsecure())
    grpcGzipClient = new grpc.Client(host, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip })
    memory = sampleMemory()
    valid.done = sendValidTraffic()
  })

  afterAll(async () => {
    valid.running = false
    await valid.done
    grpcClient?.close()
    grpcGzipClient?.close()
    await httpPool?.destroy()
    await collector?.stop()
  })

  test.skipIf(!existsSync('/proc/net/tcp'))('both receivers listen on 127.0.0.1 only (read from the kernel\'s socket table)', () => {
    const ports = [collector.endpoint, collector.grpcEndpoint].map((url) => Number(new URL(url).port))
    const listening = listeningAddresses()
    for (const port of ports) expect(listening.get(port)).toEqual(['127.0.0.1'])
  })

  test(`${HTTP_INPUTS} fuzzed HTTP requests over keep-alive connections: 4xx with a reason or a well-formed 200`, async () => {
    const inputs = fc.sample(fuzzHttpRequest, { numRuns: HTTP_INPUTS, seed: SEED })
    const problems: string[] = []
    const statuses = new Map<number, number>()
    await forEachLimited(inputs, 16, async (input, index) => {
      try {
        const res = await httpPool.request({
          path: input.path, method: input.method, headers: input.headers,
          body: input.method === 'GET' ? null : input.body,
          headersTimeout: HANG_MS, bodyTimeout: HANG_MS,
        })
        const body = Buffer.from(await res.body.arrayBuffer())
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        const path = input.path.split('?', 1)[0]
        const signal = path === '/v1/traces' ? 'traces' : path === '/v1/logs' ? 'logs' : undefined
        const problem = checkHttpAnswer(res.statusCode, res.headers['content-type'] as string | undefined, body, signal)
        if (problem !== undefined) problems.push(`input ${index} (${input.kind}, ${input.method} ${input.path} ${JSON.stringify(input.headers)}): ${problem}`)
        if (res.statusCode === 200 && signal !== undefined) {
          const mediaType = (input.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase()
          const encoding: Encoding = mediaType === 'application/json' ? 'json' : 'protobuf'
          const coding = (input.headers['content-encoding'] ?? '').trim().toLowerCase()
          const raw = Buffer.from(input.body)
          const inflated = coding === 'gzip' || coding === 'x-gzip' ? zlib.gunzipSync(raw)
            : coding === 'deflate' ? (() => { try { return zlib.inflateSync(raw) } catch { return zlib.inflateRawSync(raw) } })()
              : raw
          expect200(signal, inflated, encoding)
        }
      } catch (error) {
        problems.push(`input ${index} (${input.kind}, ${input.method} ${input.path}): ${(error as Error).message}`)
      }
    })
    figures['httpInputs'] = inputs.length
    figures['http200'] = statuses.get(200) ?? 0
    reportFigures('HTTP fuzz', { inputs: inputs.length, statuses: [...statuses].sort().map(([s, n]) => `${s}:${n}`).join(','), seed: SEED })
    expect(problems, replay).toEqual([])
  }, 120_000)

  test(`${GRPC_INPUTS} fuzzed gRPC messages, plain and gzip: INVALID_ARGUMENT/RESOURCE_EXHAUSTED with a reason or a well-formed OK`, async () => {
    const inputs = fc.sample(fuzzBody.filter((input) => input.encoding === 'protobuf'), { numRuns: GRPC_INPUTS, seed: SEED })
    const problems: string[] = []
    const codes = new Map<number, number>()
    await forEachLimited(inputs, 16, async (input, index) => {
      const client = index % 2 === 0 ? grpcClient : grpcGzipClient
      try {
        const response = await grpcCall(client, input.signal === 'traces' ? TRACE_EXPORT : LOGS_EXPORT, input.body)
        codes.set(0, (codes.get(0) ?? 0) + 1);
        (input.signal === 'traces' ? otlpTypes.exportTraceServiceResponse : otlpTypes.exportLogsServiceResponse).decode(response)
        expect200(input.signal, input.body, 'protobuf')
      } catch (error) {
        const { code, details } = error as grpc.ServiceError
        codes.set(code, (codes.get(code) ?? 0) + 1)
        if (code !== grpc.status.INVALID_ARGUMENT && code !== grpc.status.RESOURCE_EXHAUSTED) {
          problems.push(`input ${index} (${input.kind}): status ${code} ${details}`)
        } else if (typeof details !== 'string' || details.length < 20) {
          problems.push(`input ${index} (${input.kind}): status ${code} without a reason`)
        }
      }
    })
    figures['grpcInputs'] = inputs.length
    reportFigures('gRPC fuzz', { inputs: inputs.length, codes: [...codes].sort().map(([c, n]) => `${grpc.status[c]}:${n}`).join(','), seed: SEED })
    expect(problems, replay).toEqual([])
  }, 120_000)

  test(`${RAW_INPUTS} raw byte streams on TCP: every connection answered (4xx with a reason, or 200 when the bytes form a valid export), none left hanging`, async () => {
    const inputs = fc.sample(rawHttpBytes, { numRuns: RAW_INPUTS, seed: SEED })
    const { port } = new URL(collector.endpoint)
    const problems: string[] = []
    const statuses = new Map<string, number>()
    let slowest = 0
    await forEachLimited(inputs, 64, async (input, index) => {
      const started = performance.now()
      const answer = await rawExchange(Number(port), input.bytes, HANG_MS)
      slowest = Math.max(slowest, performance.now() - started)
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? 'none'
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      const headerEnd = answer.indexOf('\r\n\r\n')
      const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(answer.slice(0, headerEnd))?.[1]
      const problem = /^(200|4\d\d)$/.test(status)
        ? checkHttpAnswer(Number(status), contentType, Buffer.from(answer.slice(headerEnd + 4), 'latin1'), 'traces')
        : 'no 200 or 4xx answer'
      if (problem !== undefined) problems.push(`input ${index} (${input.kind}): ${problem}: ${JSON.stringify(answer.slice(0, 300))}`)
    })
    reportFigures('raw TCP fuzz', { inputs: inputs.length, statuses: [...statuses].sort().map(([s, n]) => `${s}:${n}`).join(','), slowestMs: slowest, seed: SEED })
    expect(problems, replay).toEqual([])
  }, 120_000)

  test('a gzip and a deflate bomb (512 MiB each) over HTTP, and a gzip bomb over gRPC, are refused without inflating', async () => {
    const gzip = gzipBomb(512)
    const deflate = deflateBomb(512)
    const started = sampleMemory()
    const answers = await Promise.all([
      httpPool.request({ path: '/v1/traces', method: 'POST', body: gzip, headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' } }),
      httpPool.request({ path: '/v1/traces', method: 'POST', body: deflate, headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' } }),
    ])
    const bodies = await Promise.all(answers.map((a) => a.body.arrayBuffer()))
    const grpcAnswer = await rawGrpcCall(collector.grpcEndpoint, { 'grpc-encoding': 'gzip' }, grpcFrame(1, gzip))
    const { peakGrowthMiB } = started.stop()

    expect(answers.map((a) => a.statusCode)).toEqual([413, 413])
    expect(otlpTypes.status.decode(new Uint8Array(bodies[0] as ArrayBuffer)).toJSON()['message']).toContain('inflates to more than maxDecompressedBytes (4194304 bytes)')
    expect(JSON.parse(Buffer.from(bodies[1] as ArrayBuffer).toString()).message).toContain('raise maxDecompressedBytes')
    expect(grpcAnswer.status).toBe(String(grpc.status.RESOURCE_EXHAUSTED))
    expect(grpcAnswer.message).toMatch(/decompresses to a size larger than 4194304/)
    // 1.5 GiB would have been inflated; the process grew by no more than a few limits' worth.
    expect(peakGrowthMiB).toBeLessThan(128)
    reportFigures('decompression bombs', { bombs: 3, inflatedMiBEach: 512, compressedKiB: Math.round(gzip.length / 1024), peakGrowthMiB })
  }, 60_000)

  test('a body over maxBodyBytes gets 413, whether declared in Content-Length or streamed chunked', async () => {
    const declared = await httpPool.request({ path: '/v1/traces', method: 'POST', body: Buffer.alloc(LIMITS.maxBodyBytes + 1), headers: { 'content-type': 'application/x-protobuf' } })
    const streamed = await httpPool.request({
      path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' },
      body: Readable.from((function* chunks() {
        for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, 0x20)
      })()),
    })
    const declaredBody = JSON.stringify(otlpTypes.status.decode(new Uint8Array(await declared.body.arrayBuffer())).toJSON())
    const streamedBody = await streamed.body.text()

    expect([declared.statusCode, streamed.statusCode]).toEqual([413, 413])
    expect(declaredBody).toContain('more than maxBodyBytes (1048576)')
    expect(streamedBody).toContain('more than maxBodyBytes (1048576)')
  })

  test('a client that stops sending mid-body or mid-headers gets 408 within requestTimeoutMs, and the connection is closed', async () => {
    const { port } = new URL(collector.endpoint)
    const t0 = performance.now()
    const [midBody, midHeaders, nothing] = await Promise.all([
      rawExchange(Number(port), Buffer.from('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resourceSp'), HANG_MS),
      rawExchange(Number(port), Buffer.from('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Ty'), HANG_MS),
      rawExchange(Number(port), Buffer.alloc(0), HANG_MS),
    ])
    const elapsed = performance.now() - t0

    expect(midBody).toMatch(/^HTTP\/1\.1 408 .*requestTimeoutMs/s)
    expect(midHeaders).toMatch(/^HTTP\/1\.1 408 .*requestTimeoutMs/s)
    expect(nothing).toMatch(/^HTTP\/1\.1 408 /)
    // requestTimeoutMs, plus at most one check of Node's header timer (1 s here).
    expect(elapsed).toBeLessThan(LIMITS.requestTimeoutMs + 1_000 + 1_000)
  })

  test('gRPC: a call that stops mid-message ends with DEADLINE_EXCEEDED; a message that does not inflate, with INVALID_ARGUMENT', async () => {
    const t0 = performance.now()
    const [stalled, notGzip, unknownCoding, wrongType] = await Promise.all([
      rawGrpcCall(collector.grpcEndpoint, {}, grpcFrame(0, Buffer.from([0x0a, 0x05, 0x12, 0x03])).subarray(0, 6), false),
      rawGrpcCall(collector.grpcEndpoint, { 'grpc-encoding': 'gzip' }, grpcFrame(1, Buffer.from('not gzip at all'))),
      rawGrpcCall(collector.grpcEndpoint, { 'grpc-encoding': 'br' }, grpcFrame(1, Buffer.from('x'))),
      rawGrpcCall(collector.grpcEndpoint, { 'content-type': 'text/plain' }, grpcFrame(0, Buffer.alloc(0))),
    ])

    expect(stalled).toMatchObject({ status: String(grpc.status.DEADLINE_EXCEEDED), message: expect.stringContaining('did not arrive within requestTimeoutMs (1000 ms)') })
    expect(stalled.ms).toBeLessThan(LIMITS.requestTimeoutMs + 2_000)
    expect(notGzip).toMatchObject({ status: String(grpc.status.INVALID_ARGUMENT), message: expect.stringContaining('does not inflate') })
    expect(unknownCoding).toMatchObject({ status: String(grpc.status.UNIMPLEMENTED), message: expect.stringContaining('unsupported encoding "br"') })
    expect(wrongType.httpStatus).toBe(415)
    expect(performance.now() - t0).toBeLessThan(HANG_MS)
  })

  test('valid exports sent meanwhile (HTTP protobuf, HTTP JSON, gRPC) all arrived whole; nothing else was stored; memory stayed bounded', async () => {
    valid.running = false
    await valid.done
    // The receiver is still up and answers a fresh export on both transports.
    const probe = encodeTraces([{
      traceId: Buffer.alloc(16, 0xee), spanId: Buffer.alloc(8, 0xee), parentSpanId: new Uint8Array(0), name: 'after', kind: 1,
      startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: [], events: [],
    }], 'protobuf')
    const res = await httpPool.request({ path: '/v1/traces', method: 'POST', body: probe, headers: { 'content-type': 'application/x-protobuf' } })
    await res.body.dump()
    expect(res.statusCode).toBe(200)
    await grpcCall(grpcClient, TRACE_EXPORT, probe)
    expect200('traces', probe, 'protobuf')

    const { store } = collector
    const missing: string[] = []
    const wrong: string[] = []
    let stored = 0
    for (const [key, acceptable] of expectedSpans) {
      const [traceId, spanId] = key.split('/') as [string, string]
      const span = store.spans(traceId).find((s) => s.spanId === spanId)
      if (span === undefined) missing.push(key)
      else if (!acceptable.has(serialize(span))) wrong.push(key)
    }
    for (const traceId of store.traceIds()) {
      for (const span of store.spans(traceId)) {
        stored++
        if (!expectedSpans.has(`${traceId}/${span.spanId}`)) wrong.push(`unexpected ${traceId}/${span.spanId}`)
      }
      const logs = store.logs(traceId).map(serialize).sort()
      expect(logs).toEqual([...expectedLogs.get(traceId) ?? []].sort())
    }
    for (const traceId of expectedLogs.keys()) expect(store.logs(traceId)).toHaveLength(expectedLogs.get(traceId)?.length ?? 0)
    const { peakGrowthMiB } = memory.stop()
    reportFigures('valid traffic alongside the fuzz', {
      exports: valid.sent, spans: valid.spans, failed: valid.failures.length, spansStored: stored, missing: missing.length, wrong: wrong.length,
      evicted: store.evictedTraceCount, peakRssGrowthMiB: peakGrowthMiB,
    })

    expect(valid.failures).toEqual([])
    expect(valid.sent).toBeGreaterThan(10)
    expect(missing).toEqual([])
    expect(wrong).toEqual([])
    expect(store.evictedTraceCount).toBe(0)
    expect(peakGrowthMiB).toBeLessThan(512)
  })
})

/** Local addresses of the listening TCP sockets, by port, from /proc/net/tcp and tcp6 (no traffic sent). */
function listeningAddresses(): Map<number, string[]> {
  const byPort = new Map<number, string[]>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (state !== '0A' || local === undefined) continue
      const [hex, portHex] = local.split(':') as [string, string]
      const address = hex.length === 8
        ? [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.')
        : hex === '0'.repeat(32) ? '::' : hex === '00000000000000000000000001000000' ? '::1' : `ipv6:${hex}`
      const port = parseInt(portHex, 16)
      byPort.set(port, [...byPort.get(port) ?? [], address])
    }
  }
  return byPort
}

/** A unary gRPC call with raw bytes both ways. */
function grpcCall(client: grpc.Client, path: string, body: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, (bytes: Uint8Array) => Buffer.from(bytes), (bytes: Buffer) => bytes, body,
      { deadline: Date.now() + HANG_MS }, (error, response) => {
        if (error !== null) reject(error)
        else resolve(response ?? Buffer.alloc(0))
      })
  })
}

/** A gRPC length-prefixed message frame. */
function grpcFrame(compressed: 0 | 1, payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + payload.length)
  frame[0] = compressed
  frame.writeUInt32BE(payload.length, 1)
  Buffer.from(payload).copy(frame, 5)
  return frame
}

/**
 * A gRPC call made by hand over HTTP/2, for what grpc-js clients never send (a frame that stops
 * half-way, a bad compressed flag): resolves with the HTTP status, grpc-status and grpc-message.
 */
function rawGrpcCall(endpoint: string, headers: Record<string, string>, body: Uint8Array, end = true): Promise<{ httpStatus: number; status?: string; message?: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const session = http2.connect(endpoint)
    session.on('error', reject)
    const request = session.request({
      ':method': 'POST', ':path': TRACE_EXPORT, 'content-type': 'application/grpc', te: 'trailers', ...headers,
    })
    let fields: http2.IncomingHttpHeaders = {}
    const finish = (): void => {
      request.close()
      session.close()
      const message = fields['grpc-message']
      resolve({
        httpStatus: Number(fields[':status']),
        ...(fields['grpc-status'] === undefined ? {} : { status: String(fields['grpc-status']) }),
        ...(typeof message === 'string' ? { message: decodeURIComponent(message) } : {}),
        ms: performance.now() - started,
      })
    }
    request.on('response', (h) => {
      fields = { ...h }
      // A trailers-only answer carries the status in the headers.
      if (h['grpc-status'] !== undefined || Number(h[':status']) !== 200) finish()
    })
    request.on('trailers', (t) => {
      fields = { ...fields, ...t }
      finish()
    })
    request.on('data', () => {})
    request.on('error', () => {})
    if (end) request.end(body)
    else request.write(body)
  })
}

/**
 * Writes `bytes` on a fresh TCP connection and reads until one whole HTTP response (headers and
 * Content-Length body) has arrived, or the server closes; rejects after `timeoutMs` (a hang).
 */
function rawExchange(port: number, bytes: Uint8Array, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      // Only the first response: bytes after a complete request are parsed as a second one.
      const text = received.toString('latin1')
      const headerEnd = text.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, headerEnd))
      resolve(headerEnd === -1 || length === null ? text : text.slice(0, headerEnd + 4 + Number(length[1])))
    }
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer within ${timeoutMs} ms; received ${JSON.stringify(received.toString('latin1').slice(0, 120))}`))
    }, timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const text = received.toString('latin1')
      const headerEnd = text.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, Math.max(0, headerEnd)))
      if (headerEnd !== -1 && length !== null && received.length >= headerEnd + 4 + Number(length[1])) done()
    })
    socket.on('error', () => {})
    socket.on('close', done)
    if (bytes.length > 0) socket.write(bytes)
  })
}
