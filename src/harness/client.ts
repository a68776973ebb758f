import { randomFillSync } from 'node:crypto'
import { Pool } from 'undici'
import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../model/trace.js'
import type { TraceStore } from '../collector/trace-store.js'
import { settleTrace } from '../collector/settle.js'
import type { SettleOptions } from '../collector/settle.js'
import { compileSelector, describeSelector } from '../select/select-spans.js'
import type { Selector } from '../select/selector.js'
import { ServiceError, TraceTimeoutError, UsageError } from '../errors.js'
import { measureRuns } from '../baseline/measure.js'
import type { Measurable, MeasureOptions } from '../baseline/measure.js'
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
}

/** The part of a service that sends traced requests and waits for their traces. */
export interface TracedClient {
  request(target: string | RequestSpec, options?: RequestOptions): Promise<TracedResponse>
  waitForSpan(trace: Trace, selector: Selector, options?: WaitForSpanOptions): Promise<CapturedSpan>
  measure(what: Measurable, options?: MeasureOptions): Promise<TraceSamples>
  close(): Promise<void>
}

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

  const request = async (target: string | RequestSpec, requestOptions?: RequestOptions): Promise<TracedResponse> => {
    const failure = options.failure?.()
    if (failure) throw failure
    const spec = parseRequestTarget(target, requestOptions)
    const { traceId, spanId } = newHarnessIds()
    store.begin(traceId)
    options.onTrace?.(traceId)
    const headers: Record<string, string> = { ...spec.headers, traceparent: `00-${traceId}-${spanId}-01` }
    let body: string | Uint8Array | undefined = spec.body
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json)
      headers['content-type'] ??= 'application/json'
    }
    const sent = (async () => {
      const res = await pool.request({ method: spec.method ?? 'GET', path: spec.path, headers, body: body ?? null })
      return { res, text: await res.body.text() }
    })()
    let result: Awaited<typeof sent>
    try {
      result = options.died ? await Promise.race([sent, options.died]) : await sent
    } catch (error) {
      const dead = options.failure?.() ?? await options.explainFailure?.(error)
      if (dead) throw dead
      throw new ServiceError(`Failed to ${spec.method} ${spec.path}: ${(error as Error).message}.\n\n${store.trace(traceId).toString()}`, { cause: error })
    }
    const { res, text } = result
    const response = makeResponse(res.statusCode, res.headers, text, `${spec.method} ${spec.path}`)
    const settleOptions: SettleOptions = {
      harnessSpanId: spanId,
      quietMs: options.quietMs,
      timeoutMs: requestOptions?.timeout ?? options.settleTimeoutMs,
      ...(options.missingParentGraceMs === undefined ? {} : { missingParentGraceMs: options.missingParentGraceMs }),
      ...(options.awaitChildrenOf === undefined ? {} : { awaitChildrenOf: options.awaitChildrenOf }),
    }
    const trace = options.died
      ? await Promise.race([settleTrace(store, traceId, settleOptions), options.died])
      : await settleTrace(store, traceId, settleOptions)
    return { response, trace }
  }

  const waitForSpan = (trace: Trace, selector: Selector, waitOptions: WaitForSpanOptions = {}): Promise<CapturedSpan> => {
    const match = compileSelector(selector)
    const timeoutMs = waitOptions.timeout ?? 5000
    const find = (): CapturedSpan | undefined => {
      const current = store.trace(trace.traceId)
      return current.spans().find((span) => match(span, current))
    }
    const found = find()
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const unwatch = store.watch(trace.traceId, (event) => {
        if (event.type !== 'end') return
        const current = store.trace(trace.traceId)
        if (!match(event.span, current)) return
        cleanup()
        // Handed out through the newest snapshot, so span matchers see its relatives.
        resolve(current.spanById(event.span.spanId) ?? event.span)
      })
      const timer = setTimeout(() => {
        cleanup()
        reject(new TraceTimeoutError(
          `Failed to see a span matching ${describeSelector(selector)} in trace ${trace.traceId} within ${timeoutMs} ms.\n\n` +
            `${store.trace(trace.traceId).toString()}\n\nPlease check that the background work runs in this trace's context, or raise { timeout }.`,
        ))
      }, timeoutMs)
      const cleanup = (): void => {
        unwatch()
        clearTimeout(timer)
      }
    })
  }

  const measure = (what: Measurable, measureOptions?: MeasureOptions): Promise<TraceSamples> =>
    measureRuns(request, (trace) => store.release(trace.traceId), what, measureOptions)

  return { request, waitForSpan, measure, close: () => pool.close() }
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
