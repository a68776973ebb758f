import type { CapturedLog } from '../model/captured-log.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { Trace } from '../select/trace.js'
import type { LinkedTraces } from '../select/trace.js'
import { TraceLimitError, UsageError } from '../errors.js'

export type { CapturedLog } from '../model/captured-log.js'

/**
 * Bounds of a {@link TraceStore}. `startService` and `startCollector` take the same two options.
 *
 * @example
 * ```ts
 * const options: TraceStoreOptions = { maxSpansPerTrace: 100_000, maxTraces: 1_000 }
 * ```
 */
export interface TraceStoreOptions {
  /**
   * Spans kept per trace. Spans beyond it are dropped and counted, and a request or `waitForSpan`
   * on that trace fails with a {@link TraceLimitError} naming the numbers. Default 50,000.
   */
  readonly maxSpansPerTrace?: number
  /**
   * Traces kept at once. Past it the oldest trace nobody waits for is released; when every held
   * trace is awaited, the oldest one is, and whoever waits for it fails with a
   * {@link TraceLimitError}. Default 10,000.
   */
  readonly maxTraces?: number
}

/** Defaults of {@link TraceStoreOptions}. */
const DEFAULT_MAX_SPANS_PER_TRACE = 50_000
const DEFAULT_MAX_TRACES = 10_000
/** Ids of released-because-full traces remembered, so a late look-up can say what happened. */
const REMEMBERED_EVICTIONS = 4_096

/**
 * What a watcher of one trace is told: a span started or ended, a log line arrived, the trace hit
 * `maxSpansPerTrace` (once, at the first dropped span), or it was released to stay within
 * `maxTraces`.
 *
 * @example
 * ```ts
 * store.watch(traceId, (event) => { if (event.type === 'limit') reject(store.limitError(traceId)) })
 * ```
 */
export { TraceLimitError }

export type TraceEvent =
  | { readonly type: 'start'; readonly spanId: string }
  | { readonly type: 'end'; readonly span: CapturedSpan }
  | { readonly type: 'log'; readonly log: CapturedLog }
  | { readonly type: 'limit'; readonly limit: 'maxSpansPerTrace' | 'maxTraces' }
  | { readonly type: 'report' }

/** A span that arrived after its trace was handed to a test, and how late. */
export interface LateSpan {
  readonly span: CapturedSpan
  /** Milliseconds between the trace being handed out and this span arriving. */
  readonly lateMs: number
}

/** What the service processes of a trace reported over the span channel (see `span-channel.ts`). */
interface ChannelReports {
  /** Per channel connection (one per process): true once it said every span of the trace it started is exported. */
  readonly done: Map<number, boolean>
  /** Local roots reported as started: span id → parent span id ('' for none). */
  readonly roots: Map<string, string>
  /**
   * Per connection: ids of spans the process said it is exporting as its last part of the trace
   * and that have not arrived yet. When the set empties, the process is done without waiting for
   * its `D` line, which comes only after the collector's answer reached it.
   */
  readonly expected: Map<number, Set<string>>
  /** Why a process could not export the trace's spans, if it said so. */
  failure: string | undefined
}



type TraceListener = (event: TraceEvent) => void

interface TraceEntry {
  readonly spans: CapturedSpan[]
  readonly spanIds: Set<string>
  /** Spans seen starting but not yet ended (in-process capture only). */
  readonly open: Map<string, string>
  readonly logs: CapturedLog[]
  dropped: number
  lastArrival: number
  cached: Trace | undefined
  /** Reports from span channels; undefined until the first one (foreign exporters never send any). */
  reports: ChannelReports | undefined
  /** `performance.now()` when the trace was handed to a test; spans after it are late. */
  handedOutAt: number | undefined
  late: LateSpan[] | undefined
}

/**
 * Every captured span, grouped by trace id. Both capture paths write here; settling, matchers and
 * baselines read from here. Watchers are called synchronously on every change, so waiting for a
 * trace never polls.
 *
 * @example
 * ```ts
 * const store = new TraceStore()
 * store.add(span)
 * store.trace(span.traceId).toString()
 * ```
 */
