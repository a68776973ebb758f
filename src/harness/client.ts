import { Pool } from 'undici'
import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import type { TraceStore } from '../collector/trace-store.js'
import type { SettleOptions } from '../collector/settle.js'
import type { QuietWindow } from '../collector/quiet-window.js'
import type { PulledTraces } from '../sources/pulled-traces.js'
import type { Selector } from '../select/selector.js'
import { TraceTimeoutError } from '../errors.js'
import type { ClientContext } from './client-context.js'
import { DEFAULT_REQUEST_TIMEOUT_MS } from './ms-option.js'
import { LateSpanWatch } from './late-spans.js'
import { measureRuns } from './measure.js'
import type { Measurable, MeasureOptions } from './measure.js'
import { explainTimeout, watchArrivals } from './test-deadline.js'
import { TestTraces } from './test-traces.js'
import { foreignTrace, tracedRequest } from './traced-request.js'
import type { TraceSamples } from '../baseline/trace-samples.js'
import type { ForeignTrace, RequestOptions, RequestSpec, Service, TracedResponse, WaitForSpanOptions } from './types.js'
import { waitForSpan } from './wait-for-span.js'

/** What a traced client is built from: where the service is, its store, and how its traces settle. */
export interface TracedClientOptions {
  readonly url: string
  readonly store: TraceStore
  /** Quiet window for settling, ms (0 in-process). */
  readonly quietMs: number
  /** Default settle timeout, ms. */
  readonly settleTimeoutMs: number
  /** Out of process: how long to wait for referenced parents or awaited children after quiet, ms. */
  readonly missingParentGraceMs?: number
  /** Spans that must have a child before the trace is settled (calls to a known service). */
  readonly awaitChildrenOf?: (span: CapturedSpan) => boolean
  /** Called with each new trace id before its request is sent. */
  readonly onTrace?: (traceId: string) => void
  /** The reason the service can no longer answer (a crashed child process), if any. */
  readonly failure?: () => Error | undefined
  /** Rejects when the service dies, to fail requests in flight at once (never resolves). */
  readonly died?: Promise<never>
  /**
   * Given a failed request's error, the better explanation if there is one: a connection closed
   * by a process that is exiting is explained by its exit code and output.
   */
  readonly explainFailure?: (error: unknown) => Promise<Error | undefined>
  /** How long the service may take to send the response headers, and then between body chunks, ms. */
  readonly requestTimeoutMs?: number
  /** Called with a trace id the client has released from the store (its test is over). */
  readonly onRelease?: (traceId: string) => void
  /** The service reports span starts over the span channel: settle exactly (see {@link SettleOptions.reporting}). */
  readonly reporting?: () => boolean
  /** A foreign exporter's learned quiet window (see {@link SettleOptions.quietWindow}). */
  readonly quietWindow?: QuietWindow
  /** `service.name` of the service's spans, to tell "none ever arrived" apart in a timeout. */
  readonly serviceName?: string
  /** The service exports OTLP to the harness (a child process), for the timeout's diagnosis. */
  readonly exported?: boolean
  /**
   * Called with each request's settled trace before the request resolves, synchronously (so it
   * costs the request no await): the in-process harness looks for uninstrumented calls here.
   */
  readonly afterSettle?: (trace: Trace, spec: RequestSpec) => void
  /** Hex digits every trace id starts with: how a shared service's relay routes spans to this client. */
  readonly traceIdPrefix?: string
  /**
   * Pull mode (an attached service whose spans are read from a backend): traces settle by querying
   * it, with this window, instead of by watching a receiver.
   */
  readonly pull?: { readonly traces: PulledTraces; readonly quietWindow: QuietWindow }
  /** Where the spans come from, when not from a receiver this harness gave the service (for timeouts). */
  readonly spansFrom?: string
}

/** The part of a service that sends traced requests and waits for their traces. */
export interface TracedClient {
  /** Sends a request with a fresh trace and resolves once its trace has settled (traced-request.ts). */
  request(target: string | RequestSpec, options?: RequestOptions): Promise<TracedResponse>
  /** A fresh trace for a request someone else sends (traced-request.ts). */
  startTrace(): ForeignTrace
  /** Waits for a span of `trace` that ends after the response (wait-for-span.ts). */
  waitForSpan(trace: Trace, selector: Selector, options?: WaitForSpanOptions): Promise<CapturedSpan>
  /** Runs `what` `warmup + runs` times and collects the measured runs' traces (measure.ts). */
  measure(what: Measurable, options?: MeasureOptions): Promise<TraceSamples>
  /** Ends every request still in flight (a hung handler cannot hold up `stop()`) and closes the connections. */
  close(): Promise<void>
}

/**
 * A client for one service: every request starts a fresh trace whose `traceparent` (sampled) is
 * the harness's own client span; the service's entry span is that span's child. Its steps live in
 * their own modules: traced-request.ts, wait-for-span.ts, measure.ts, and test-traces.ts for the
 * bookkeeping of which test owns which trace.
 */
export function createTracedClient(options: TracedClientOptions): TracedClient {
  const pool = new Pool(options.url, { connections: 32 })
  const { store } = options
  let closed = false
  // Out of process only: in-process spans cannot arrive after their trace settled unnoticed. A
  // pulled trace is read from its backend once more when its test ends, so a span stored after
  // the hand-over is seen.
  const { pull } = options
  const late = pull !== undefined
    ? new LateSpanWatch(store, pull.quietWindow, pull.traces)
    : options.reporting !== undefined || options.quietWindow !== undefined
      ? new LateSpanWatch(store, options.quietWindow)
      : undefined
  const arrivals = watchArrivals(store, options.serviceName, options.spansFrom !== undefined)
  const ctx: ClientContext = {
    options,
    store,
    pool,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    late,
    tests: new TestTraces(store, late, options.onRelease),
    closed: () => closed,
    explain: (error, traceId, waited) => error instanceof TraceTimeoutError
      ? explainTimeout(error, { budget: waited, serviceSpans: arrivals.count, traceSpans: store.spans(traceId).length, exported: options.exported === true, ...(options.spansFrom === undefined ? {} : { spansFrom: options.spansFrom, lastArrivalAgoMs: arrivals.lastAgoMs() }) })
      : error,
  }
  const request = (target: string | RequestSpec, requestOptions?: RequestOptions): Promise<TracedResponse> =>
    tracedRequest(ctx, target, requestOptions)
  return {
    request,
    startTrace: () => foreignTrace(ctx),
    waitForSpan: (trace, selector, waitOptions) => waitForSpan(ctx, trace, selector, waitOptions),
    measure: (what, measureOptions) => measureRuns(request, (trace) => store.release(trace.traceId), what, measureOptions),
    close: async () => {
      closed = true
      arrivals.stop()
      // Before the connections go: a pulled trace no test checked is read once more.
      await late?.finalCheck()
      // destroy(), not close(): close() waits for requests in flight, and a hung handler would then
      // hold up stop() until the test run gives up on it.
      await pool.destroy()
      late?.close()
    },
  }
}

/**
 * The {@link Service} every kind of service returns: its traced client's calls, where it is, and
 * `stop`, run once however often it is called. One place, so a new client call reaches every kind.
 */
export function tracedService(client: TracedClient, where: { readonly url: string; readonly name: string; readonly store: TraceStore }, stop: () => Promise<void>): Service {
  let stopping: Promise<void> | undefined
  return {
    url: where.url,
    name: where.name,
    store: where.store,
    request: client.request,
    startTrace: client.startTrace,
    waitForSpan: client.waitForSpan,
    measure: client.measure,
    stop: () => (stopping ??= stop()),
  }
}
