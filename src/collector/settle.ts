import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import { ServiceError, TraceTimeoutError } from '../errors.js'
import type { QuietWindow } from './quiet-window.js'
import type { TraceStore } from './trace-store.js'

/** How a trace was settled, for {@link SettleOptions.onSettled}. */
export interface SettleInfo {
  /** `exact`: span starts were reported (in-process, or over the span channel); `quiet`: a foreign exporter, by quiet window. */
  readonly rule: 'exact' | 'quiet'
  /** The quiet window used, ms (0 for `exact`). */
  readonly quietMs: number
}

export interface SettleOptions {
  /**
   * Span id of the harness's (virtual) client span whose child is the entry span. When omitted,
   * any span without a parent in the trace counts as the entry.
   */
  readonly harnessSpanId?: string
  /**
   * Quiet window in ms: how long no new span of the trace must arrive before it counts as
   * settled. 0 for in-process capture, which sees spans start and so knows when none is open.
   */
  readonly quietMs: number
  /**
   * Out of process, how long after the last arrival to keep waiting for parents referenced by
   * arrived spans (and for `awaitChildrenOf` children). Default 0: in-process nothing can be late.
   */
  readonly missingParentGraceMs?: number
  /**
   * Spans that must have a child before the trace counts as settled: a CLIENT span whose call was
   * answered by another service exporting to the same collector. That service's SERVER span is
   * certain to come in one of its batches, however loaded the machine, so it is waited for until
   * the timeout (which then names the call), not just for the grace.
   */
  readonly awaitChildrenOf?: (span: CapturedSpan) => boolean
  /** Give up after this many ms with a {@link TraceTimeoutError}. */
  readonly timeoutMs: number
  /**
   * True when the service reports span starts over the span channel (`tracewright/register`):
   * its trace settles exactly once its processes say every span they started is exported, and
   * never by a quiet window. A trace whose entry process reports is settled exactly in any case.
   */
  readonly reporting?: () => boolean
  /**
   * Out of process, for a foreign exporter: the learned quiet window (at least `quietMs`), which
   * this trace's straggle teaches in turn.
   */
  readonly quietWindow?: QuietWindow
  /** Told how the trace was settled. */
  readonly onSettled?: (info: SettleInfo) => void
  readonly signal?: AbortSignal
}

/** True when the trace is settled but for the quiet window and late parents (the hot path). */
function isSettled(store: TraceStore, traceId: string, harnessSpanId: string | undefined): boolean {
  if (store.openSpanCount(traceId) > 0) return false
  if (harnessSpanId === undefined) return unsettledReasons(store, traceId, harnessSpanId).length === 0
  for (const span of store.spans(traceId)) if (span.parentSpanId === harnessSpanId) return true
  return false
}

/** Why a trace is not settled yet; empty when it is. */
export function unsettledReasons(store: TraceStore, traceId: string, harnessSpanId: string | undefined): string[] {
  const spans = store.spans(traceId)
  const reasons: string[] = []
  const ids = new Set<string>()
  for (const span of spans) ids.add(span.spanId)
  const entry = spans.some((s) => harnessSpanId === undefined
    ? s.parentSpanId === undefined || !ids.has(s.parentSpanId)
    : s.parentSpanId === harnessSpanId)
  if (!entry) {
    reasons.push(harnessSpanId === undefined
      ? 'the entry span has not ended'
      : `the entry span (the service's span whose parent is the harness span ${harnessSpanId}) has not arrived`)
  }
  const open = store.openSpans(traceId)
  if (open.size > 0) {
    const names = [...open.values()].slice(0, 5).map((n) => JSON.stringify(n))
    reasons.push(`${open.size} span${open.size === 1 ? ' has' : 's have'} started and not ended (${names.join(', ')}${open.size > 5 ? ', …' : ''})`)
  }
  return reasons
}

function childlessCallers(store: TraceStore, traceId: string, awaitChildrenOf: ((span: CapturedSpan) => boolean) | undefined): string[] {
  if (awaitChildrenOf === undefined) return []
  const spans = store.spans(traceId)
  const parents = new Set<string>()
  for (const span of spans) if (span.parentSpanId !== undefined) parents.add(span.parentSpanId)
  return spans.filter((s) => !parents.has(s.spanId) && awaitChildrenOf(s)).map((s) => `${s.name} (${s.spanId})`)
}

function missingParents(store: TraceStore, traceId: string, harnessSpanId: string | undefined): string[] {
  const spans = store.spans(traceId)
  const ids = new Set<string>()
  for (const span of spans) ids.add(span.spanId)
  const missing = new Set<string>()
  for (const span of spans) {
    const p = span.parentSpanId
    if (p !== undefined && p !== harnessSpanId && !ids.has(p) && !store.openSpans(traceId).has(p)) missing.add(p)
  }
  return [...missing]
}