export class TraceStore {
  readonly #traces = new Map<string, TraceEntry>()
  readonly #listeners = new Map<string, Set<TraceListener>>()
  readonly #anyListeners = new Set<(span: CapturedSpan) => void>()
  readonly #lateListeners = new Set<(late: LateSpan) => void>()
  readonly #maxSpansPerTrace: number
  readonly #maxTraces: number
  #evictedTraces = 0
  readonly #evictedIds = new Set<string>()
  /** Trace id → ids of the other traces with a span linking into it. */
  readonly #linkedFrom = new Map<string, Set<string>>()
  readonly #linkView: LinkedTraces = {
    trace: (traceId) => (this.#traces.has(traceId) ? this.trace(traceId) : undefined),
    linkingTo: (traceId) => this.linkingTraceIds(traceId).map((id) => this.trace(id)),
  }

  /** @throws {UsageError} when a bound is not a positive integer. */
  constructor(options: TraceStoreOptions = {}) {
    this.#maxSpansPerTrace = checkLimit(options.maxSpansPerTrace, 'maxSpansPerTrace', DEFAULT_MAX_SPANS_PER_TRACE)
    this.#maxTraces = checkLimit(options.maxTraces, 'maxTraces', DEFAULT_MAX_TRACES)
  }

  /** Spans kept per trace before further spans are dropped. */
  get maxSpansPerTrace(): number {
    return this.#maxSpansPerTrace
  }

  /** Traces held at once before the oldest is released. */
  get maxTraces(): number {
    return this.#maxTraces
  }

  /**
   * Registers a trace the harness has just started, before any span of it exists, so output the
   * service writes for it (a log line carrying its id) is kept even if it beats the first span.
   */
  begin(traceId: string): void {
    this.#entry(traceId)
  }

