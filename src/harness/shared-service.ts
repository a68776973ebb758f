import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request as sendRequest } from 'undici'
import type { CapturedSpan } from '../model/captured-span.js'
import { startCollector } from '../collector/start-collector.js'
import { toOtlpJson } from '../collector/otlp/encode-otlp-json.js'
import { ServiceError, UsageError } from '../errors.js'
import { createTracedClient, tracedService } from './client.js'
import { listenOnLoopback } from './free-port.js'
import type { Service } from './types.js'
import { requestTimes } from './ms-option.js'
import type { RequestTimeOptions } from './ms-option.js'

/**
 * What `shareService` hands to vitest's `provide()`: plain data, so it crosses from `globalSetup`
 * into every test worker.
 */
export interface SharedServiceHandle {
  /** The service's base URL, `http://127.0.0.1:PORT`. */
  readonly url: string
  /** Its `service.name`. */
  readonly name: string
  /** The relay in the `globalSetup` process that forwards each worker the spans of its traces. */
  readonly relay: string
}

/** A service started once for a whole suite, as seen from `globalSetup`. */
export interface SharingService {
  /** Pass this to `project.provide(key, handle)`. */
  readonly handle: SharedServiceHandle
  /** Stops the relay (not the service: stop that yourself). */
  stop(): Promise<void>
}

/** Options of {@link connectService}. */
export type ConnectServiceOptions = RequestTimeOptions

// 8 hex digits of trace id name the worker a trace belongs to: 2^32 prefixes, drawn at random.
const PREFIX_HEX = 8

/** One worker the relay forwards to, and its queue of spans not yet sent. */
interface Subscriber {
  readonly endpoint: string
  pending: CapturedSpan[]
  sending: Promise<void>
}

/**
 * Shares a service started in vitest's `globalSetup` with every test worker. Each worker's
 * {@link connectService} starts its own collector and draws a trace-id prefix; the relay forwards
 * each span whose trace id carries a worker's prefix to that worker, as OTLP. Requests stay
 * isolated by trace id, as with a service of one's own, and the service starts once per run.
 *
 * @example
 * ```ts
 * // global-setup.ts
 * export default async function setup(project: TestProject) {
 *   const svc = await startService({ command: [...], ready: { http: '/health' }, name: 'shop' })
 *   const shared = await shareService(svc)
 *   project.provide('shop', shared.handle)
 *   return async () => { await shared.stop(); await svc.stop() }
 * }
 * ```
 */
export async function shareService(service: Service): Promise<SharingService> {
  const subscribers = new Map<string, Subscriber>()
  const flush = (prefix: string, subscriber: Subscriber): void => {
    const spans = subscriber.pending
    if (spans.length === 0) return
    subscriber.pending = []
    // One export at a time per worker, in arrival order, as an SDK's exporter sends its batches.
    subscriber.sending = subscriber.sending.then(() => forward(subscriber.endpoint, spans)).catch(() => {
      // The worker has gone (its file finished without disconnecting): stop forwarding to it.
      subscribers.delete(prefix)
    })
  }
  const unwatch = service.store.watchAll((span) => {
    const prefix = span.traceId.slice(0, PREFIX_HEX)
    const subscriber = subscribers.get(prefix)
    if (subscriber === undefined) return
    if (subscriber.pending.length === 0) setImmediate(() => flush(prefix, subscriber))
    subscriber.pending.push(span)
    // Forwarded, so the relay's store need not keep it: memory stays flat over a long suite.
    queueMicrotask(() => service.store.release(span.traceId))
  })
  const server = createServer((req, res) => {
    void handleRelayRequest(req, res, subscribers).catch((error: unknown) => {
      res.statusCode = 400
      res.end((error as Error).message)
    })
  })
  await listenOnLoopback(server)
  const { port } = server.address() as AddressInfo
  let stopping: Promise<void> | undefined
  return {
    handle: { url: service.url, name: service.name, relay: `http://127.0.0.1:${port}` },
    stop() {
      stopping ??= (async () => {
        unwatch()
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await Promise.allSettled([...subscribers.values()].map((s) => s.sending))
      })()
      return stopping
    },
  }
}