/**
 * The trace if it is settled by the in-process rule right now: its entry span has ended, no span
 * of it is open, and no store bound was hit. Undefined otherwise ({@link settleTrace} then waits,
 * or rejects with the bound). For a caller that can skip a promise when nothing is left to wait for.
 */
export function settledTrace(store: TraceStore, traceId: string, harnessSpanId: string | undefined): Trace | undefined {
  if (store.limitError(traceId) !== undefined) return undefined
  return isSettled(store, traceId, harnessSpanId) ? store.trace(traceId) : undefined
}

/**
 * Runs `fn` after the event loop's next I/O poll, which reads whatever reached the process's
 * sockets by then. One `setImmediate` does not promise that: set from an I/O callback (a span
 * arriving, a response read) it runs in the same turn's check phase, right after the poll that
 * already ran. An immediate set from the check phase runs in the next turn, after its poll.
 */
function afterNextPoll(fn: () => void): { cancel(): void } {
  let pending = setImmediate(() => {
    pending = setImmediate(fn)
  })
  return { cancel: () => clearImmediate(pending) }
}

/**
 * Resolves with the trace once it is complete. In-process (`quietMs: 0`): the entry span has ended
 * and no span of the trace is open — decided the moment the last span ends, with no timer. Over the
 * span channel (`tracewright/register`): the entry process reported its root, every reporting
 * process said all the spans it started are exported, and nothing is open. Any other exporter: the
 * entry span has arrived, every referenced parent is present, and no span arrived for the quiet
 * window (`quietMs`, or the learned `quietWindow` when larger). Never polls: it reacts to the
 * store's events and one timer at a time.
 *
 * @example
 * ```ts
 * const trace = await settleTrace(store, traceId, { harnessSpanId, quietMs: 0, timeoutMs: 5000 })
 * ```
 */
