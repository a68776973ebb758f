/** A span attribute value, as OpenTelemetry allows it (scalars and homogeneous arrays). */
export type AttributeValue =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly number[]
  | readonly boolean[]
  | readonly (string | number | boolean | null)[]

/** Attributes keyed by their dotted name. */
export type Attributes = Readonly<Record<string, AttributeValue>>

/** `SpanKind` as the upper-case name OpenTelemetry uses in its specification. */
export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER'

/** `SpanStatusCode` as a string. */
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR'

export interface CapturedEvent {
  readonly name: string
  /** Nanoseconds since the Unix epoch. */
  readonly time: bigint
  readonly attributes: Attributes
}

export interface CapturedLink {
  readonly traceId: string
  readonly spanId: string
  readonly attributes: Attributes
}

export interface CapturedStatus {
  readonly code: StatusCodeName
  readonly message?: string
}

/** The instrumentation scope that produced a span. */
export interface CapturedScope {
  readonly name: string
  readonly version?: string
}

/**
 * One ended span, normalised. Both capture paths (in-process SDK and OTLP) produce exactly this
 * shape, so nothing after the collector knows where a span came from.
 *
 * @example
 * ```ts
 * const span: CapturedSpan = trace.span('SELECT orders')
 * console.log(span.durationMs, span.attributes['db.system.name'])
 * ```
 */
export interface CapturedSpan {
  /** 32 lowercase hex characters. */
  readonly traceId: string
  /** 16 lowercase hex characters. */
  readonly spanId: string
  /** 16 lowercase hex characters, absent on a root span. */
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: SpanKindName
  /** Start time, nanoseconds since the Unix epoch. */
  readonly start: bigint
  /** End time, nanoseconds since the Unix epoch. */
  readonly end: bigint
  /** `end - start` in milliseconds (fractional). */
  readonly durationMs: number
  readonly status: CapturedStatus
  readonly attributes: Attributes
  readonly events: readonly CapturedEvent[]
  readonly links: readonly CapturedLink[]
  /** Resource attributes of the process that emitted the span (`service.name` among them). */
  readonly resource: Attributes
  readonly scope: CapturedScope
}

/** The `service.name` resource attribute of a span, or `'unknown_service'`. */
export function serviceOf(span: CapturedSpan): string {
  const name = span.resource['service.name']
  return typeof name === 'string' && name !== '' ? name : 'unknown_service'
}

/** Duration in milliseconds between two bigint nanosecond timestamps, never negative. */
export function nanosToMs(start: bigint, end: bigint): number {
  const delta = end - start
  return delta > 0n ? Number(delta) / 1e6 : 0
}

/** True when `value` looks like a {@link CapturedSpan}. */
export function isCapturedSpan(value: unknown): value is CapturedSpan {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v['traceId'] === 'string' && typeof v['spanId'] === 'string' &&
    typeof v['name'] === 'string' && typeof v['start'] === 'bigint' && typeof v['end'] === 'bigint'
}
