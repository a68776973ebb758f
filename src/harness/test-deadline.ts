import { serviceOf } from '../model/captured-span.js'
import type { TraceStore } from '../collector/trace-store.js'
import { TraceTimeoutError } from '../errors.js'

/** What the harness reads of the vitest test that is running: its timeout and when it started. */
export interface RunningTest {
  readonly timeout?: number
  readonly result?: { readonly startTime?: number }
}

/** How long a wait may take, and, when the test's own timeout cut it short, that timeout. */
export interface WaitBudget {
  readonly ms: number
  /** The running test's timeout, ms, when it (less a margin) is shorter than the configured wait. */
  readonly testTimeoutMs?: number
}

/**
 * The part of the test's timeout kept for failing with a diagnosis: a tenth of it, at most 500 ms.
 * Without it, a wait that ends exactly at the deadline loses the race to vitest's bare "Test timed
 * out in 5000ms".
 */
export function deadlineMargin(testTimeoutMs: number): number {
  return Math.min(500, Math.round(testTimeoutMs / 10))
}

/**
 * The time a wait (settling a trace, waiting for a span) may take inside the running test: the
 * configured time, or less when the test's timeout would end the test first, so the wait fails with
 * its own diagnosis a margin before vitest gives up on the test.
 *
 * @example
 * ```ts
 * waitBudget(10_000, { timeout: 5000, result: { startTime: Date.now() - 1000 } }) // { ms: 3500, testTimeoutMs: 5000 }
 * ```
 */
export function waitBudget(configuredMs: number, test: RunningTest | undefined, now = Date.now()): WaitBudget {
  const timeout = test?.timeout
  const start = test?.result?.startTime
  // A timeout of 0 means none, in vitest as here.
  if (timeout === undefined || timeout <= 0 || start === undefined) return { ms: configuredMs }
  const left = start + timeout - deadlineMargin(timeout) - now
  // Nothing left (a retried attempt restarts its clock after `startTime`): keep the configured wait.
  if (left >= configuredMs || left <= 0) return { ms: configuredMs }
  return { ms: left, testTimeoutMs: timeout }
}

/**
 * Whether a store has received a span from one service (or from anyone, without a name): `count`
 * is 0 until the first, then 1, so a timeout can tell "nothing ever arrived" from "this trace did
 * not complete".
 */
export function watchArrivals(store: TraceStore, serviceName: string | undefined, timed = false): { readonly count: number; lastAgoMs(): number | undefined; stop(): void } {
  // Only "none yet" matters to a diagnosis unless `timed` (an attached service, whose timeout says
  // when its last span came), so the watch usually ends at the first span and costs nothing after.
  let count = 0
  let last: number | undefined
  const stop = store.watchAll((span) => {
    if (serviceName !== undefined && serviceOf(span) !== serviceName) return
    count = 1
    last = performance.now()
    if (!timed) stop()
  })
  return { get count() { return count }, lastAgoMs: () => (last === undefined ? undefined : performance.now() - last), stop }
}

/** What the harness knows when a wait for one trace timed out. */
export interface TimeoutFacts {
  readonly budget: WaitBudget
  /** Spans received from the service since it started (see {@link watchArrivals}). */
  readonly serviceSpans: number
  /** Spans of this request's trace. */
  readonly traceSpans: number
  /** Out of process: the service exports OTLP to the harness's receiver. */
  readonly exported: boolean
  /** An attached service: where its spans come from (e.g. "the Collector exporting to http://…"). */
  readonly spansFrom?: string
  /** How long ago the last span of the service arrived, ms (with `spansFrom`). */
  readonly lastArrivalAgoMs?: number | undefined
}

/**
 * The timeout error with its likely causes added, most likely first: a service that never sent a
 * span is not instrumented; one whose spans arrive, but not for this trace, drops the incoming
 * `traceparent`; a wait cut short by the test's timeout says so.
 */
export function explainTimeout(error: TraceTimeoutError, facts: TimeoutFacts): TraceTimeoutError {
  const causes: string[] = []
  if (facts.spansFrom !== undefined) {
    const ago = facts.lastArrivalAgoMs === undefined ? 'no span of this service has arrived since it was attached' : `the last span of this service arrived ${Math.round(facts.lastArrivalAgoMs)} ms ago`
    if (facts.traceSpans === 0) causes.push(`no span of this request arrived from ${facts.spansFrom}, and ${ago}: is the pipeline between the service and tracewright (its exporter, the Collector and the Collector's exporter to tracewright) running?`)
  } else if (facts.serviceSpans === 0) {
    causes.push(facts.exported
      ? 'no spans ever arrived from this service: is it instrumented, e.g. `--import tracewright/register`, and does its exporter use the OTEL_EXPORTER_OTLP_ENDPOINT the harness set?'
      : 'no spans ever arrived from this service: is it instrumented? In-process, list \'tracewright/instrument\' first in vitest\'s setupFiles.')
  } else if (facts.traceSpans === 0) {
    causes.push('spans arrive from this service, but none for this request\'s trace: does the service continue the incoming `traceparent` (an instrumented HTTP server does)?')
  }
  if (facts.budget.testTimeoutMs !== undefined) {
    causes.push(`the wait was cut to ${Math.round(facts.budget.ms)} ms to end inside the test's ${facts.budget.testTimeoutMs} ms timeout; if the trace needs longer, raise the test's timeout (test(name, fn, ms) or testTimeout)`)
  }
  if (causes.length === 0) return error
  return new TraceTimeoutError(`${error.message}\n\nLikely causes:\n${causes.map((cause) => `- ${cause}`).join('\n')}`)
}
