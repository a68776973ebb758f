/** Stable codes, one per failure kind, for programs that react to tracewright's errors. */
export type TracewrightErrorCode =
  | 'ERR_TRACEWRIGHT_SELECTOR'
  | 'ERR_TRACEWRIGHT_SPAN_LOOKUP'
  | 'ERR_TRACEWRIGHT_TRACE_TIMEOUT'
  | 'ERR_TRACEWRIGHT_LATE_SPAN'
  | 'ERR_TRACEWRIGHT_SERVICE_START'
  | 'ERR_TRACEWRIGHT_SERVICE'
  | 'ERR_TRACEWRIGHT_TRACE_LIMIT'
  | 'ERR_TRACEWRIGHT_OTLP_DECODE'
  | 'ERR_TRACEWRIGHT_BASELINE'
  | 'ERR_TRACEWRIGHT_USAGE'

/**
 * Base class of every error tracewright throws on purpose. `code` is stable across versions.
 *
 * @example
 * ```ts
 * try { trace.span('SELECT') } catch (e) { if (e instanceof TracewrightError) console.log(e.code) }
 * ```
 */
export class TracewrightError extends Error {
  readonly code: TracewrightErrorCode
  constructor(code: TracewrightErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** A selector that cannot be evaluated: unknown keys, wrong types, an invalid JSONPath. */
export class SelectorError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_SELECTOR', message, options)
  }
}

/** `trace.span(selector)` found no span or more than one. */
export class SpanLookupError extends TracewrightError {
  constructor(message: string) {
    super('ERR_TRACEWRIGHT_SPAN_LOOKUP', message)
  }
}

/** A trace or span did not arrive before its timeout. The message shows what was captured. */
export class TraceTimeoutError extends TracewrightError {
  constructor(message: string) {
    super('ERR_TRACEWRIGHT_TRACE_TIMEOUT', message)
  }
}

/**
 * Spans of a trace arrived after the trace was handed to a test: what the test asserted on was
 * incomplete. The message names the trace, the late spans, how late they came and the fix.
 */
export class LateSpanError extends TracewrightError {
  constructor(message: string) {
    super('ERR_TRACEWRIGHT_LATE_SPAN', message)
  }
}

/** The service under test could not be started. */
export class ServiceStartError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_SERVICE_START', message, options)
  }
}

/** The running service failed: it crashed, or a request to it could not complete. */
export class ServiceError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_SERVICE', message, options)
  }
}

/**
 * A trace hit a bound of the store (`maxSpansPerTrace`, `maxTraces`): the request fails rather than
 * return a trace with spans missing. The message names the numbers and the option to raise.
 */
export class TraceLimitError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_TRACE_LIMIT', message, options)
  }
}

/** An OTLP payload that could not be decoded. */
export class OtlpDecodeError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_OTLP_DECODE', message, options)
  }
}

/** A baseline file that is corrupt, from a future version, or cannot be written. */
export class BaselineError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_BASELINE', message, options)
  }
}

/** A tracewright function called with arguments it cannot use. */
export class UsageError extends TracewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRACEWRIGHT_USAGE', message, options)
  }
}
