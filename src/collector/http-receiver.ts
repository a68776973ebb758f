import { Buffer } from 'node:buffer'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { OtlpDecodeError } from '../errors.js'
import { encodeStatus, GRPC_STATUS, type OtlpSignal } from './otlp/encode-response.js'
import type { OtlpEncoding } from './otlp/export-request.js'
import { ingestExport } from './otlp/ingest-export.js'
import type { TraceStore } from './trace-store.js'

/**
 * Limits and destination of an {@link startHttpReceiver} receiver. `startCollector` fills in the
 * defaults.
 *
 * @example
 * ```ts
 * const options: HttpReceiverOptions = { store, maxBodyBytes: 16 << 20, maxDecompressedBytes: 64 << 20, requestTimeoutMs: 10_000 }
 * ```
 */
export interface HttpReceiverOptions {
  readonly store: TraceStore
  /** Largest request body accepted as sent (compressed or not); larger gets 413. */
  readonly maxBodyBytes: number
  /** Largest body accepted once decompressed; larger gets 413, and inflating stops there. */
  readonly maxDecompressedBytes: number
  /** Time a request may take to arrive in full; slower gets 408 and its connection closed. */
  readonly requestTimeoutMs: number
  /** Address to bind. Default `127.0.0.1`; anything else only on the user's explicit request (see {@link CollectorOptions.host}). */
  readonly host?: string
  /** Port to bind. Default 0: an ephemeral one. */
  readonly port?: number
}

/**
 * A running OTLP/HTTP receiver.
 *
 * @example
 * ```ts
 * const receiver: HttpReceiver = await startHttpReceiver(options)
 * await receiver.close()
 * ```
 */
export interface HttpReceiver {
  /** `http://127.0.0.1:PORT`, the value for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string
  /** Stops listening and closes every connection, idle or not. */
  close(): Promise<void>
}

const SIGNAL_BY_PATH: ReadonlyMap<string, OtlpSignal> = new Map([['/v1/traces', 'traces'], ['/v1/logs', 'logs']])

const ENCODING_BY_MEDIA_TYPE: ReadonlyMap<string, OtlpEncoding> = new Map([
  ['application/x-protobuf', 'protobuf'],
  ['application/protobuf', 'protobuf'],
  ['application/json', 'json'],
])

const MEDIA_TYPE_BY_ENCODING: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
}

/** Connections kept open between exports; longer than the exporters' own idle time, so they close first. */
const KEEP_ALIVE_MS = 65_000

const gunzip = promisify(zlib.gunzip)
const inflate = promisify(zlib.inflate)
const inflateRaw = promisify(zlib.inflateRaw)

/** Why a request is refused: the HTTP status, the google.rpc code and a message naming the fix. */
class Refusal extends Error {
  readonly status: number
  readonly code: number
  /** The rest of the body may still be on the wire, so the connection cannot be reused. */
  readonly closeConnection: boolean

  constructor(status: number, code: number, message: string, closeConnection = false) {
    super(message)
    this.status = status
    this.code = code
    this.closeConnection = closeConnection
  }
}

/**
 * Starts an OTLP/HTTP receiver on 127.0.0.1 and an ephemeral port: `POST /v1/traces` and
 * `POST /v1/logs`, protobuf or JSON, gzip/deflate/identity, answered as the OTLP specification
 * says (200 with an `Export*ServiceResponse` in the request's encoding, 400 with a
 * `google.rpc.Status` for a malformed body, 413/415/404/405/408 otherwise).
 *
 * @example
 * ```ts
 * const receiver = await startHttpReceiver({ store, maxBodyBytes: 16 << 20, maxDecompressedBytes: 64 << 20, requestTimeoutMs: 10_000 })
 * process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint
 * await receiver.close()
 * ```
 */
