import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Attributes, Context, Span } from '@opentelemetry/api'
import { getRPCMetadata, RPCType } from '@opentelemetry/core'
import type { RPCMetadata } from '@opentelemetry/core'
import { SERVICE_RESOURCE, severalInProcessServices } from './global-tracing.js'

const TRACER_NAME = 'tracewright/harness'

// On globalThis: `tracewright/instrument` may load another copy of this module than the harness.
const ENTRY_SPAN_SERVERS = Symbol.for('tracewright.entry-span-servers')
const entrySpanServers = ((globalThis as Record<symbol, unknown>)[ENTRY_SPAN_SERVERS] ??= new WeakSet<object>()) as WeakSet<object>

/** Marks `server` as one whose entry spans the harness makes (see {@link harnessMakesEntrySpan}). */
export function markEntrySpanServer(server: Server): void {
  entrySpanServers.add(server)
}

/**
 * True for a request to a server whose SERVER span the harness makes: the http instrumentation
 * leaves it alone, so a request never gets two entry spans.
 */
export function harnessMakesEntrySpan(request: IncomingMessage): boolean {
  const server = (request.socket as { server?: object } | null)?.server
  return server !== undefined && entrySpanServers.has(server)
}

/**
 * Wraps a request listener so each request runs inside a SERVER span named and attributed by the
 * stable HTTP semantic conventions (`http.request.method`, `url.path`, `http.route`,
 * `http.response.status_code`, …). The app may set `http.route` on the active span, or a framework
 * instrumentation (express, koa, …) may report the route through the context's RPC metadata as it
 * does for the http instrumentation's span; the span is then renamed `METHOD route` when it ends.
 */
export function withEntrySpan(listener: RequestListener, serviceName: string): RequestListener {
  const tracer = trace.getTracer(TRACER_NAME)
  const resource = { 'service.name': serviceName }
  return (req: IncomingMessage, res: ServerResponse) => {
    const extracted = propagation.extract(ROOT_CONTEXT, req.headers)
    // With one in-process service every span is its own; with more, the context says whose.
    const parent = severalInProcessServices() ? extracted.setValue(SERVICE_RESOURCE, resource) : extracted
    const method = normaliseMethod(req.method)
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: requestAttributes(req, method) }, parent)
    const state = { ended: false, failed: false }
    const metadata: RPCMetadata = { type: RPCType.HTTP, span }
    const end = (): void => {
      if (state.ended) return
      state.ended = true
      finishSpan(span, method, res, state.failed, metadata.route)
    }
    const fail = (error: unknown): void => {
      state.failed = true
      failRequest(span, res, error)
    }
    // `end` runs once whatever fires; plain listeners cost less than once-wrappers per request.
    res.on('finish', end)
    res.on('close', end)
    context.with(new EntryContext(trace.setSpan(parent, span), metadata), () => {
      try {
        const result: unknown = listener(req, res)
        if (result instanceof Promise) result.catch(fail)
      } catch (error) {
        fail(error)
      }
    })
  }
}

/** The key `@opentelemetry/core` keeps a context's RPC metadata under, read off its getter. */
const RPC_METADATA_KEY = ((): symbol => {
  let key: symbol | undefined
  getRPCMetadata({
    getValue: (asked) => { key = asked },
    setValue: () => ROOT_CONTEXT,
    deleteValue: () => ROOT_CONTEXT,
  })
  if (key === undefined) throw new Error('tracewright: @opentelemetry/core read RPC metadata without a context key')
  return key
})()

/**
 * A request's context: `inner` (the entry span's) plus the RPC metadata a framework
 * instrumentation writes the route into, held in a field instead of a second copy of the context's
 * map (`setRPCMetadata` makes one per request). Contexts derived from it keep the metadata, as
 * they would from `setRPCMetadata`'s.
 */
class EntryContext implements Context {
  readonly #inner: Context
  readonly #metadata: RPCMetadata

  constructor(inner: Context, metadata: RPCMetadata) {
    this.#inner = inner
    this.#metadata = metadata
  }

  getValue(key: symbol): unknown {
    return key === RPC_METADATA_KEY ? this.#metadata : this.#inner.getValue(key)
  }

  setValue(key: symbol, value: unknown): Context {
    if (key === RPC_METADATA_KEY) return this.#inner.setValue(key, value)
    return new EntryContext(this.#inner.setValue(key, value), this.#metadata)
  }

  deleteValue(key: symbol): Context {
    if (key === RPC_METADATA_KEY) return this.#inner.deleteValue(key)
    return new EntryContext(this.#inner.deleteValue(key), this.#metadata)
  }
}

function failRequest(span: Span, res: ServerResponse, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error))
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
  if (!res.headersSent) {
    res.statusCode = 500
    res.end('Internal Server Error')
  } else if (!res.writableEnded) {
    res.end()
  }
}

function finishSpan(span: Span, method: string, res: ServerResponse, failed: boolean, frameworkRoute: string | undefined): void {
  const status = res.statusCode
  span.setAttribute('http.response.status_code', status)
  let route = (span as unknown as { attributes?: Attributes }).attributes?.['http.route']
  if ((typeof route !== 'string' || route === '') && frameworkRoute !== undefined && frameworkRoute !== '') {
    route = frameworkRoute
    span.setAttribute('http.route', route)
  }
  if (typeof route === 'string' && route !== '') span.updateName(`${method} ${route}`)
  if (status >= 500) {
    span.setAttribute('error.type', String(status))
    // A thrown error already set the status with its message; keep that.
    if (!failed) span.setStatus({ code: SpanStatusCode.ERROR })
  } else if (!res.writableFinished) {
    // The client went away before the response was complete.
    span.setAttribute('error.type', 'response_aborted')
  }
  span.end()
}

function normaliseMethod(method: string | undefined): string {
  const upper = (method ?? 'GET').toUpperCase()
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER'
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY'])

function requestAttributes(req: IncomingMessage, method: string): Attributes {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const hostHeader = req.headers.host ?? ''
  const colon = hostHeader.lastIndexOf(':')
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': 'http',
    'url.path': q === -1 ? url : url.slice(0, q),
    'network.protocol.version': req.httpVersion,
  }
  if (method === '_OTHER' && req.method) attributes['http.request.method_original'] = req.method
  if (q !== -1) attributes['url.query'] = url.slice(q + 1)
  if (hostHeader) {
    attributes['server.address'] = colon > 0 ? hostHeader.slice(0, colon) : hostHeader
    if (colon > 0) attributes['server.port'] = Number(hostHeader.slice(colon + 1))
  }
  if (req.socket.remoteAddress) attributes['client.address'] = req.socket.remoteAddress
  const agent = req.headers['user-agent']
  if (agent) attributes['user_agent.original'] = agent
  return attributes
}
