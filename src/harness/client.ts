import { randomFillSync } from 'node:crypto'
import { context } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import { Pool } from 'undici'
import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import type { TraceStore } from '../collector/trace-store.js'
import { settleTrace } from '../collector/settle.js'
import type { SettleInfo, SettleOptions } from '../collector/settle.js'
import type { QuietWindow } from '../collector/quiet-window.js'
import { LateSpanWatch } from './late-spans.js'
import { compileSelector, describeSelector } from '../select/select-spans.js'
import type { Selector } from '../select/selector.js'
import { ServiceError, TraceTimeoutError, UsageError } from '../errors.js'
import { explainTimeout, waitBudget, watchArrivals } from './test-deadline.js'
import type { RunningTest, WaitBudget } from './test-deadline.js'
import { measureRuns } from './measure.js'
import type { Measurable, MeasureOptions } from './measure.js'
import type { TraceSamples } from '../baseline/trace-samples.js'
import type { RequestOptions, RequestSpec, TracedHttpResponse, TracedResponse, WaitForSpanOptions } from './types.js'

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
  /** Hex digits every trace id starts with: how a shared service's relay routes spans to this client. */
  readonly traceIdPrefix?: string
}

/** The part of a service that sends traced requests and waits for their traces. */
export interface TracedClient {
  request(target: string | RequestSpec, options?: RequestOptions): Promise<TracedResponse>
  waitForSpan(trace: Trace, selector: Selector, options?: WaitForSpanOptions): Promise<CapturedSpan>
  measure(what: Measurable, options?: MeasureOptions): Promise<TraceSamples>
  /** Ends every request still in flight (a hung handler cannot hold up `stop()`) and closes the connections. */
  close(): Promise<void>
}

/** Default of {@link TracedClientOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** What the harness needs of vitest to release a test's traces once it is over. */
interface VitestHooks {
  onTestFinished(fn: () => void): void
  TestRunner: { getCurrentTest(): (RunningTest & { readonly concurrent?: boolean }) | undefined }
}

let vitestHooks: Promise<VitestHooks | undefined> | undefined

/**
 * vitest's test hooks when this process is a vitest worker, else undefined. Loaded only there, so
 * the harness works the same outside vitest (a plain script, another runner) and never makes
 * vitest a runtime requirement.
 */
function loadVitestHooks(): Promise<VitestHooks | undefined> {
  if (!('__vitest_worker__' in globalThis)) return Promise.resolve(undefined)
  vitestHooks ??= import('vitest').then((vitest) => vitest as unknown as VitestHooks, () => undefined)
  return vitestHooks
}

/** Trace ids the harness released because their test was over, remembered to explain a late look-up. */
const RELEASED_REMEMBERED = 4_096

const REQUEST_LINE = /^([A-Za-z]+)\s+(\/\S*)$/

/** Turns `'GET /orders/42'`, `'/orders/42'` or a {@link RequestSpec} into a request spec. */
export function parseRequestTarget(target: string | RequestSpec, options: RequestOptions = {}): RequestSpec {
  if (typeof target === 'string') {
    const trimmed = target.trim()
    const line = REQUEST_LINE.exec(trimmed)
    if (line) return { ...options, method: (line[1] as string).toUpperCase(), path: line[2] as string }
    if (trimmed.startsWith('/') && !/\s/.test(trimmed)) return { ...options, method: 'GET', path: trimmed }
    throw new UsageError(`Failed to parse request ${JSON.stringify(target)}: expected "METHOD /path", e.g. "GET /orders/42", or an object { method, path }.`)
  }
  if (typeof target !== 'object' || target === null || typeof target.path !== 'string' || !target.path.startsWith('/')) {
    throw new UsageError(`Failed to send request: the request object needs a path starting with "/", e.g. { method: 'POST', path: '/orders', json: { id: 1 } }.`)
  }
  if (target.body !== undefined && target.json !== undefined) {
    throw new UsageError('Failed to send request: give either `body` or `json`, not both.')
  }
  return { ...target, ...options, method: (target.method ?? 'GET').toUpperCase() }
}

