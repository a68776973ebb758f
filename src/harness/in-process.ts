import { createServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { storeOptions, TraceStore } from '../collector/trace-store.js'
import type { TraceStoreOptions } from '../collector/trace-store.js'
import { ServiceStartError, UsageError } from '../errors.js'
import { createTracedClient, tracedService } from './client.js'
import { listenOnLoopback } from './free-port.js'
import { requestTimes } from './ms-option.js'
import type { RequestTimeOptions } from './ms-option.js'
import { markEntrySpanServer, withEntrySpan } from './entry-span.js'
import { leaseGlobalTracing } from './global-tracing.js'
import { leaseOutgoingCallWatch, warnUninstrumentedCalls, warnUninstrumentedLibraries } from './library-check.js'
import type { Service } from './types.js'

/** What an in-process app may be: a listener, or a factory returning a listener or a server. */
export type InProcessApp =
  | RequestListener
  | (() => RequestListener | Server | Promise<RequestListener | Server>)

/** How to start an app inside the test process: {@link startInProcessService}. */
export interface InProcessServiceOptions extends TraceStoreOptions, RequestTimeOptions {
  /** A node:http request listener, or a (sync or async) function returning a listener or an `http.Server`. */
  readonly app: InProcessApp
  /** `service.name` recorded on the spans. Default `'app'`. */
  readonly name?: string
  /**
   * Create the entry SERVER span for each request (default true). Set false when the app's own
   * instrumentation (e.g. `@opentelemetry/instrumentation-http`) creates it.
   */
  readonly entrySpan?: boolean
}

/**
 * Starts an app inside the test process, on 127.0.0.1 and an ephemeral port, with a tracer
 * provider that captures every ended span synchronously.
 */
export async function startInProcessService(options: InProcessServiceOptions): Promise<Service> {
  const name = options.name ?? 'app'
  const times = requestTimes(options, 5000, 'start service')
  const store = new TraceStore(storeOptions(options))
  const lease = leaseGlobalTracing({ store, resource: { 'service.name': name } })
  let server: Server
  try {
    server = await resolveServer(options.app, options.entrySpan === false ? undefined : name)
    if (options.entrySpan !== false) markEntrySpanServer(server)
    await listenOnLoopback(server)
  } catch (error) {
    lease.release()
    if (error instanceof ServiceStartError || error instanceof UsageError) throw error
    throw new ServiceStartError(`Failed to start the in-process service "${name}": ${(error as Error).message}`, { cause: error })
  }
  // After the app is made: a factory may load its client libraries only now.
  warnUninstrumentedLibraries()
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const outgoing = leaseOutgoingCallWatch()
  let firstRequest = true
  const client = createTracedClient({
    url,
    store,
    quietMs: 0,
    ...times,
    serviceName: name,
    afterSettle(trace, spec) {
      // Described only when the app made calls: the hot path of a request pays one map look-up.
      const calls = outgoing.take(trace.traceId)
      if (calls > 0) warnUninstrumentedCalls(calls, trace, `${spec.method} ${spec.path}`)
      // Again after the first request: an app may load a client library only when it first needs it.
      if (firstRequest) warnUninstrumentedLibraries()
      firstRequest = false
    },
  })
  return tracedService(client, { url, name, store }, async () => {
    outgoing.release()
    await client.close()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    lease.release()
  })
}

async function resolveServer(app: InProcessApp, entrySpanService: string | undefined): Promise<Server> {
  if (typeof app !== 'function') {
    throw new UsageError('Failed to start service: `app` must be a request listener (req, res) => void or a function returning one or an http.Server.')
  }
  // A request listener takes (req, res); a factory takes nothing.
  const made: unknown = app.length >= 1 ? app : await (app as () => unknown)()
  if (typeof made === 'function') {
    const listener = made as RequestListener
    return createServer(entrySpanService === undefined ? listener : withEntrySpan(listener, entrySpanService))
  }
  if (isServer(made)) {
    if (made.listening) {
      throw new UsageError('Failed to start service: the app factory returned a server that is already listening. Please return it without calling listen(); the harness listens on 127.0.0.1 and a free port.')
    }
    if (entrySpanService !== undefined) {
      const listeners = made.listeners('request') as RequestListener[]
      made.removeAllListeners('request')
      made.on('request', withEntrySpan((req, res) => { for (const l of listeners) l(req, res) }, entrySpanService))
    }
    return made
  }
  throw new UsageError(`Failed to start service: the app factory returned ${made === null ? 'null' : typeof made}; expected a request listener or an http.Server.`)
}

function isServer(value: unknown): value is Server {
  return typeof value === 'object' && value !== null && typeof (value as Server).listen === 'function' &&
    typeof (value as Server).listeners === 'function'
}
