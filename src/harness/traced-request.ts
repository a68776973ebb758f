import { randomFillSync } from 'node:crypto'
import { context, ROOT_CONTEXT } from '@opentelemetry/api'
import type { Context } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import { settledTrace, settleTrace } from '../collector/settle.js'
import type { SettleInfo, SettleOptions } from '../collector/settle.js'
import type { Trace } from '../select/trace.js'
import { ServiceError, UsageError } from '../errors.js'
import type { ClientContext } from './client-context.js'
import { undiciRequestsObserved } from './library-check.js'
import { recordSettle } from './settle-report.js'
import type { TracedClientOptions } from './client.js'
import type { WaitBudget } from './test-deadline.js'
import { msOption } from './ms-option.js'
import type { ForeignTrace, RequestOptions, RequestSpec, TracedHttpResponse, TracedResponse } from './types.js'

/**
 * Sends one request with a fresh trace (the harness's client span as its `traceparent`), reads the
 * response, and resolves once the trace has settled; the trace is then owned by the running test.
 */
export async function tracedRequest(ctx: ClientContext, target: string | RequestSpec, requestOptions?: RequestOptions): Promise<TracedResponse> {
  const { options } = ctx
  const failure = options.failure?.()
  if (failure) throw failure
  const spec = parseRequestTarget(target, requestOptions)
  const settleTimeoutMs = requestOptions === undefined
    ? options.settleTimeoutMs
    : msOption(requestOptions, SETTLE_TIMEOUT, options.settleTimeoutMs, 'send request')
  const { traceId, spanId } = beginTrace(ctx)
  const response = await send(ctx, spec, `00-${traceId}-${spanId}-01`, traceId)
  // In process the trace is nearly always complete once the response is read: taken at once, so
  // the request costs no more awaits than the bare SDK's (the benchmark holds it to 1.05×).
  const trace = settledAtOnce(ctx, traceId, spanId) ?? await settle(ctx, traceId, spanId, settleTimeoutMs)
  options.afterSettle?.(trace, spec)
  const pending = ctx.tests.releaseAfterTest(traceId)
  if (pending) await pending
  return { response, trace }
}

const SETTLE_TIMEOUT = { name: 'timeoutMs', alias: 'timeout' } as const

/** Draws the ids of a fresh trace and opens it in the store (released traces of finished tests go first). */
function beginTrace(ctx: ClientContext): { traceId: string; spanId: string } {
  const { options, store } = ctx
  ctx.tests.releaseFinished()
  const ids = newHarnessIds()
  const traceId = options.traceIdPrefix === undefined ? ids.traceId : options.traceIdPrefix + ids.traceId.slice(options.traceIdPrefix.length)
  store.begin(traceId)
  options.onTrace?.(traceId)
  return { traceId, spanId: ids.spanId }
}

/**
 * A fresh trace for a request someone else sends (a browser, another client): its `traceparent`,
 * and the wait for its settled trace once the response is in, owned by the running test as a
 * request's trace is.
 */
export function foreignTrace(ctx: ClientContext): ForeignTrace {
  const failure = ctx.options.failure?.()
  if (failure) throw failure
  const { traceId, spanId } = beginTrace(ctx)
  return {
    traceId,
    traceparent: `00-${traceId}-${spanId}-01`,
    async settled(timeoutMs = ctx.options.settleTimeoutMs): Promise<Trace> {
      const trace = settledAtOnce(ctx, traceId, spanId) ?? await settle(ctx, traceId, spanId, timeoutMs)
      const pending = ctx.tests.releaseAfterTest(traceId)
      if (pending) await pending
      return trace
    },
  }
}

/**
 * Sends the request and reads its body; a failure is explained by the service's exit where there
 * is one. One promise for the whole exchange: the error handling lives inside it.
 */
function send(ctx: ClientContext, spec: RequestSpec, traceparent: string, traceId: string): Promise<TracedHttpResponse> {
  const { options, requestTimeoutMs } = ctx
  const headers: Record<string, string> = { ...spec.headers, traceparent }
  let body: string | Uint8Array | undefined = spec.body
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json)
    headers['content-type'] ??= 'application/json'
  }
  const what = `${spec.method} ${spec.path}`
  const exchange = async (): Promise<TracedHttpResponse> => {
    try {
      const res = await ctx.pool.request({
        method: spec.method ?? 'GET', path: spec.path, headers, body: body ?? null,
        headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs,
      })
      return makeResponse(res.statusCode, res.headers, await res.body.text(), what)
    } catch (error) {
      throw await sendFailure(ctx, error, what, traceId)
    }
  }
  // Tracing suppressed when an undici instrumentation listens: the harness's own request is not
  // the app's call, and the instrumentation would otherwise start a span of its own and append a
  // second traceparent, so the service would start a new trace. With none, nothing to suppress.
  const sent = undiciRequestsObserved() ? context.with(suppressed(context.active()), exchange) : exchange()
  // A service that dies fails its requests in flight at once, with its exit.
  return options.died ? Promise.race([sent, options.died]) : sent
}

// A test's context is nearly always the root one: its suppressed form is made once, not per request.
let suppressedRoot: Context | undefined

function suppressed(active: Context): Context {
  if (active !== ROOT_CONTEXT) return suppressTracing(active)
  suppressedRoot ??= suppressTracing(ROOT_CONTEXT)
  return suppressedRoot
}