// Random bytes are drawn in blocks: one system call per 170 requests instead of one each.
const ID_BYTES = 24
const idPool = Buffer.alloc(ID_BYTES * 170)
let idOffset = idPool.length

/** A fresh random trace id and span id for the harness's client span (never all zeros). */
export function newHarnessIds(): { traceId: string; spanId: string } {
  if (idOffset + ID_BYTES > idPool.length) {
    randomFillSync(idPool)
    idOffset = 0
  }
  const at = idOffset
  idOffset += ID_BYTES
  idPool[at] = (idPool[at] as number) | 1
  idPool[at + 16] = (idPool[at + 16] as number) | 1
  const hex = idPool.toString('hex', at, at + ID_BYTES)
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32) }
}

/**
 * A client for one service: every request starts a fresh trace whose `traceparent` (sampled) is
 * the harness's own client span; the service's entry span is that span's child.
 */
export function createTracedClient(options: TracedClientOptions): TracedClient {
  const pool = new Pool(options.url, { connections: 32 })
  const { store } = options
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  let closed = false

  // Traces of finished tests are released at this client's next request, not the moment their
  // test finishes: vitest runs a test's onTestFailed hooks after its onTestFinished hooks, and
  // those may still read the store (to print or export the failing test's traces).
  const hooks = loadVitestHooks()
  // Once loaded, kept here so the per-request bookkeeping below costs no await.
  let vitestHooks: Awaited<typeof hooks> | null = null
  void hooks.then((loaded) => { vitestHooks = loaded })
  const byTest = new WeakMap<object, string[]>()
  let finished: string[] = []
  const released = new Set<string>()
  // Out of process only: in-process spans cannot arrive after their trace settled unnoticed.
  const late = options.reporting !== undefined || options.quietWindow !== undefined
    ? new LateSpanWatch(store, options.quietWindow)
    : undefined
  const arrivals = watchArrivals(store, options.serviceName)
  /** A wait's time inside the running test's timeout (waits outside a test keep theirs). */
  const budget = (configuredMs: number): WaitBudget => {
    try {
      return waitBudget(configuredMs, vitestHooks?.TestRunner.getCurrentTest())
    } catch {
      return { ms: configuredMs }
    }
  }
  /** A timeout with the likely causes the harness can tell. */
  const explain = (error: unknown, traceId: string, waited: WaitBudget): unknown => error instanceof TraceTimeoutError
    ? explainTimeout(error, { budget: waited, serviceSpans: arrivals.count, traceSpans: store.spans(traceId).length, exported: options.exported === true })
    : error
  const releaseFinished = (): void => {
    if (finished.length === 0) return
    for (const traceId of finished) {
      store.release(traceId)
      options.onRelease?.(traceId)
      late?.released(traceId)
      released.add(traceId)
      if (released.size > RELEASED_REMEMBERED) released.delete(released.values().next().value as string)
    }
    finished = []
  }
  /**
   * Marks `traceId` for release once the vitest test that requested it is over. Only for a test
   * running on its own: vitest cannot tell concurrent tests apart here, so their traces, and those
   * of requests made outside any test (beforeAll, a plain script), stay until `maxTraces` or stop().
   */
  const releaseAfterTest = (traceId: string): void | Promise<void> => {
    if (vitestHooks === null) return hooks.then(() => releaseAfterTest(traceId))
    const vitest = vitestHooks
    if (vitest === undefined) return
    try {
      const test = vitest.TestRunner.getCurrentTest()
      if (test === undefined || test.concurrent === true) return
      let traceIds = byTest.get(test)
      if (traceIds === undefined) {
        const list: string[] = []
        byTest.set(test, (traceIds = list))
        vitest.onTestFinished(async () => {
          finished.push(...list)
          byTest.delete(test)
          // A test whose traces got spans after it was handed them fails here, after its body.
          const error = await late?.checkTest(list)
          if (error) throw error
        })
      }
      traceIds.push(traceId)
      late?.own(traceId)
    } catch {
      // Not inside a running test after all (a request nobody awaited, finishing after its test).
    }
  }

  const request = async (target: string | RequestSpec, requestOptions?: RequestOptions): Promise<TracedResponse> => {
    const failure = options.failure?.()
    if (failure) throw failure
    const spec = parseRequestTarget(target, requestOptions)
    releaseFinished()
    const ids = newHarnessIds()
    const { spanId } = ids
    const traceId = options.traceIdPrefix === undefined ? ids.traceId : options.traceIdPrefix + ids.traceId.slice(options.traceIdPrefix.length)
    store.begin(traceId)
    options.onTrace?.(traceId)
    const headers: Record<string, string> = { ...spec.headers, traceparent: `00-${traceId}-${spanId}-01` }
    let body: string | Uint8Array | undefined = spec.body
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json)
      headers['content-type'] ??= 'application/json'
    }
    // Tracing suppressed: the harness's own request is not the app's call. An undici
    // instrumentation in the test process would otherwise start a span of its own and append a
    // second traceparent, and the service would start a new trace.
    const sent = context.with(suppressTracing(context.active()), async () => {
      const res = await pool.request({
        method: spec.method ?? 'GET', path: spec.path, headers, body: body ?? null,
        headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs,
      })
      return { res, text: await res.body.text() }
    })
    let result: Awaited<typeof sent>
    try {
      result = options.died ? await Promise.race([sent, options.died]) : await sent
    } catch (error) {
      // A timeout is the service's silence, not its exit: nothing to wait for.
      const timedOut = /^UND_ERR_(HEADERS|BODY)_TIMEOUT$/.test((error as { code?: string }).code ?? '')
      const dead = options.failure?.() ?? (timedOut ? undefined : await options.explainFailure?.(error))
      if (dead) throw dead
      throw requestFailure(error, `${spec.method} ${spec.path}`, requestTimeoutMs, closed, store.trace(traceId).toString())
    }
    const { res, text } = result
    const response = makeResponse(res.statusCode, res.headers, text, `${spec.method} ${spec.path}`)
    // The running test's timeout is read through vitest's hooks: wait for them on a first request.
    if (vitestHooks === null) await hooks
    const waited = budget(requestOptions?.timeout ?? options.settleTimeoutMs)
    const settleOptions: SettleOptions = {
      harnessSpanId: spanId,
      quietMs: options.quietMs,
      timeoutMs: waited.ms,
      ...(options.missingParentGraceMs === undefined ? {} : { missingParentGraceMs: options.missingParentGraceMs }),
      ...(options.awaitChildrenOf === undefined ? {} : { awaitChildrenOf: options.awaitChildrenOf }),
    }
    // A trace that hits a store bound fails its request with the numbers, instead of settling on
    // what is left of it: settleTrace checks before it starts and rejects on a limit event.
    // Out of process the settle rule is reported and the trace watched for late spans; the
    // in-process path skips that bookkeeping.
    let info: SettleInfo | undefined
    const responded = late === undefined ? 0 : performance.now()
    const settled = settleTrace(store, traceId, late === undefined ? settleOptions : {
      ...settleOptions,
      ...(options.reporting === undefined ? {} : { reporting: options.reporting }),
      ...(options.quietWindow === undefined ? {} : { quietWindow: options.quietWindow }),
      onSettled: (settledBy) => { info = settledBy },
    }).catch((error: unknown) => {
      throw explain(error, traceId, waited)
    })
    const trace = options.died ? await Promise.race([settled, options.died]) : await settled
    const hitAfter = store.limitError(traceId)
    if (hitAfter) throw hitAfter
    if (late !== undefined && info !== undefined) late.handedOut(trace, info, performance.now() - responded)
    const pending = releaseAfterTest(traceId)
    if (pending) await pending
    return { response, trace }
  }

  const waitForSpan = (trace: Trace, selector: Selector, waitOptions: WaitForSpanOptions = {}): Promise<CapturedSpan> => {
    const match = compileSelector(selector)
    const waited = budget(waitOptions.timeout ?? 5000)
    const timeoutMs = waited.ms
    // The test expects more of this trace: its spans after the hand-over are awaited, not late.
    late?.expectMore(trace.traceId)
    const find = (): CapturedSpan | undefined => {
      const current = store.trace(trace.traceId)
      return current.spans().find((span) => match(span, current))
    }
    const found = find()
    if (found) return Promise.resolve(found)
    const hit = store.limitError(trace.traceId)
    if (hit) return Promise.reject(hit)
    return new Promise((resolve, reject) => {
      const unwatch = store.watch(trace.traceId, (event) => {
        if (event.type === 'limit') {
          cleanup()
          reject(store.limitError(trace.traceId))
          return
        }
        if (event.type !== 'end') return
        const current = store.trace(trace.traceId)
        if (!match(event.span, current)) return
        cleanup()
        // Handed out through the newest snapshot, so span matchers see its relatives.
        resolve(current.spanById(event.span.spanId) ?? event.span)
      })
      const timer = setTimeout(() => {
        cleanup()
        const gone = released.has(trace.traceId)
          ? ' The trace was released from the store when the test that requested it finished: please wait for its spans in that test.'
          : ''
        reject(explain(new TraceTimeoutError(
          `Failed to see a span matching ${describeSelector(selector)} in trace ${trace.traceId} within ${timeoutMs} ms.${gone}\n\n` +
            `${store.trace(trace.traceId).toString()}\n\nPlease check that the background work runs in this trace's context, or raise { timeout }.`,
        ), trace.traceId, waited))
      }, timeoutMs)
      const cleanup = (): void => {
        unwatch()
        clearTimeout(timer)
      }
    })
  }

  const measure = (what: Measurable, measureOptions?: MeasureOptions): Promise<TraceSamples> =>
    measureRuns(request, (trace) => store.release(trace.traceId), what, measureOptions)

  const close = async (): Promise<void> => {
    closed = true
    arrivals.stop()
    // destroy(), not close(): close() waits for requests in flight, and a hung handler would then
    // hold up stop() until the test run gives up on it.
    await pool.destroy()
    late?.close()
  }

  return { request, waitForSpan, measure, close }
}

