import type { IncomingHttpHeaders } from 'node:http'
import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import type { Selector } from '../select/selector.js'
import type { TraceStore } from '../collector/trace-store.js'
import type { Measurable, MeasureOptions } from './measure.js'
import type { TraceSamples } from '../baseline/trace-samples.js'

/** A request to the service under test, in object form. */
export interface RequestSpec {
  /** HTTP method; default `GET`. */
  readonly method?: string
  /** Path and query, starting with `/`. */
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  /** A raw body. Use `json` for JSON. */
  readonly body?: string | Uint8Array
  /** A value sent as JSON with `content-type: application/json`. */
  readonly json?: unknown
}

/** Options of one request, or the body and headers of the string form. */
export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Uint8Array
  readonly json?: unknown
  /** How long to wait for the trace to settle after the response, ms. Default: the service's `settleTimeoutMs`. */
  readonly timeoutMs?: number
  /** @deprecated The old name of {@link timeoutMs}. */
  readonly timeout?: number
  /**
   * Look in the other traces that link into this one instead of in this trace: a consumer that
   * starts its own trace per message or batch and links to the producer's span. Resolves with the
   * first span matching the selector in a trace with a span linking here.
   */
  readonly linked?: boolean
}

/** The response of a traced request, its body read. */
export interface TracedHttpResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  /** The body as text. */
  readonly text: string
  /** The body parsed as JSON; throws a readable error when it is not JSON. */
  json<T = unknown>(): T
}

/** What `svc.request()` resolves to: the response and the settled trace it produced. */
export interface TracedResponse {
  readonly response: TracedHttpResponse
  readonly trace: Trace
}

/**
 * A trace for a request the harness does not send itself (see {@link Service.startTrace}): put
 * {@link traceparent} on the request, and once its response is in, {@link settled} resolves with
 * the trace.
 */
export interface ForeignTrace {
  readonly traceId: string
  /** The `traceparent` header value for the request (the harness's span, sampled). */
  readonly traceparent: string
  /** Waits for the trace to settle, at most `timeoutMs` (default: the service's `settleTimeoutMs`). */
  settled(timeoutMs?: number): Promise<Trace>
}

/** Options of {@link Service.waitForSpan}. */
export interface WaitForSpanOptions {
  /** How long to wait for the span, ms. Default 5,000 (inside a test, never past its timeout). */
  readonly timeoutMs?: number
  /** @deprecated The old name of {@link timeoutMs}. */
  readonly timeout?: number
  /**
   * Look in the other traces that link into this one instead of in this trace: a consumer that
   * starts its own trace per message or batch and links to the producer's span. Resolves with the
   * first span matching the selector in a trace with a span linking here.
   */
  readonly linked?: boolean
}

/**
 * A running service under test.
 *
 * @example
 * ```ts
 * const svc = await startService({ app })
 * const { response, trace } = await svc.request('GET /orders/42')
 * await svc.stop()
 * ```
 */
export interface Service {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** The service name spans are recorded with (`service.name`). */
  readonly name: string
  /** Every span captured for this service. */
  readonly store: TraceStore
  /**
   * Sends a request with a fresh trace (a harness span's `traceparent`) and resolves once the
   * response is read and the trace has settled.
   */
  request(target: string | RequestSpec, options?: RequestOptions): Promise<TracedResponse>
  /** Waits for a span of `trace` that ends after the response (background work). */
  waitForSpan(trace: Trace, selector: Selector, options?: WaitForSpanOptions): Promise<CapturedSpan>
  /**
   * Starts a fresh trace for a request the test sends some other way (a browser page, its own
   * client): `tracewright/playwright` puts its `traceparent` on each request a page makes.
   */
  startTrace(): ForeignTrace
  /**
   * Runs a request (or a scenario of requests) `warmup + runs` times and returns every run's
   * traces with per-span-key counts, durations and self times, for `toMatchBaseline()`.
   */
  measure(what: Measurable, options?: MeasureOptions): Promise<TraceSamples>
  /** Stops the service and undoes every registration. Idempotent. */
  stop(): Promise<void>
}
