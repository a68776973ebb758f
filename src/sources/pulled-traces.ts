import { setTimeout as sleep } from 'node:timers/promises'
import { ServiceError, TraceTimeoutError } from '../errors.js'
import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import type { QuietWindow } from '../collector/quiet-window.js'
import type { SettleInfo, SettleOptions } from '../collector/settle.js'
import type { TraceSource } from './trace-source.js'
import type { TraceStore } from '../collector/trace-store.js'

/** Options of {@link PulledTraces.settle}. */
export interface PullSettleOptions {
  /** The harness's client span: the entry span is its child. */
  readonly harnessSpanId: string
  /** Give up after this many ms with a {@link TraceTimeoutError} naming what was found and what is missing. */
  readonly timeoutMs: number
  /** How long nothing new must have come, learned from the backend's recent delays. */
  readonly quietWindow: QuietWindow
  /** Spans that must have a child before the trace counts as settled (calls answered by a known service). */
  readonly awaitChildrenOf?: (span: CapturedSpan) => boolean
  /** Told how the trace was settled (always by the quiet rule), as {@link SettleOptions.onSettled}. */
  readonly onSettled?: (info: SettleInfo) => void
}

/** First wait between two queries of one trace, ms; each later one doubles, up to {@link MAX_DELAY_MS}. */
const FIRST_DELAY_MS = 10
const MAX_DELAY_MS = 1_000
/** Queries in flight at once when a test's traces are read again at its end. */
const REFRESH_CONCURRENCY = 8

/** What one query brought. */
interface Poll {
  readonly added: number
  readonly error: Error | undefined
}

/**
 * Traces read from a {@link TraceSource} into a local store: settling queries the backend with
 * backoff until the trace is complete by the foreign exporters' rule (entry span, every referenced
 * parent, and nothing new for the quiet window, confirmed by a query after the window), and
 * `follow` keeps querying a trace while a test waits for a later span of it.
 */
export class PulledTraces {
  readonly #source: TraceSource
  readonly #store: TraceStore
  readonly #stopped = new AbortController()
  #queries = 0

  constructor(source: TraceSource, store: TraceStore) {
    this.#source = source
    this.#store = store
  }

  /** The backend's address, as its source names it. */
  get url(): string {
    return this.#source.url
  }

  /** Queries sent so far, for messages and the benchmark. */
  get queries(): number {
    return this.#queries
  }

