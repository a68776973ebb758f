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
