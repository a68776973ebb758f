import type { Collector } from '../collector/start-collector.js'
import { PulledTraces } from '../sources/pulled-traces.js'
import { QuietWindow } from '../collector/quiet-window.js'
import { isTraceSource } from '../sources/trace-source.js'
import type { TraceSource } from '../sources/trace-source.js'
import { TraceStore } from '../collector/trace-store.js'
import { UsageError } from '../errors.js'
import { createTracedClient, tracedService } from './client.js'
import { requestTimes } from './ms-option.js'
import type { RequestTimeOptions } from './ms-option.js'
import type { Service } from './types.js'
import { explainMissingMatchers } from './vitest-set-up.js'

/**
 * Options of {@link attachService}.
 *
 * @example
 * ```ts
 * const options: AttachServiceOptions = { url: 'http://127.0.0.1:8080', name: 'orders', traces: collector }
 * ```
 */
export interface AttachServiceOptions extends RequestTimeOptions {
  /** The running service's base URL, e.g. `http://orders.staging:8080`. */
  readonly url: string
  /** Its `service.name`: named in timeouts, and a timeout tells "none of its spans ever came" by it. Default: the URL's host. */
  readonly name?: string
  /**
   * Where its spans come from:
   * - a {@link Collector} (`startCollector()`): pushed, the deployment's Collector exports to it
   *   with an `otlphttp` exporter (docs/deployed.md);
   * - a {@link TraceSource} (`jaegerTraces({ url })`): pulled from the team's backend by trace id.
   */
  readonly traces: Collector | TraceSource
  /**
   * The floor of the quiet window, ms: a trace settles once its entry span and every referenced
   * parent are in and nothing new came for the window, learned from recent traces as for any
   * foreign exporter. Default 5 pushed, 50 pulled.
   */
  readonly quietMs?: number
  /**
   * The delay the pipeline batches spans for, ms (the service's batch span processor plus the
   * Collector's batch processor): the quiet window of the first traces, before it has learned.
   * Default 250.
   */
  readonly batchDelayMs?: number
}

/** The warm-up window is this plus twice the pipeline's batch delay (as for a child process). */
const WARMUP_MS = 50

/**
 * Returns a {@link Service} for a service that already runs (a docker-compose stack, staging):
 * `request()` sends its requests with the harness's `traceparent` and resolves with the trace once
 * it is complete, read from a receiver the deployment's Collector exports to (`traces: collector`)
 * or pulled from a tracing backend (`traces: jaegerTraces({ url })`). The same spec runs locally
 * and against staging by changing `url` and `traces`. `stop()` releases what the harness holds;
 * it never stops the service, nor the collector it was given.
 *
 * @example
 * ```ts
 * const collector = await startCollector()
 * const svc = await attachService({ url: process.env.ORDERS_URL, name: 'orders', traces: collector })
 * const { trace } = await svc.request('GET /orders/42')
 * expect(trace).toHaveSpanCount(/SELECT/, 1)
 * await svc.stop()
 * ```
 */
export async function attachService(options: AttachServiceOptions): Promise<Service> {
  explainMissingMatchers()
  const { url, name } = checkOptions(options)
  // Without a name, any span counts as the service's in a timeout's diagnosis.
  const serviceName = options.name
  const times = requestTimes(options, isTraceSource(options.traces) ? 30_000 : 10_000, 'attach service')
  const batchDelayMs = options.batchDelayMs ?? 250
  const common = { url, quietMs: 0, settleTimeoutMs: times.settleTimeoutMs, requestTimeoutMs: times.requestTimeoutMs, exported: true, ...(serviceName === undefined ? {} : { serviceName }) }
  if (isTraceSource(options.traces)) {
    const source = options.traces
    const store = new TraceStore()
    const pulled = new PulledTraces(source, store)
    const quietWindow = new QuietWindow({ floorMs: options.quietMs ?? 50, warmupMs: WARMUP_MS + 2 * batchDelayMs, capMs: Math.max(2_000, 4 * batchDelayMs) })
    const client = createTracedClient({ ...common, store, pull: { traces: pulled, quietWindow } })
    return tracedService(client, { url, name, store }, async () => {
      // The client first: its close reads the unchecked traces once more, through `pulled`.
      await client.close()
      await pulled.close()
      store.clear()
    })
  }
  const collector = options.traces
  const quietMs = options.quietMs ?? 5
  const client = createTracedClient({
    ...common,
    store: collector.store,
    quietMs,
    quietWindow: new QuietWindow({ floorMs: quietMs, warmupMs: WARMUP_MS + 2 * batchDelayMs, capMs: Math.max(1_000, 4 * batchDelayMs) }),
    // Parents come in other batches, through the Collector: wait for them as for a batch or two.
    missingParentGraceMs: 2 * batchDelayMs + 50,
    spansFrom: `tracewright's receiver at ${collector.endpoint}`,
  })
  return tracedService(client, { url, name, store: collector.store }, () => client.close())
}

/** The options' URL (without a trailing slash) and service name, or a UsageError saying what is wrong. */
function checkOptions(options: AttachServiceOptions): { url: string; name: string } {
  if (typeof options !== 'object' || options === null) {
    throw new UsageError('Failed to attach service: pass an options object, e.g. attachService({ url, traces: collector }).')
  }
  let parsed: URL | undefined
  try {
    parsed = typeof options.url === 'string' ? new URL(options.url) : undefined
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || (parsed.pathname !== '/' && parsed.pathname !== '')) {
    throw new UsageError(`Failed to attach service: url must be the service's http(s) origin, e.g. 'http://127.0.0.1:8080', got ${JSON.stringify(options.url)}. Please give paths to request(), not here.`)
  }
  const traces: unknown = options.traces
  const isCollector = typeof traces === 'object' && traces !== null && (traces as { store?: unknown }).store instanceof TraceStore
  if (!isCollector && !isTraceSource(traces)) {
    throw new UsageError(
      'Failed to attach service: `traces` must say where its spans come from: a collector from startCollector() that the deployment\'s Collector exports to, ' +
        'or a trace source such as jaegerTraces({ url }). See docs/deployed.md.',
    )
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new UsageError(`Failed to attach service: name must be the service's service.name, a non-empty string, got ${JSON.stringify(options.name)}.`)
  }
  return { url: parsed.origin, name: options.name ?? parsed.host }
}