  /** Records that a span has started (in-process capture), so settling knows it is still open. */
  markStarted(traceId: string, spanId: string, name = ''): void {
    const entry = this.#entry(traceId)
    if (entry === undefined) return
    entry.open.set(spanId, name)
    if (this.#listeners.size > 0) this.#emit(traceId, { type: 'start', spanId })
  }

  /** Adds an ended span. A span id already present in its trace is ignored (exporter retries). */
  add(span: CapturedSpan): void {
    const entry = this.#entry(span.traceId)
    if (entry === undefined) return
    entry.open.delete(span.spanId)
    if (entry.spanIds.has(span.spanId)) return
    if (entry.spans.length >= this.#maxSpansPerTrace) {
      entry.dropped++
      // Told once: from the first dropped span on, the trace can no longer be handed out whole.
      if (entry.dropped === 1) this.#emit(span.traceId, { type: 'limit', limit: 'maxSpansPerTrace' })
      return
    }
    entry.spans.push(span)
    entry.spanIds.add(span.spanId)
    for (const link of span.links) if (link.traceId !== span.traceId) this.#addLinkedFrom(link.traceId, span.traceId)
    if (entry.reports !== undefined && entry.reports.expected.size > 0) this.#arrivedAsExpected(entry.reports, span.spanId)
    entry.lastArrival = performance.now()
    entry.cached = undefined
    if (entry.handedOutAt !== undefined) this.#late(entry, span)
    if (this.#listeners.size > 0) this.#emit(span.traceId, { type: 'end', span })
    if (this.#anyListeners.size > 0) for (const listener of this.#anyListeners) listener(span)
  }

  #late(entry: TraceEntry, span: CapturedSpan): void {
    const late: LateSpan = { span, lateMs: entry.lastArrival - (entry.handedOutAt ?? entry.lastArrival) }
    ;(entry.late ??= []).push(late)
    for (const listener of this.#lateListeners) listener(late)
  }

  /**
   * Records that the trace was handed to a test as complete: every span of it that arrives from
   * now on is a {@link LateSpan}, kept with the trace and told to {@link watchLate} listeners.
   */
  markHandedOut(traceId: string): void {
    const entry = this.#traces.get(traceId)
    if (entry !== undefined) entry.handedOutAt ??= performance.now()
  }

  /** When the trace was handed out (`performance.now()`), or undefined. */
  handedOutAt(traceId: string): number | undefined {
    return this.#traces.get(traceId)?.handedOutAt
  }

  /** Spans that arrived after the trace was handed out, in arrival order. */
  lateSpans(traceId: string): readonly LateSpan[] {
    return this.#traces.get(traceId)?.late ?? []
  }

  /** Calls `listener` for every late span of any trace; returns the function that unsubscribes. */
  watchLate(listener: (late: LateSpan) => void): () => void {
    this.#lateListeners.add(listener)
    return () => this.#lateListeners.delete(listener)
  }

  /**
   * A service process reported over its span channel (`connection` names the process's
   * connection) that a local root span started: the process is now exporting spans of this trace
   * and owes a {@link reportExpected} or {@link reportDone}. The root counts as open until it arrives.
   */
  reportRoot(traceId: string, connection: number, spanId: string, parentSpanId: string, name: string): void {
    const entry = this.#entry(traceId)
    if (entry === undefined) return
    const reports = this.#reports(entry)
    reports.done.set(connection, false)
    // A new local root owes its own E or D line; spans named for an earlier root do not cover it.
    reports.expected.delete(connection)
    reports.roots.set(spanId, parentSpanId)
    if (!entry.spanIds.has(spanId)) entry.open.set(spanId, name)
    this.#emit(traceId, { type: 'report' })
  }

  /** A process reported a span of the trace still open when its local root ended. */
  reportOpen(traceId: string, spanId: string, name: string): void {
    const entry = this.#traces.get(traceId)
    if (entry === undefined || entry.spanIds.has(spanId)) return
    entry.open.set(spanId, name)
    this.#emit(traceId, { type: 'report' })
  }

  /**
   * A process reported that every span of the trace it started has ended and that the collector
   * has acknowledged their export (so they are in this store, unless dropped past a bound).
   */
  reportDone(traceId: string, connection: number): void {
    const entry = this.#traces.get(traceId)
    if (entry === undefined) return
    this.#reports(entry).done.set(connection, true)
    this.#emit(traceId, { type: 'report' })
  }

  /**
   * A process reported that every span of the trace it started has ended and that these, the last
   * of them, are on their way (its earlier parts were already acknowledged): it is done once they
   * are all in the store.
   */
  reportExpected(traceId: string, connection: number, spanIds: readonly string[]): void {
    const entry = this.#traces.get(traceId)
    if (entry === undefined) return
    const reports = this.#reports(entry)
    const missing = new Set(spanIds.filter((id) => !entry.spanIds.has(id)))
    if (missing.size === 0) {
      reports.done.set(connection, true)
      this.#emit(traceId, { type: 'report' })
    } else {
      reports.expected.set(connection, missing)
    }
  }

  #arrivedAsExpected(reports: ChannelReports, spanId: string): void {
    for (const [connection, missing] of reports.expected) {
      if (!missing.delete(spanId) || missing.size > 0) continue
      reports.expected.delete(connection)
      reports.done.set(connection, true)
    }
  }

  /** A process reported that it could not export spans of the trace. */
  reportFailure(traceId: string, connection: number, message: string): void {
    const entry = this.#traces.get(traceId)
    if (entry === undefined) return
    const reports = this.#reports(entry)
    reports.failure ??= message
    reports.done.set(connection, true)
    this.#emit(traceId, { type: 'report' })
  }

  /**
   * What the span channels said of a trace: whether a local root whose parent is `parentSpanId`
   * was reported, whether every reporting process is done, and an export failure if any.
   */
  channelState(traceId: string, parentSpanId: string | undefined): { rootReported: boolean; allDone: boolean; failure: string | undefined } {
    const reports = this.#traces.get(traceId)?.reports
    if (reports === undefined) return { rootReported: false, allDone: true, failure: undefined }
    let rootReported = false
    for (const parent of reports.roots.values()) if (parent === (parentSpanId ?? '')) rootReported = true
    let allDone = true
    for (const done of reports.done.values()) if (!done) allDone = false
    return { rootReported, allDone, failure: reports.failure }
  }

  #reports(entry: TraceEntry): ChannelReports {
    return entry.reports ??= { done: new Map(), roots: new Map(), expected: new Map(), failure: undefined }
  }

  #addLinkedFrom(target: string, from: string): void {
    let set = this.#linkedFrom.get(target)
    if (set === undefined) this.#linkedFrom.set(target, (set = new Set()))
    set.add(from)
  }