/** The error for a request that got no (complete) response: a timeout, a stop, a connection failure. */
function requestFailure(error: unknown, what: string, timeoutMs: number, stopped: boolean, captured: string): ServiceError {
  const code = (error as { code?: string }).code
  const reason = stopped
    ? 'the service was stopped while the request was in flight'
    : code === 'UND_ERR_HEADERS_TIMEOUT'
      ? `the service sent no response within requestTimeout (${timeoutMs} ms). Please check that the handler answers every request, or raise requestTimeout`
      : code === 'UND_ERR_BODY_TIMEOUT'
        ? `the service stopped sending the response body for longer than requestTimeout (${timeoutMs} ms). Please check that the handler ends the response, or raise requestTimeout`
        : (error as Error).message
  return new ServiceError(`Failed to ${what}: ${reason}.\n\n${captured}`, { cause: error })
}

function makeResponse(status: number, headers: Record<string, string | string[] | undefined>, text: string, what: string): TracedHttpResponse {
  return {
    status,
    headers,
    text,
    json<T>(): T {
      try {
        return JSON.parse(text) as T
      } catch (error) {
        throw new UsageError(`Failed to parse the body of ${what} (status ${status}) as JSON: ${(error as Error).message}. Body starts with: ${JSON.stringify(text.slice(0, 200))}`)
      }
    },
  }
}
