import type { CapturedSpan } from '../model/captured-span.js'
import { Trace } from '../model/trace.js'

/** A log line the service wrote, linked to a trace (OTLP log record or a stdout/stderr line). */
export interface CapturedLog {
  readonly traceId: string
  readonly spanId?: string
  /** Nanoseconds since the Unix epoch (0n when unknown). */
  readonly time: bigint
  readonly severity?: string
  readonly body: string
  readonly source: 'otlp' | 'stdout' | 'stderr'
}

export interface TraceStoreOptions {
  /** Spans kept per trace; spans beyond it are counted as dropped and reported. Default 50,000. */
  readonly maxSpansPerTrace?: number
  /** Traces kept at once; the oldest released first. Default 10,000. */
  readonly maxTraces?: number
}

/** What a watcher of one trace is told. */
export type TraceEvent =
  | { readonly type: 'start'; readonly spanId: string }
  | { readonly type: 'end'; readonly span: CapturedSpan }
  | { readonly type: 'log'; readonly log: CapturedLog }

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
  readonly #maxSpansPerTrace: number
  readonly #maxTraces: number
  #evictedTraces = 0

  constructor(options: TraceStoreOptions = {}) {
    this.#maxSpansPerTrace = options.maxSpansPerTrace ?? 50_000
    this.#maxTraces = options.maxTraces ?? 10_000
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
    entry.open.set(spanId, name)
    this.#emit(traceId, { type: 'start', spanId })
  }

  /** Adds an ended span. A span id already present in its trace is ignored (exporter retries). */
  add(span: CapturedSpan): void {
    const entry = this.#entry(span.traceId)
    entry.open.delete(span.spanId)
    if (entry.spanIds.has(span.spanId)) return
    if (entry.spans.length >= this.#maxSpansPerTrace) {
      entry.dropped++
      return
    }
    entry.spans.push(span)
    entry.spanIds.add(span.spanId)
    entry.lastArrival = performance.now()
    entry.cached = undefined
    this.#emit(span.traceId, { type: 'end', span })
    for (const listener of this.#anyListeners) listener(span)
  }

  /** Adds a log line linked to a trace. */
  addLog(log: CapturedLog): void {
    const entry = this.#entry(log.traceId)
    entry.logs.push(log)
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

  /** `performance.now()` of the last span that arrived for the trace, or undefined. */
  lastArrival(traceId: string): number | undefined {
    return this.#traces.get(traceId)?.lastArrival
  }

  /** Ids of the traces currently held, oldest first. */
  traceIds(): string[] {
    return [...this.#traces.keys()]
  }

  /** A snapshot of the trace as captured so far. Cached until the next span arrives. */
  trace(traceId: string): Trace {
    const entry = this.#traces.get(traceId)
    if (entry === undefined) return new Trace([], { traceId })
    entry.cached ??= new Trace(entry.spans, { traceId, logs: entry.logs })
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
  }

  /** Forgets every trace. */
  clear(): void {
    this.#traces.clear()
  }

  #entry(traceId: string): TraceEntry {
    let entry = this.#traces.get(traceId)
    if (entry === undefined) {
      entry = { spans: [], spanIds: new Set(), open: new Map(), logs: [], dropped: 0, lastArrival: 0, cached: undefined }
      this.#traces.set(traceId, entry)
      if (this.#traces.size > this.#maxTraces) {
        const oldest = this.#traces.keys().next().value
        if (oldest !== undefined && oldest !== traceId) {
          this.#traces.delete(oldest)
          this.#evictedTraces++
        }
      }
    }
    return entry
  }

  #emit(traceId: string, event: TraceEvent): void {
    const set = this.#listeners.get(traceId)
    if (set === undefined) return
    for (const listener of [...set]) listener(event)
  }
}