/** The error a failed request rejects with: the service's exit when it died, else the request's own failure. */
async function sendFailure(ctx: ClientContext, error: unknown, what: string, traceId: string): Promise<Error> {
  const { options } = ctx
  // A timeout is the service's silence, not its exit: nothing to wait for.
  const timedOut = /^UND_ERR_(HEADERS|BODY)_TIMEOUT$/.test((error as { code?: string }).code ?? '')
  const dead = options.failure?.() ?? (timedOut ? undefined : await options.explainFailure?.(error))
  return dead ?? requestFailure(error, what, ctx.requestTimeoutMs, ctx.closed(), ctx.store.trace(traceId).toString())
}

/**
 * The trace, when the in-process rule already holds as the response is read (its entry span has
 * ended, no span is open, no store bound was hit); otherwise undefined, and {@link settle} waits.
 * Out of process (or pulled from a backend) there is always bookkeeping to do, so never.
 */
function settledAtOnce(ctx: ClientContext, traceId: string, spanId: string): Trace | undefined {
  const { options } = ctx
  if (ctx.late !== undefined || options.pull !== undefined || options.quietMs !== 0 || options.missingParentGraceMs || options.awaitChildrenOf !== undefined) return undefined
  return settledTrace(ctx.store, traceId, spanId)
}

/**
 * Waits for the trace to settle. A trace that hits a store bound fails its request with the
 * numbers, instead of settling on what is left of it: settleTrace checks before it starts and
 * rejects on a limit event. Out of process the settle rule is reported and the trace watched for
 * late spans; the in-process path skips that bookkeeping.
 */
async function settle(ctx: ClientContext, traceId: string, spanId: string, settleTimeoutMs: number): Promise<Trace> {
  const { options, store, late } = ctx
  // The running test's timeout is read through vitest's hooks: wait for them on a first request.
  await ctx.tests.ready()
  const waited = ctx.tests.budget(settleTimeoutMs)
  if (options.pull !== undefined) return settlePulled(ctx, options.pull, { traceId, spanId, waited })
  const settleOptions: SettleOptions = {
    harnessSpanId: spanId,
    quietMs: options.quietMs,
    timeoutMs: waited.ms,
    ...(options.missingParentGraceMs === undefined ? {} : { missingParentGraceMs: options.missingParentGraceMs }),
    ...(options.awaitChildrenOf === undefined ? {} : { awaitChildrenOf: options.awaitChildrenOf }),
  }
  let info: SettleInfo | undefined
  const responded = late === undefined ? 0 : performance.now()
  const settled = settleTrace(store, traceId, late === undefined ? settleOptions : {
    ...settleOptions,
    ...(options.reporting === undefined ? {} : { reporting: options.reporting }),
    ...(options.quietWindow === undefined ? {} : { quietWindow: options.quietWindow }),
    onSettled: (settledBy) => { info = settledBy },
  })
  let trace: Trace
  try {
    trace = options.died ? await Promise.race([settled, options.died]) : await settled
  } catch (error) {
    throw ctx.explain(error, traceId, waited)
  }
  const hitAfter = store.limitError(traceId)
  if (hitAfter) throw hitAfter
  if (late !== undefined && info !== undefined) late.handedOut(trace, info, performance.now() - responded)
  return trace
}

/** Pull mode: the trace is read from the backend until complete (PulledTraces.settle). */
async function settlePulled(ctx: ClientContext, pull: NonNullable<TracedClientOptions['pull']>, at: { traceId: string; spanId: string; waited: WaitBudget }): Promise<Trace> {
  const { options } = ctx
  const { traceId, spanId, waited } = at
  const responded = performance.now()
  let info: SettleInfo | undefined
  const trace = await pull.traces.settle(traceId, {
    harnessSpanId: spanId,
    timeoutMs: waited.ms,
    quietWindow: pull.quietWindow,
    onSettled: (settledBy) => { info = settledBy },
    ...(options.awaitChildrenOf === undefined ? {} : { awaitChildrenOf: options.awaitChildrenOf }),
  }).catch((error: unknown) => {
    throw ctx.explain(error, traceId, waited)
  })
  // settleReport(trace) gives the rule, the window and the time, as for a pushed trace, and the
  // late spans its test's end finds in the backend.
  if (info !== undefined) {
    if (ctx.late === undefined) recordSettle(trace, info, performance.now() - responded)
    else ctx.late.handedOut(trace, info, performance.now() - responded)
  }
  return trace
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

/** The error for a request that got no (complete) response: a timeout, a stop, a connection failure. */
function requestFailure(error: unknown, what: string, timeoutMs: number, stopped: boolean, captured: string): ServiceError {
  const code = (error as { code?: string }).code
  const reason = stopped
    ? 'the service was stopped while the request was in flight'
    : code === 'UND_ERR_HEADERS_TIMEOUT'
      ? `the service sent no response within requestTimeoutMs (${timeoutMs} ms). Please check that the handler answers every request, or raise requestTimeoutMs`
      : code === 'UND_ERR_BODY_TIMEOUT'
        ? `the service stopped sending the response body for longer than requestTimeoutMs (${timeoutMs} ms). Please check that the handler ends the response, or raise requestTimeoutMs`
        : (error as Error).message
  return new ServiceError(`Failed to ${what}: ${reason}.\n\n${captured}`, { cause: error })
}

/** The response as the test sees it: its body read as text, `json()` parsing it with a readable error. */
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
