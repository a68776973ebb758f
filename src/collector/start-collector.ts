import type { Attributes, AttributeValue } from '../model/captured-span.js'
import { UsageError } from '../errors.js'
import type { GrpcReceiver } from './grpc-receiver.js'
import { startHttpReceiver } from './http-receiver.js'
import { startSpanChannel } from './span-channel.js'
import type { SpanChannel } from './span-channel.js'
import { storeOptions, TraceStore, type CapturedLog, type TraceStoreOptions } from './trace-store.js'

/**
 * Options of {@link startCollector}.
 *
 * @example
 * ```ts
 * const options: CollectorOptions = { maxBodyBytes: 4 << 20, grpc: false }
 * ```
 */
export interface CollectorOptions extends TraceStoreOptions {
  /**
   * Where spans and logs go. Default: a new `TraceStore` bounded by `maxSpansPerTrace` and
   * `maxTraces` (give those to the store itself when you pass one).
   */
  readonly store?: TraceStore
  /** Largest request body accepted as sent, compressed or not (HTTP 413 past it). Default 16 MiB. */
  readonly maxBodyBytes?: number
  /**
   * Largest body accepted once inflated (HTTP 413 past it), also the gRPC message limit, as sent
   * and inflated (RESOURCE_EXHAUSTED). Default 64 MiB.
   */
  readonly maxDecompressedBytes?: number
  /**
   * Time an export may take to arrive in full, headers and body: OTLP/HTTP answers 408 and closes
   * the connection, OTLP/gRPC ends the call with DEADLINE_EXCEEDED. Default 10 s.
   */
  readonly requestTimeoutMs?: number
  /** Also start the OTLP/gRPC receiver. Default true. */
  readonly grpc?: boolean
  /**
   * The address both receivers bind. Default `127.0.0.1`, reachable from this machine only. A
   * Collector on another machine or in a container (a staging stack exporting to the test run, see
   * docs/deployed.md) needs another one, e.g. `'0.0.0.0'`: the receiver then accepts spans from
   * anyone who can reach the port, without authentication or TLS. Give it only on a network you
   * trust, and only when you mean it; `allowNonLoopback: true` must be set alongside to say so.
   */
  readonly host?: string
  /** Must be true for a `host` other than a loopback address: the explicit opt-in. */
  readonly allowNonLoopback?: boolean
  /**
   * The OTLP/HTTP receiver's port. Default 0, an ephemeral one. A fixed port suits a Collector
   * whose configuration names the receiver's endpoint.
   */
  readonly port?: number
}

/**
 * A running in-memory OTLP collector.
 *
 * @example
 * ```ts
 * const collector = await startCollector()
 * spawn('node', ['server.js'], { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint } })
 * await collector.stop()
 * ```
 */
export interface Collector {
  /** OTLP/HTTP base URL, `http://127.0.0.1:PORT`; exporters append `/v1/traces` and `/v1/logs`. */
  readonly endpoint: string
  /** OTLP/gRPC URL, `http://127.0.0.1:PORT`; '' when started with `grpc: false`. */
  readonly grpcEndpoint: string
  /** Where everything received goes. */
  readonly store: TraceStore
  /**
   * The local socket on which processes running `tracewright/register` report span starts and
   * finished exports (its path goes to them in `TRACEWRIGHT_SPAN_CHANNEL`), so their traces
   * settle exactly.
   */
  readonly spanChannel: SpanChannel
  /** Closes both receivers and their connections. Safe to call more than once. */
  stop(): Promise<void>
}

const DEFAULTS = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 10_000,
} as const

/**
 * Starts an in-memory OTLP collector on 127.0.0.1: an OTLP/HTTP receiver (protobuf and JSON,
 * traces and logs) and, unless `grpc: false`, an OTLP/gRPC receiver, each on an ephemeral port.
 * Everything received lands in `store`; request sizes and times are bounded, and so is the store.
 *
 * @throws {UsageError} when a limit is not a positive integer.
 * @example
 * ```ts
 * const collector = await startCollector({ maxBodyBytes: 4 << 20 })
 * // point a service at collector.endpoint, send it a request, then:
 * collector.store.trace(traceId).toString()
 * await collector.stop()
 * ```
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const maxBodyBytes = positiveInteger(options.maxBodyBytes ?? DEFAULTS.maxBodyBytes, 'maxBodyBytes')
  const maxDecompressedBytes = positiveInteger(options.maxDecompressedBytes ?? DEFAULTS.maxDecompressedBytes, 'maxDecompressedBytes')
  const requestTimeoutMs = positiveInteger(options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs, 'requestTimeoutMs')
  if (options.store !== undefined && (options.maxSpansPerTrace !== undefined || options.maxTraces !== undefined)) {
    throw new UsageError('startCollector: maxSpansPerTrace and maxTraces bound the store the collector creates. Please pass them to `new TraceStore({ … })` when you give your own `store`.')
  }
  const host = bindAddress(options)
  const port = options.port ?? 0
  if (!(Number.isSafeInteger(port) && port >= 0 && port <= 65_535)) {
    throw new UsageError(`startCollector: port must be an integer from 0 to 65535, got ${String(options.port)}. Please pass 0 (the default) for an ephemeral port.`)
  }
  const store = options.store ?? new TraceStore(storeOptions(options))
  const http = await startHttpReceiver({ store, maxBodyBytes, maxDecompressedBytes, requestTimeoutMs, host, port })
  let grpc: GrpcReceiver | undefined
  let spanChannel: SpanChannel | undefined
  try {
    spanChannel = await startSpanChannel(store)
    if (options.grpc ?? true) {
      // Loaded only when asked for: grpc-js takes a while to import.
      const { startGrpcReceiver } = await import('./grpc-receiver.js')
      grpc = await startGrpcReceiver({ store, maxMessageBytes: maxDecompressedBytes, requestTimeoutMs, host })
    }
  } catch (error) {
    await http.close()
    await spanChannel?.close()
    throw error
  }
  const channel = spanChannel
  let stopping: Promise<void> | undefined
  return {
    endpoint: http.endpoint,
    grpcEndpoint: grpc?.endpoint ?? '',
    store,
    spanChannel: channel,
    stop() {
      stopping ??= Promise.all([http.close(), grpc?.close(), channel.close()]).then(afterClosePhase)
      return stopping
    },
  }
}

/**
 * Resolves once the event loop has run its close phase: a server's handle is released there, just
 * after `close()` reports, and `stop()` promises that no handle is left when it resolves.
 */