async function handleRelayRequest(req: IncomingMessage, res: ServerResponse, subscribers: Map<string, Subscriber>): Promise<void> {
  let body = ''
  for await (const chunk of req) body += String(chunk)
  const { prefix, endpoint } = JSON.parse(body) as { prefix?: unknown; endpoint?: unknown }
  if (typeof prefix !== 'string' || !new RegExp(`^[0-9a-f]{${PREFIX_HEX}}$`).test(prefix)) throw new Error('prefix must be 8 lowercase hex digits')
  if (req.url === '/subscribe' && typeof endpoint === 'string' && endpoint.startsWith('http://127.0.0.1:')) {
    subscribers.set(prefix, { endpoint, pending: [], sending: Promise.resolve() })
  } else if (req.url === '/unsubscribe') {
    subscribers.delete(prefix)
  } else {
    throw new Error('expected POST /subscribe { prefix, endpoint } or /unsubscribe { prefix }')
  }
  res.statusCode = 204
  res.end()
}

async function forward(endpoint: string, spans: readonly CapturedSpan[]): Promise<void> {
  const { statusCode, body } = await sendRequest(`${endpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(toOtlpJson(spans)),
  })
  await body.text()
  if (statusCode >= 300) throw new Error(`the worker's collector answered ${statusCode}`)
}

/**
 * A {@link Service} for a service shared by `globalSetup` (see {@link shareService}): requests,
 * traces, `waitForSpan` and `measure` work as with a service of the file's own, and `stop()` only
 * disconnects this worker. Call it once per test file.
 *
 * @example
 * ```ts
 * const shop = await connectService(inject('shop'))
 * afterAll(() => shop.stop())
 * ```
 */
export async function connectService(handle: SharedServiceHandle, options: ConnectServiceOptions = {}): Promise<Service> {
  if (typeof handle !== 'object' || handle === null || typeof handle.url !== 'string' || typeof handle.relay !== 'string') {
    throw new UsageError('Failed to connect to a shared service: expected the handle `shareService()` returned in globalSetup, e.g. connectService(inject(\'shop\')). Please check that globalSetup provides it under that key.')
  }
  const times = requestTimes(options, 10_000, 'connect to a shared service')
  const collector = await startCollector({ grpc: false })
  const prefix = randomBytes(PREFIX_HEX / 2).toString('hex')
  await relayCall(handle, '/subscribe', { prefix, endpoint: collector.endpoint }).catch(async (error: unknown) => {
    await collector.stop()
    throw error
  })
  const client = createTracedClient({
    url: handle.url,
    store: collector.store,
    quietMs: 0,
    ...times,
    // Spans come through the relay a batch at a time: give a parent in the next batch a moment.
    missingParentGraceMs: 50,
    serviceName: handle.name,
    exported: true,
    traceIdPrefix: prefix,
  })
  return tracedService(client, { url: handle.url, name: handle.name, store: collector.store }, async () => {
    await relayCall(handle, '/unsubscribe', { prefix }).catch(() => undefined)
    await client.close()
    await collector.stop()
  })
}

async function relayCall(handle: SharedServiceHandle, path: string, body: object): Promise<void> {
  const res = await sendRequest(`${handle.relay}${path}`, { method: 'POST', body: JSON.stringify(body) }).catch((error: unknown) => {
    throw new ServiceError(`Failed to reach the relay of shared service "${handle.name}" at ${handle.relay}: ${(error as Error).message}. Please check that globalSetup is still running it (its teardown stops it).`, { cause: error })
  })
  const text = await res.body.text()
  if (res.statusCode !== 204) throw new ServiceError(`Failed to ${path.slice(1)} at the relay of shared service "${handle.name}": ${res.statusCode} ${text}.`)
}
