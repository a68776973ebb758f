import type { HrTime } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

/**
 * A shift beyond this is not the millisecond truncation corrected here (the wall clock was
 * stepped, or the span is not the SDK's own class): the span keeps its times.
 */
const MAX_CORRECTION_NS = 5_000_000

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
 * the caller gave (it is what the caller meant) or that is not the SDK's span class. Computed in
 * doubles (exact to well under a microsecond at today's epoch), because it runs for every span
 * captured in-process.
 */
export function startCorrectionNs(span: ReadableSpan): number {
  const timing = span as unknown as SdkSpanTiming
  if (timing._startTimeProvided !== false || typeof timing._performanceStartTime !== 'number') return 0
  const preciseMs = timing._performanceStartTime + performance.timeOrigin + wallOffset()
  const recordedMs = span.startTime[0] * 1e3 + span.startTime[1] / 1e6
  const shift = Math.round((preciseMs - recordedMs) * 1e6)
  return shift > -MAX_CORRECTION_NS && shift < MAX_CORRECTION_NS ? shift : 0
}

/**
 * Moves the span's start, end and event times by {@link startCorrectionNs}, in place, before an
 * exporter reads them (the register hook's processor, in the service's process).
 */
export function correctStartInPlace(span: ReadableSpan): void {
  const shift = startCorrectionNs(span)
  if (shift === 0) return
  const writable = span as unknown as { startTime: HrTime; endTime: HrTime; events: { time: HrTime }[] }
  writable.startTime = shifted(span.startTime, shift)
  writable.endTime = shifted(span.endTime, shift)
  for (const event of writable.events) event.time = shifted(event.time, shift)
}

// Spans of one request end within the same second: its bigint is made once, not per timestamp.
let lastSecond = -1
let lastSecondNanos = 0n

/** An `HrTime`, moved by `shiftNs` (a whole number), as nanoseconds since the epoch. */
export function hrTimeToNanos(time: HrTime, shiftNs = 0): bigint {
  if (time[0] !== lastSecond) {
    lastSecond = time[0]
    lastSecondNanos = BigInt(time[0]) * 1_000_000_000n
  }
  return lastSecondNanos + BigInt(time[1] + shiftNs)
}

function shifted(time: HrTime, shiftNs: number): HrTime {
  let seconds = time[0]
  let nanos = time[1] + shiftNs
  while (nanos < 0) {
    nanos += 1e9
    seconds--
  }
  while (nanos >= 1e9) {
    nanos -= 1e9
    seconds++
  }
  return [seconds, nanos]
}