  /** Ids of the traces held with a span that links into `traceId`, in the order their first link arrived. */
  linkingTraceIds(traceId: string): string[] {
    const from = this.#linkedFrom.get(traceId)
    return from === undefined ? [] : [...from].filter((id) => this.#traces.has(id))
  }

  /** Adds a log line linked to a trace. */
  addLog(log: CapturedLog): void {
    const entry = this.#entry(log.traceId)
    if (entry === undefined) return
    entry.logs.push(log)
    // A snapshot copies the logs it was made with; the next one must include this line.
    entry.cached = undefined
    this.#emit(log.traceId, { type: 'log', log })
  }

  /** True once any span or log of `traceId` has been seen. */
  has(traceId: string): boolean {
    return this.#traces.has(traceId)
  }

  /** Ended spans of a trace, in arrival order. */
  spans(traceId: string): readonly CapturedSpan[] {
    return this.#traces.get(traceId)?.spans ?? []
  }

  /** Log lines linked to a trace, in arrival order. */
  logs(traceId: string): readonly CapturedLog[] {
    return this.#traces.get(traceId)?.logs ?? []
  }

  /** Spans of a trace that have started and not ended (always 0 for OTLP capture). */
  openSpanCount(traceId: string): number {
    return this.#traces.get(traceId)?.open.size ?? 0
  }

  /** Names of the spans of a trace that have started and not ended, by span id. */
  openSpans(traceId: string): ReadonlyMap<string, string> {
    return this.#traces.get(traceId)?.open ?? new Map()
  }

  /** Spans refused because the trace hit `maxSpansPerTrace`. */
  droppedSpanCount(traceId: string): number {
    return this.#traces.get(traceId)?.dropped ?? 0
  }

  /** Traces released because more than `maxTraces` were held. */
  get evictedTraceCount(): number {
    return this.#evictedTraces
  }

  /** True when the trace was released to stay within `maxTraces` (among the last 4,096 so released). */
  wasEvicted(traceId: string): boolean {
    return this.#evictedIds.has(traceId)
  }

  /**
   * The error to fail with when `traceId` hit a bound (spans dropped past `maxSpansPerTrace`, or
   * released to stay within `maxTraces`), naming the numbers and the option; undefined when the
   * trace is whole.
   */
  limitError(traceId: string): TraceLimitError | undefined {
    const dropped = this.droppedSpanCount(traceId)
    if (dropped > 0) {
      const max = this.#maxSpansPerTrace
      return new TraceLimitError(
        `Failed to capture trace ${traceId} whole: it has more spans than maxSpansPerTrace (${max}), so ${dropped} ` +
          `span${dropped === 1 ? ' was' : 's were'} dropped after the first ${max}, and assertions on it would miss them. ` +
          `Please raise maxSpansPerTrace (startService({ maxSpansPerTrace }) or startCollector({ maxSpansPerTrace })), ` +
          'or make the request do less work.',
      )
    }
    if (this.#evictedIds.has(traceId)) {
      const max = this.#maxTraces
      return new TraceLimitError(
        `Failed to capture trace ${traceId} whole: more than maxTraces (${max}) traces were held at once, so it was ` +
          `released to make room (${this.#evictedTraces} trace${this.#evictedTraces === 1 ? '' : 's'} released so far) ` +
          'and the spans it had were lost. Please raise maxTraces (startService({ maxTraces }) or ' +
          'startCollector({ maxTraces })), or send fewer requests at once.',
      )
    }
    return undefined
  }

  /** `performance.now()` of the last span that arrived for the trace, or undefined. */
  lastArrival(traceId: string): number | undefined {
    return this.#traces.get(traceId)?.lastArrival
  }

  /** Ids of the traces currently held, oldest first. */
  traceIds(): string[] {
    return [...this.#traces.keys()]
  }

  /** A snapshot of the trace as captured so far. Cached until the next span or log line arrives. */
  trace(traceId: string): Trace {
    const entry = this.#traces.get(traceId)
    if (entry === undefined) return new Trace([], { traceId, linked: this.#linkView })
    entry.cached ??= new Trace(entry.spans, { traceId, logs: entry.logs, linked: this.#linkView })
    return entry.cached
  }

  /** Calls `listener` on every change to one trace; returns the function that unsubscribes. */
  watch(traceId: string, listener: TraceListener): () => void {
    let set = this.#listeners.get(traceId)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(traceId, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.#listeners.get(traceId) === set) this.#listeners.delete(traceId)
    }
  }

  /** Calls `listener` for every span added to any trace; returns the function that unsubscribes. */
  watchAll(listener: (span: CapturedSpan) => void): () => void {
    this.#anyListeners.add(listener)
    return () => this.#anyListeners.delete(listener)
  }

  /** Forgets a trace and everything linked to it. */
  release(traceId: string): void {
    this.#traces.delete(traceId)
    this.#evictedIds.delete(traceId)
    this.#linkedFrom.delete(traceId)
  }

  /** Forgets every trace. */
  clear(): void {
    this.#traces.clear()
    this.#evictedIds.clear()
    this.#linkedFrom.clear()
  }

  /**
   * The entry of a trace, made on first sight; undefined for a trace released to stay within
   * `maxTraces`, whose late spans are not let back in: a new entry would push out another trace,
   * and the one it would hold is incomplete anyway.
   */
  #entry(traceId: string): TraceEntry | undefined {
    let entry = this.#traces.get(traceId)
    if (entry === undefined) {
      if (this.#evictedIds.has(traceId)) return undefined
      entry = { spans: [], spanIds: new Set(), open: new Map(), logs: [], dropped: 0, lastArrival: 0, cached: undefined, reports: undefined, handedOutAt: undefined, late: undefined }
      this.#traces.set(traceId, entry)
      if (this.#traces.size > this.#maxTraces) this.#evict(traceId)
    }
    return entry
  }

  /**
   * Releases one trace to stay within `maxTraces`: the oldest that nobody watches (finished
   * requests, stray spans), else the oldest of all, whose watchers are told so they fail loudly
   * instead of settling on what is left of it.
   */
  #evict(newest: string): void {
    let victim: string | undefined
    for (const traceId of this.#traces.keys()) {
      if (traceId === newest) break
      victim ??= traceId
      if (!this.#listeners.has(traceId)) {
        victim = traceId
        break
      }
    }
    if (victim === undefined) return
    this.#traces.delete(victim)
    this.#linkedFrom.delete(victim)
    this.#evictedTraces++
    this.#evictedIds.add(victim)
    if (this.#evictedIds.size > REMEMBERED_EVICTIONS) this.#evictedIds.delete(this.#evictedIds.values().next().value as string)
    this.#emit(victim, { type: 'limit', limit: 'maxTraces' })
  }

  #emit(traceId: string, event: TraceEvent): void {
    const set = this.#listeners.get(traceId)
    if (set === undefined) return
    for (const listener of [...set]) listener(event)
  }
}

/**
 * Just the store bounds of a larger options object (a service's, a collector's), as
 * `new TraceStore()` takes them.
 *
 * @example
 * ```ts
 * new TraceStore(storeOptions({ name: 'orders', maxSpansPerTrace: 100 })) // bounded to 100 spans per trace
 * ```
 */
export function storeOptions(options: TraceStoreOptions): TraceStoreOptions {
  return {
    ...(options.maxSpansPerTrace === undefined ? {} : { maxSpansPerTrace: options.maxSpansPerTrace }),
    ...(options.maxTraces === undefined ? {} : { maxTraces: options.maxTraces }),
  }
}

function checkLimit(value: number | undefined, option: keyof TraceStoreOptions, fallback: number): number {
  if (value === undefined) return fallback
  if (Number.isSafeInteger(value) && value > 0) return value
  throw new UsageError(
    `Failed to set up the trace store: ${option} must be a positive integer, got ${String(value)}. ` +
      `Please pass a whole number above 0 (the default is ${fallback.toLocaleString('en-US')}).`,
  )
}