function afterClosePhase(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/

/** The receivers' address: loopback unless the user asked for another one and said they mean it. */
function bindAddress(options: CollectorOptions): string {
  const host = options.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '') {
    throw new UsageError(`startCollector: host must be an address to bind, e.g. '127.0.0.1', got ${JSON.stringify(host)}.`)
  }
  if (!LOOPBACK.test(host) && options.allowNonLoopback !== true) {
    throw new UsageError(
      `startCollector: host ${JSON.stringify(host)} is not a loopback address: the receiver would accept spans from the network, without authentication. ` +
        'Please pass allowNonLoopback: true as well if you mean it (see docs/deployed.md), or leave host out to bind 127.0.0.1.',
    )
  }
  return host
}

function positiveInteger(value: number, option: string): number {
  if (Number.isSafeInteger(value) && value > 0) return value
  throw new UsageError(`startCollector: ${option} must be a positive integer, got ${String(value)}. Please pass a number of ${option.endsWith('Ms') ? 'milliseconds' : 'bytes'} above 0.`)
}

/**
 * The top-level text, number and boolean fields of a JSON output line as log attributes, so
 * `toHaveLog({ attributes: { orderId: 42 } })` reads a structured logger's fields; nothing for a
 * line that is not a JSON object.
 */
function jsonLineFields(line: string): { attributes?: Attributes } {
  const text = line.trim()
  if (!text.startsWith('{')) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
  const attributes: Record<string, AttributeValue> = {}
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true })
    }
  }
  return Object.keys(attributes).length > 0 ? { attributes } : {}
}

/** `00-<trace id>-<span id>-<flags>`, the W3C traceparent form many loggers print. */
const TRACEPARENT = /\b[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\b/i
/** `trace_id=…`, `traceId: "…"`, `"trace.id":"…"` and the like. */
const TRACE_ID_FIELD = /\btrace[_.-]?id["']?\s*[:=]\s*["']?([0-9a-f]{32})(?![0-9a-f])/i
const SPAN_ID_FIELD = /\bspan[_.-]?id["']?\s*[:=]\s*["']?([0-9a-f]{16})(?![0-9a-f])/i
/** `"level":"warn"`, `level=warn`, `"severity":"ERROR"`, or pino's numeric `"level":30`. */
const LEVEL_FIELD = /\b(?:level|severity)["']?\s*[:=]\s*["']?(\w+)/i
const PINO_LEVELS: Readonly<Record<string, string>> = {
  10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal',
}

/**
 * Links a line the service wrote to stdout or stderr to its trace: finds a trace id in it (a W3C
 * `traceparent`, or a `trace_id=` / `"traceId":` field) and, when the store already knows that
 * trace, adds the line as a {@link CapturedLog}. Lines of unknown traces are left alone, so a
 * random 32-hex string (a hash, a UUID) is not mistaken for a link.
 *
 * @returns the log added, or undefined when the line names no known trace.
 * @example
 * ```ts
 * child.stdout.pipe(split()).on('data', (line) => linkLogLine(collector.store, line, 'stdout'))
 * ```
 */
export function linkLogLine(store: TraceStore, line: string, source: 'stdout' | 'stderr'): CapturedLog | undefined {
  const traceparent = TRACEPARENT.exec(line)
  const traceId = (traceparent?.[1] ?? TRACE_ID_FIELD.exec(line)?.[1])?.toLowerCase()
  if (traceId === undefined || !store.has(traceId)) return undefined
  const spanId = (traceparent?.[2] ?? SPAN_ID_FIELD.exec(line)?.[1])?.toLowerCase()
  const level = LEVEL_FIELD.exec(line)?.[1]
  const severity = level === undefined ? undefined : PINO_LEVELS[level] ?? level
  const log: CapturedLog = {
    traceId,
    ...(spanId === undefined ? {} : { spanId }),
    time: BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    ...(severity === undefined ? {} : { severity }),
    body: line.replace(/\r?\n$/, ''),
    ...jsonLineFields(line),
    source,
  }
  store.addLog(log)
  return log
}
