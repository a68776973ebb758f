import type { Attributes } from './captured-span.js'

/** A log line the service wrote, linked to a trace (OTLP log record or a stdout/stderr line). */
export interface CapturedLog {
  readonly traceId: string
  readonly spanId?: string
  /** Nanoseconds since the Unix epoch (0n when unknown). */
  readonly time: bigint
  readonly severity?: string
  readonly body: string
  /**
   * The record's attributes (OTLP), or the top-level fields of a JSON output line (text, numbers
   * and booleans); absent when there are none.
   */
  readonly attributes?: Attributes
  readonly source: 'otlp' | 'stdout' | 'stderr'
}