  /** Resolves with the trace once complete; rejects after `timeoutMs` naming what is there and what is not. */
  async settle(traceId: string, options: PullSettleOptions): Promise<Trace> {
    const started = performance.now()
    const deadline = started + options.timeoutMs
    let delay = FIRST_DELAY_MS
    let lastChange: number | undefined
    let entryAt: number | undefined
    let lastError: Error | undefined
    let queries = 0
    for (;;) {
      const poll = await this.#poll(traceId)
      queries++
      const now = performance.now()
      lastError = poll.error
      if (poll.added > 0) {
        lastChange = now
        delay = FIRST_DELAY_MS
      }
      const missing = missingPieces(this.#store.spans(traceId), options)
      if (entryAt === undefined && missing.entrySeen) entryAt = now
      const window = options.quietWindow.ms
      if (missing.complete && lastChange !== undefined && now - lastChange >= window) {
        options.quietWindow.observe(lastChange - (entryAt ?? lastChange))
        this.#store.markHandedOut(traceId)
        options.onSettled?.({ rule: 'quiet', quietMs: window })
        return this.#store.trace(traceId)
      }
      if (now >= deadline) throw this.#timeout(traceId, options, { queries, lastError, elapsedMs: now - started })
      // Complete but not quiet for long enough: query again once the window has passed.
      const wait = missing.complete && lastChange !== undefined ? Math.max(1, lastChange + window - now) : delay
      delay = Math.min(MAX_DELAY_MS, delay * 2)
      await sleep(Math.min(wait, Math.max(1, deadline - now)), undefined, { signal: this.#stopped.signal }).catch(() => {})
      if (this.#stopped.signal.aborted) throw new ServiceError(`Failed to settle trace ${traceId}: the service was stopped while its trace was being read from ${this.#source.url}. Please stop it after its requests have resolved.`)
    }
  }

  /**
   * Keeps querying `traceId` with backoff (new spans land in the store, where a waiting test sees
   * them) until the returned function is called, `timeoutMs` passes, or the source is closed.
   */
  follow(traceId: string, timeoutMs: number): () => void {
    const done = new AbortController()
    const signal = AbortSignal.any([done.signal, this.#stopped.signal, AbortSignal.timeout(timeoutMs)])
    void (async () => {
      let delay = FIRST_DELAY_MS
      while (!signal.aborted) {
        const poll = await this.#poll(traceId)
        delay = poll.added > 0 ? FIRST_DELAY_MS : Math.min(MAX_DELAY_MS, delay * 2)
        await sleep(delay, undefined, { signal }).catch(() => {})
      }
    })()
    return () => done.abort()
  }

  /**
   * Queries each trace once more (a few at a time), adding what the backend stored since: when a
   * test ends, spans of its handed-out traces that came late reach the store, which reports them.
   * A failed query is skipped: the backend's hiccup is not the test's failure.
   */
  async refresh(traceIds: readonly string[], signal?: AbortSignal): Promise<void> {
    const queue = [...traceIds]
    const stop = signal === undefined ? this.#stopped.signal : AbortSignal.any([this.#stopped.signal, signal])
    const worker = async (): Promise<void> => {
      for (let traceId = queue.shift(); traceId !== undefined && !stop.aborted; traceId = queue.shift()) {
        await this.#poll(traceId, stop)
      }
    }
    await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, queue.length) }, worker))
  }

  /** Stops every query loop and closes the source. */
  async close(): Promise<void> {
    this.#stopped.abort()
    await this.#source.close?.()
  }

  /** One query: adds the spans the store does not have yet. */
  async #poll(traceId: string, signal = this.#stopped.signal): Promise<Poll> {
    this.#queries++
    let spans: readonly CapturedSpan[]
    try {
      spans = await this.#source.fetchTrace(traceId, signal)
    } catch (error) {
      return { added: 0, error: error instanceof Error ? error : new Error(String(error)) }
    }
    if (!this.#store.has(traceId)) return { added: 0, error: undefined }
    const have = new Set(this.#store.spans(traceId).map((s) => s.spanId))
    let added = 0
    for (const span of spans) {
      if (span.traceId !== traceId || have.has(span.spanId)) continue
      have.add(span.spanId)
      this.#store.add(span)
      added++
    }
    return { added, error: undefined }
  }

  #timeout(traceId: string, options: PullSettleOptions, at: { queries: number; lastError: Error | undefined; elapsedMs: number }): TraceTimeoutError {
    const spans = this.#store.spans(traceId)
    const missing = missingPieces(spans, options)
    const found = spans.length === 0
      ? 'found no span of it'
      : `found ${spans.length} span${spans.length === 1 ? '' : 's'} (${spans.slice(0, 8).map((s) => JSON.stringify(s.name)).join(', ')}${spans.length > 8 ? ', …' : ''})`
    const lacking = [
      missing.entrySeen
        ? 'the entry span was seen'
        : `the entry span (the service's span whose parent is the harness span ${options.harnessSpanId}) was never seen`,
      ...missing.absentParents.map((p) => `parent span ${p.parentSpanId} referenced by ${p.children.map((n) => JSON.stringify(n)).join(', ')} is absent`),
      ...missing.childless.map((n) => `the call ${n} was answered but the callee's SERVER span is absent`),
    ]
    const last = at.lastError === undefined ? '' : `\nThe last query failed: ${at.lastError.message}`
    return new TraceTimeoutError(
      `Failed to settle trace ${traceId} read from ${this.#source.url} within ${options.timeoutMs} ms (${at.queries} queries): ${found}; ${lacking.join('; ')}.${last}\n\n` +
        `${this.#store.trace(traceId).toString()}\n\n` +
        'Please check that the service exports its spans to the Collector and the Collector to this backend, and that its ingestion delay fits in `settleTimeoutMs` (raise it for a slow backend).',
    )
  }
}

/** What the completeness rule still lacks in `spans`. */
function missingPieces(spans: readonly CapturedSpan[], options: PullSettleOptions) {
  const ids = new Set<string>()
  for (const span of spans) ids.add(span.spanId)
  const entrySeen = spans.some((s) => s.parentSpanId === options.harnessSpanId)
  const absent = new Map<string, string[]>()
  const parents = new Set<string>()
  for (const span of spans) {
    const p = span.parentSpanId
    if (p === undefined) continue
    parents.add(p)
    if (p === options.harnessSpanId || ids.has(p)) continue
    absent.set(p, [...(absent.get(p) ?? []), span.name])
  }
  const awaited = options.awaitChildrenOf
  const childless = awaited === undefined ? [] : spans.filter((s) => !parents.has(s.spanId) && awaited(s)).map((s) => `${s.name} (${s.spanId})`)
  const absentParents = [...absent].map(([parentSpanId, children]) => ({ parentSpanId, children }))
  return { entrySeen, absentParents, childless, complete: entrySeen && absentParents.length === 0 && childless.length === 0 }
}
