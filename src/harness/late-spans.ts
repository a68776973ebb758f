import type { SettleInfo } from '../collector/settle.js'
import type { QuietWindow } from '../collector/quiet-window.js'
import type { LateSpan, TraceStore } from '../collector/trace-store.js'
import type { LateSpanError } from '../errors.js'
import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import { describeLateSpans, LATE_SPAN_WARNING, lateSpanError, recordSettle } from './settle-report.js'

/** Handed-out traces watched at once per service; past it the oldest is let go. */
const WATCHED = 10_000
/** The longest a service's stop reads its unchecked pulled traces once more (see finalCheck). */
const FINAL_CHECK_MS = 2_000
/** Released trace ids remembered, so a span arriving after its test ended is still noticed. */
const RELEASED_REMEMBERED = 4_096

/** A backend the traces are pulled from (`PulledTraces`). */
interface PulledFrom {
  /** The backend, named in the message. */
  readonly url: string
  /** Queries each trace once more, adding the spans stored since to the store. */
  refresh(traceIds: readonly string[], signal?: AbortSignal): Promise<void>
}

interface Watched {
  readonly late: LateSpan[]
  readonly info: SettleInfo
  readonly at: number
  /** A vitest test will check this trace when it finishes, so a late span fails that test. */
  owned: boolean
  /** The owning test has finished: from now on a late span can only be reported. */
  checked: boolean
  /** The test waits for more spans of this trace (`waitForSpan`): what comes after is expected. */
  expected: boolean
}

/**
 * Keeps watch over the traces a child-process service handed out, so a span that arrives after its
 * trace was handed to a test is never silent. Inside vitest, a test that ran on its own fails when
 * it finishes (after waiting out the rest of the quiet window its traces were settled with, so a
 * straggler still in flight is caught). Otherwise (a concurrent test, a span after its test ended,
 * a plain script) the harness prints a warning, which `tracewright/reporter` lists in its summary;
 * in every case `settleReport(trace).late` holds the late spans. A late span also widens the
 * learned quiet window for the traces after it.
 */
export class LateSpanWatch {
  readonly #watched = new Map<string, Watched>()
  readonly #released = new Set<string>()
  readonly #quietWindow: QuietWindow | undefined
  readonly #store: TraceStore
  readonly #unwatch: Array<() => void>
  readonly #pulled: PulledFrom | undefined

  /**
   * @param pulled where the traces are read from when their spans reach the store only when asked
   * for (a backend): read once more before a test's check
   */
  constructor(store: TraceStore, quietWindow: QuietWindow | undefined, pulled?: PulledFrom) {
    this.#store = store
    this.#quietWindow = quietWindow
    this.#pulled = pulled
    this.#unwatch = [
      store.watchLate((late) => this.#onLate(late)),
      store.watchAll((span) => this.#onAny(span)),
    ]
  }

  /** Marks a settled trace as handed to the test. */
  handedOut(trace: Trace, info: SettleInfo, settleMs: number): void {
    this.#store.markHandedOut(trace.traceId)
    const late = recordSettle(trace, info, settleMs)
    this.#watched.set(trace.traceId, { late, info, at: performance.now(), owned: false, checked: false, expected: false })
    if (this.#watched.size > WATCHED) this.#watched.delete(this.#watched.keys().next().value as string)
  }

  /** A vitest test took ownership of the trace: it will call {@link checkTest} when it finishes. */
  own(traceId: string): void {
    const watched = this.#watched.get(traceId)
    if (watched !== undefined) watched.owned = true
  }

  /** The test waits for spans of this trace after it was handed out (background work): they are not late. */
  expectMore(traceId: string): void {
    const watched = this.#watched.get(traceId)
    if (watched !== undefined) watched.expected = true
  }

  /**
   * Called when the test that got `traceIds` finishes: waits out what is left of each trace's
   * quiet window since it was handed out, then returns the error to fail the test with when any
   * span of them came late.
   */
  async checkTest(traceIds: readonly string[]): Promise<LateSpanError | undefined> {
    let until = 0
    for (const traceId of traceIds) {
      const watched = this.#watched.get(traceId)
      if (watched !== undefined && watched.info.rule === 'quiet') until = Math.max(until, watched.at + watched.info.quietMs)
    }
    const wait = until - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    if (this.#pulled !== undefined) {
      const handedOut = traceIds.filter((traceId) => this.#watched.get(traceId)?.expected === false)
      if (handedOut.length > 0) await this.#pulled.refresh(handedOut)
    }
    const messages: string[] = []
    for (const traceId of traceIds) {
      const watched = this.#watched.get(traceId)
      if (watched === undefined) continue
      watched.checked = true
      if (watched.late.length === 0 || watched.expected) continue
      const described = describeLateSpans(traceId, watched.late, watched.info.rule, watched.info.quietMs, this.#pulled?.url)
      // The trace as it is now, late spans included, shows where they hang.
      messages.push(this.#store.has(traceId) ? `${described}\n\nThe trace with them:\n${this.#store.trace(traceId).toString()}` : described)
    }
    return messages.length === 0 ? undefined : lateSpanError(messages)
  }

  /** The trace was released from the store (its test is over): a span of it from now on is late too. */
  released(traceId: string): void {
    const expected = this.#watched.get(traceId)?.expected === true
    this.#watched.delete(traceId)
    if (expected) return
    this.#released.add(traceId)
    if (this.#released.size > RELEASED_REMEMBERED) this.#released.delete(this.#released.values().next().value as string)
  }

  /**
   * Pulled traces only, when the service stops: reads once more each handed-out trace that no test
   * checked (a `test.concurrent`'s, a plain script's) and the store still holds, so a span the
   * backend stored late is still reported: a warning, and `settleReport(trace).late`. Gives up
   * after {@link FINAL_CHECK_MS}, so a backend that stopped answering cannot hold up the stop.
   */
  async finalCheck(): Promise<void> {
    if (this.#pulled === undefined) return
    const unchecked: string[] = []
    for (const [traceId, watched] of this.#watched) {
      if (!watched.checked && !watched.expected && this.#store.has(traceId)) unchecked.push(traceId)
    }
    if (unchecked.length > 0) await this.#pulled.refresh(unchecked, AbortSignal.timeout(FINAL_CHECK_MS))
  }

  close(): void {
    for (const unwatch of this.#unwatch) unwatch()
  }

  #onLate(late: LateSpan): void {
    const watched = this.#watched.get(late.span.traceId)
    if (watched === undefined) return
    watched.late.push(late)
    if (watched.expected) return
    if (watched.info.rule === 'quiet') this.#quietWindow?.observe(watched.info.quietMs + late.lateMs)
    if (!watched.owned || watched.checked) {
      console.warn(`${LATE_SPAN_WARNING} ${describeLateSpans(late.span.traceId, [late], watched.info.rule, watched.info.quietMs, this.#pulled?.url)}`)
    }
  }

  #onAny(span: CapturedSpan): void {
    if (!this.#released.has(span.traceId)) return
    console.warn(
      `${LATE_SPAN_WARNING} span ${JSON.stringify(span.name)} (span ${span.spanId}) of trace ${span.traceId} arrived after the test ` +
        'that got the trace had finished and the trace was released. Please wait for it in that test with svc.waitForSpan(trace, selector), ' +
        "or raise the service's quietMs option if it belongs to the request itself.",
    )
  }
}