export async function startHttpReceiver(options: HttpReceiverOptions): Promise<HttpReceiver> {
  // The response in flight on each socket: a parse error in the middle of its request (a broken
  // chunked body) is answered on the socket only while that response has written nothing.
  const inFlight = new WeakMap<Duplex, http.ServerResponse>()
  const server = http.createServer({
    keepAliveTimeout: KEEP_ALIVE_MS,
    // Node's own limits bound the headers (the per-request timer below starts once they are in);
    // it checks them every connectionsCheckingInterval, 30 s unless told otherwise.
    headersTimeout: options.requestTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, options.requestTimeoutMs),
    // Node would answer a request without Host with an empty 400; OTLP has no use for the header.
    requireHostHeader: false,
  }, (request, response) => {
    inFlight.set(request.socket, response)
    response.once('close', () => inFlight.delete(request.socket))
    receive(request, response, options).catch(() => response.destroy())
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET') socket.destroy()
    else refuseRaw(socket, inFlight.get(socket)?.headersSent === true, ...unparsableRefusal(error))
  })
  // Without these listeners Node answers an unknown Expect with an empty 417 and drops a CONNECT.
  server.on('checkExpectation', (request: http.IncomingMessage, response: http.ServerResponse) => {
    reply(response, 417, 'json', encodeStatus('json', GRPC_STATUS.INVALID_ARGUMENT,
      `Failed to export: Expect "${request.headers.expect ?? ''}" is not supported. Please send the request without it, or with Expect: 100-continue.`), true)
  })
  server.on('connect', (_request: http.IncomingMessage, socket: Duplex) => {
    refuseRaw(socket, false, 405, 'Method Not Allowed', GRPC_STATUS.UNIMPLEMENTED, 'CONNECT is not supported. Please POST the export request.')
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch((error: unknown) => {
    throw new Error(`Failed to start the OTLP/HTTP receiver on ${host}: ${(error as Error).message}`, { cause: error })
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    endpoint: endpointUrl(host, port),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

async function receive(request: http.IncomingMessage, response: http.ServerResponse, options: HttpReceiverOptions): Promise<void> {
  const encoding = ENCODING_BY_MEDIA_TYPE.get(mediaType(request.headers['content-type']))
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), options.requestTimeoutMs)
  try {
    const signal = checkRequest(request, encoding, options)
    const body = await readBody(request, options.maxBodyBytes, deadline.signal)
    const decoded = await decompress(body, contentCoding(request.headers['content-encoding']), options.maxDecompressedBytes)
    reply(response, 200, encoding ?? 'json', ingestExport(options.store, signal, decoded, encoding ?? 'json'))
  } catch (error) {
    const refusal = error instanceof Refusal ? error
      : error instanceof OtlpDecodeError ? new Refusal(400, GRPC_STATUS.INVALID_ARGUMENT, error.message)
        : new Refusal(500, GRPC_STATUS.INTERNAL, `Failed to store the export: ${(error as Error).message}`)
    reply(response, refusal.status, encoding ?? 'json', encodeStatus(encoding ?? 'json', refusal.code, refusal.message), refusal.closeConnection)
  } finally {
    clearTimeout(timer)
  }
}

/** The signal of an acceptable request; a {@link Refusal} for anything to refuse before reading the body. */
function checkRequest(request: http.IncomingMessage, encoding: OtlpEncoding | undefined, options: HttpReceiverOptions): OtlpSignal {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/'
  const signal = SIGNAL_BY_PATH.get(path)
  if (signal === undefined) {
    throw new Refusal(404, GRPC_STATUS.NOT_FOUND,
      `Failed to export: there is no OTLP endpoint at ${path}. Please send traces to /v1/traces and logs to /v1/logs.`, true)
  }
  if (request.method !== 'POST') {
    throw new Refusal(405, GRPC_STATUS.UNIMPLEMENTED, `Failed to export: ${path} takes POST, not ${request.method ?? '?'}. Please POST the export request.`, true)
  }
  if (encoding === undefined) {
    throw new Refusal(415, GRPC_STATUS.INVALID_ARGUMENT,
      `Failed to export: Content-Type "${request.headers['content-type'] ?? ''}" is not supported. ` +
      'Please send application/x-protobuf or application/json.', true)
  }
  if (contentCoding(request.headers['content-encoding']) === undefined) {
    throw new Refusal(415, GRPC_STATUS.INVALID_ARGUMENT,
      `Failed to export: Content-Encoding "${request.headers['content-encoding'] ?? ''}" is not supported. ` +
      'Please send gzip, deflate or an uncompressed body.', true)
  }
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > options.maxBodyBytes) throw tooLarge(declared, options.maxBodyBytes, 'maxBodyBytes')
  return signal
}

/** The body as sent, refused as soon as it passes `limit` or the deadline passes. */
function readBody(request: http.IncomingMessage, limit: number, deadline: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (error: Error | undefined): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      deadline.removeEventListener('abort', onDeadline)
      if (error === undefined) resolve(Buffer.concat(chunks, size))
      else reject(error)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) finish(tooLarge(size, limit, 'maxBodyBytes'))
      else chunks.push(chunk)
    }
    const onEnd = (): void => finish(undefined)
    const onError = (error: Error): void => finish(error)
    const onClose = (): void => finish(new Error('the client closed the connection before the body was complete'))
    const onDeadline = (): void => finish(new Refusal(408, GRPC_STATUS.UNAVAILABLE,
      'Failed to export: the request body did not arrive within requestTimeoutMs. Please send smaller batches or raise requestTimeoutMs.', true))
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
    deadline.addEventListener('abort', onDeadline)
  })
}