export function settleTrace(store: TraceStore, traceId: string, options: SettleOptions): Promise<Trace> {
  const { harnessSpanId, quietMs, timeoutMs, signal } = options
  const grace = options.missingParentGraceMs ?? 0
  const limit = store.limitError(traceId)
  if (limit) return Promise.reject(limit)
  if (quietMs === 0 && grace === 0 && options.awaitChildrenOf === undefined && isSettled(store, traceId, harnessSpanId)) {
    return Promise.resolve(store.trace(traceId))
  }
  return new Promise<Trace>((resolve, reject) => {
    // Whether the entry span is in is tracked as spans arrive, so each arrival costs a comparison
    // rather than a scan of every span so far (quadratic for a large trace).
    let entrySeen = harnessSpanId !== undefined && store.spans(traceId).some((s) => s.parentSpanId === harnessSpanId)
    let entryArrival = entrySeen ? performance.now() : undefined
    const settled = (): boolean => harnessSpanId === undefined
      ? isSettled(store, traceId, harnessSpanId)
      : entrySeen && store.openSpanCount(traceId) === 0
    let timer: NodeJS.Timeout | undefined
    let confirming = false
    // True once an I/O poll has run since the last span arrived (see evaluate).
    let polled = false
    let polling: { cancel(): void } | undefined
    const finish = (error?: Error, info?: SettleInfo): void => {
      unwatch()
      polling?.cancel()
      clearTimeout(timeout)
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (error) return reject(error)
      if (info !== undefined && options.onSettled !== undefined) {
        // Marked here, in the same turn as the last check: a span arriving from now on is late.
        store.markHandedOut(traceId)
        options.onSettled(info)
      }
      resolve(store.trace(traceId))
    }
    const recheckIn = (ms: number): void => {
      clearTimeout(timer)
      timer = setTimeout(evaluate, ms)
    }
    /** Parents and calls into known services, awaited on either rule; true when settling must wait. */
    const waitsForOthers = (quietFor: number): boolean => {
      if (childlessCallers(store, traceId, options.awaitChildrenOf).length > 0) return true
      if (grace > 0 && quietFor < grace && missingParents(store, traceId, harnessSpanId).length > 0) {
        recheckIn(grace - quietFor)
        return true
      }
      return false
    }
    /**
     * The exact rule over the span channel: the entry process reported its root, every process
     * that reported a root of this trace said all its spans are exported, nothing is open.
     */
    const evaluateExact = (): void => {
      const channel = store.channelState(traceId, harnessSpanId)
      if (channel.failure !== undefined) return finish(exportFailure(traceId, channel.failure))
      if (!channel.rootReported || !entrySeen || store.openSpanCount(traceId) > 0 || !channel.allDone) return
      const now = performance.now()
      if (waitsForOthers(now - (store.lastArrival(traceId) ?? now))) return
      // One turn later, so lines another process wrote before this one's last line (a downstream
      // service's root, written before it answered) have been read from its socket too.
      if (confirming) return
      confirming = true
      setImmediate(() => {
        confirming = false
        const again = store.channelState(traceId, harnessSpanId)
        if (again.allDone && again.failure === undefined && store.openSpanCount(traceId) === 0 && childlessCallers(store, traceId, options.awaitChildrenOf).length === 0) {
          finish(undefined, { rule: 'exact', quietMs: 0 })
        } else evaluate()
      })
    }
    const evaluate = (): void => {
      if (store.channelState(traceId, harnessSpanId).rootReported || options.reporting?.() === true) return evaluateExact()
      if (!settled()) return
      const now = performance.now()
      const quietFor = now - (store.lastArrival(traceId) ?? now)
      const window = Math.max(quietMs, options.quietWindow?.ms ?? 0)
      if (quietFor < window) return recheckIn(window - quietFor)
      // Settled but for a referenced parent, or a call into a known service whose SERVER span has
      // not come: another process's next batch may bring it. Wait up to the grace, then settle
      // anyway so a broken trace shows up in assertions rather than as a timeout.
      if (waitsForOthers(quietFor)) return
      // The window is measured on the clock, but Node runs due timers before it reads its sockets:
      // on a process that could not run for longer than the window (a busy machine), an export
      // that arrived meanwhile is still unread when the timer fires. Settle only after one I/O
      // poll since the last arrival, which reads it (and, if it brought a span, restarts the wait).
      // In process (no window) every span is in the store the moment it ends: nothing to read.
      if (window > 0 && !polled) {
        polling ??= afterNextPoll(() => {
          polling = undefined
          polled = true
          evaluate()
        })
        return
      }
      if (entryArrival !== undefined) options.quietWindow?.observe((store.lastArrival(traceId) ?? entryArrival) - entryArrival)
      finish(undefined, { rule: 'quiet', quietMs: window })
    }
    const unwatch = store.watch(traceId, (event) => {
      if (event.type === 'limit') return finish(store.limitError(traceId))
      if (event.type === 'log') return
      polled = false
      if (event.type === 'end' && event.span.parentSpanId === harnessSpanId) {
        entrySeen = true
        entryArrival ??= performance.now()
      }
      evaluate()
    })
    const timeout = setTimeout(() => finish(timeoutError(store, traceId, options)), timeoutMs)
    const onAbort = (): void => finish(signal?.reason instanceof Error ? signal.reason : new Error('settling was aborted'))
    signal?.addEventListener('abort', onAbort, { once: true })
    evaluate()
  })
}

/** The error for a process that said over the span channel that exporting the trace's spans failed. */
function exportFailure(traceId: string, reason: string): ServiceError {
  return new ServiceError(
    `Failed to capture trace ${traceId}: the service could not export its spans (${reason}). ` +
      "Please check that nothing else holds the collector's port and that the service's OTEL_EXPORTER_OTLP_* settings were not overridden.",
  )
}

/** The error for a trace that did not settle in time, with every reason that still held. */
function timeoutError(store: TraceStore, traceId: string, options: SettleOptions): TraceTimeoutError {
  const { harnessSpanId, timeoutMs } = options
  const reasons = unsettledReasons(store, traceId, harnessSpanId)
  const channel = store.channelState(traceId, harnessSpanId)
  if (options.reporting?.() === true && !channel.rootReported) {
    reasons.push('the service reports its spans to the harness (tracewright/register) but reported no span of this request')
  } else if (channel.rootReported && !channel.allDone) {
    reasons.push('a process of the service has not finished exporting the spans it started')
  }
  const missing = missingParents(store, traceId, harnessSpanId)
  if (missing.length > 0) reasons.push(`parent span${missing.length === 1 ? '' : 's'} ${missing.join(', ')} never arrived`)
  const callers = childlessCallers(store, traceId, options.awaitChildrenOf)
  if (callers.length > 0) {
    reasons.push(`the service called by ${callers.join(', ')} answered, but its SERVER span never arrived (does it export its spans to this collector?)`)
  }
  return new TraceTimeoutError(
    `Failed to settle trace ${traceId} within ${timeoutMs} ms: ${reasons.join('; ') || 'spans kept arriving'}.\n\n` +
      `${store.trace(traceId).toString()}\n\n` +
      'Please check that the service ends its spans and exports them (for a child process: OTEL_* environment and the exporter), or raise `settleTimeoutMs` (or `timeoutMs` for one request).',
  )
}
