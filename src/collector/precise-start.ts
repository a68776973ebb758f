import type { HrTime } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

/**
 * A shift beyond this is not the millisecond truncation corrected here (the wall clock was
 * stepped, or the span is not the SDK's own class): the span keeps its times.
 */
const MAX_CORRECTION_NS = 5_000_000n

let wallOffsetMs: number | undefined

/**
 * `Date.now()` minus the performance clock, read once per process at the instant `Date.now()`
 * ticks to the next millisecond, so it is exact to microseconds rather than to the millisecond.
 * Every span corrected with it is on one consistent clock.
 */
function wallOffset(): number {
  if (wallOffsetMs === undefined) {
    const first = Date.now()
    let now = first
    while (now === first) now = Date.now()
    wallOffsetMs = now - (performance.timeOrigin + performance.now())
  }
  return wallOffsetMs
}

/** What the JS SDK's span class keeps about how it took the start time (not part of its API). */
interface SdkSpanTiming {
  readonly _performanceStartTime?: unknown
  readonly _startTimeProvided?: unknown
}

/**
 * How far the OpenTelemetry JS SDK recorded this span early, in nanoseconds. The SDK takes a
 * span's start from `Date.now()`, a whole millisecond, and its end and events from that start
 * plus durations on the performance clock: all up to 1 ms early, by a different amount per span,
 * so two calls awaited one after the other can appear to overlap. The span also keeps the precise
 * performance-clock time it started at; the difference is the correction. 0 for a span whose start
 * the caller gave (it is what the caller meant) or that is not the SDK's span class.
 */
export function startCorrectionNs(span: ReadableSpan): bigint {
  const timing = span as unknown as SdkSpanTiming
  if (timing._startTimeProvided !== false || typeof timing._performanceStartTime !== 'number') return 0n
  const preciseNs = BigInt(Math.round((timing._performanceStartTime + performance.timeOrigin + wallOffset()) * 1e6))
  const shift = preciseNs - hrTimeToNanos(span.startTime)
  return shift > -MAX_CORRECTION_NS && shift < MAX_CORRECTION_NS ? shift : 0n
}

/**
 * Moves the span's start, end and event times by {@link startCorrectionNs}, in place, before an
 * exporter reads them (the register hook's processor, in the service's process).
 */
export function correctStartInPlace(span: ReadableSpan): void {
  const shift = startCorrectionNs(span)
  if (shift === 0n) return
  const writable = span as unknown as { startTime: HrTime; endTime: HrTime; events: { time: HrTime }[] }
  writable.startTime = shifted(span.startTime, shift)
  writable.endTime = shifted(span.endTime, shift)
  for (const event of writable.events) event.time = shifted(event.time, shift)
}

/** An `HrTime` as nanoseconds since the epoch. */
export function hrTimeToNanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])
}

function shifted(time: HrTime, shiftNs: bigint): HrTime {
  const ns = hrTimeToNanos(time) + shiftNs
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)]
}