type ContentCoding = 'gzip' | 'deflate' | 'identity'

function contentCoding(header: string | undefined): ContentCoding | undefined {
  const coding = (header ?? '').trim().toLowerCase()
  if (coding === '' || coding === 'identity') return 'identity'
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip'
  if (coding === 'deflate') return 'deflate'
  return undefined
}

/** Inflates with an output cap, so a small compressed body cannot expand without bound. */
async function decompress(body: Buffer, coding: ContentCoding | undefined, limit: number): Promise<Buffer> {
  if (coding === 'identity' || coding === undefined) {
    if (body.length > limit) throw tooLarge(body.length, limit, 'maxDecompressedBytes')
    return body
  }
  const cap = { maxOutputLength: limit }
  try {
    if (coding === 'gzip') return await gunzip(body, cap)
    // "deflate" means zlib-wrapped, but some senders send the raw stream.
    return await inflate(body, cap).catch((error: unknown) =>
      (error as { code?: string }).code === 'Z_DATA_ERROR' ? inflateRaw(body, cap) : Promise.reject(error))
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Refusal(413, GRPC_STATUS.RESOURCE_EXHAUSTED,
        `Failed to export: the ${coding} body inflates to more than maxDecompressedBytes (${limit} bytes). ` +
        'Please send smaller batches or raise maxDecompressedBytes.')
    }
    throw new Refusal(400, GRPC_STATUS.INVALID_ARGUMENT,
      `Failed to decompress the ${coding} body: ${(error as Error).message}. Please send a valid ${coding} stream or drop Content-Encoding.`)
  }
}

function tooLarge(size: number, limit: number, option: string): Refusal {
  return new Refusal(413, GRPC_STATUS.RESOURCE_EXHAUSTED,
    `Failed to export: the body has ${size} bytes, more than ${option} (${limit}). Please send smaller batches or raise ${option}.`, true)
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? ''
}

/** The status, reason phrase, google.rpc code and explanation for a request Node's parser refused. */
function unparsableRefusal(error: NodeJS.ErrnoException): [number, string, number, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'Request Header Fields Too Large', GRPC_STATUS.RESOURCE_EXHAUSTED, 'the request headers are larger than the server accepts. Please send shorter headers.']
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'Request Timeout', GRPC_STATUS.UNAVAILABLE,
      'the request headers did not arrive within requestTimeoutMs. Please send the whole request promptly or raise requestTimeoutMs.']
  }
  return [400, 'Bad Request', GRPC_STATUS.INVALID_ARGUMENT,
    `the bytes received are not a well-formed HTTP/1.1 request (${error.code ?? 'parse error'}: ${error.message}). Please send a well-formed HTTP POST.`]
}

/**
 * Answers on the bare socket, where there is no usable ServerResponse (Node's parser refused the
 * bytes, or a CONNECT), the way Node would but with a JSON google.rpc.Status body saying why, then
 * closes the connection. When a response on the socket has already begun, it only closes it.
 */
function refuseRaw(socket: Duplex, responseBegun: boolean, status: number, reason: string, code: number, message: string): void {
  if (responseBegun || !socket.writable) {
    socket.destroy()
    return
  }
  const body = Buffer.from(encodeStatus('json', code, `Failed to export: ${message}`))
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n${body.toString('utf8')}`)
  // A client that never reads the answer must not keep the socket open.
  setTimeout(() => socket.destroy(), 1_000).unref()
}

function reply(response: http.ServerResponse, status: number, encoding: OtlpEncoding, body: Uint8Array, closeConnection = false): void {
  // The socket may already carry a raw refusal (a parse error in the middle of the body).
  if (response.headersSent || response.destroyed || response.socket?.writable !== true) {
    response.destroy()
    return
  }
  response.statusCode = status
  response.setHeader('Content-Type', MEDIA_TYPE_BY_ENCODING[encoding])
  response.setHeader('Content-Length', body.byteLength)
  if (status === 405) response.setHeader('Allow', 'POST')
  if (closeConnection) response.setHeader('Connection', 'close')
  response.end(body)
}

/**
 * The URL a local exporter reaches a receiver bound to `host` at: a wildcard address (every
 * interface) is reached on loopback; a named address as it is, IPv6 in brackets.
 */
export function endpointUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return `http://127.0.0.1:${port}`
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
