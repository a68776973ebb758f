import { UsageError } from '../errors.js'
import { finiteAtLeast, requireNumber } from '../number-option.js'

/** A time option's names: the current `…Ms` one and the deprecated one without its unit. */
export interface MsOptionNames {
  readonly name: string
  readonly alias: string
}

const MILLISECONDS = finiteAtLeast(0, 'a number of milliseconds ≥ 0', '5000')

/**
 * Reads a time option in ms by its `…Ms` name, or else by its deprecated alias (`timeout` for
 * `timeoutMs`): the value, or `fallback` when neither is given, checked by requireNumber. Errors
 * name the current option, and both names given with different values is an error rather than
 * a silent pick.
 */
export function msOption(options: object, names: MsOptionNames, fallback: number, action: string): number {
  const record = options as Readonly<Record<string, unknown>>
  const value = record[names.name]
  const old = record[names.alias]
  if (value !== undefined && old !== undefined && value !== old) {
    throw new UsageError(`Failed to ${action}: ${names.name} and its deprecated alias ${names.alias} are both given, with different values. Please give only ${names.name}.`)
  }
  return requireNumber(value ?? old ?? fallback, names.name, MILLISECONDS, action, 'must')
}

/** The times every kind of service takes for its requests, ms. */
export interface RequestTimeOptions {
  /**
   * How long `request()` waits for its trace to settle, ms (inside a test, never past its
   * timeout). Default 5,000 in-process, 10,000 for a child process or a shared service.
   */
  readonly settleTimeoutMs?: number
  /** @deprecated The old name of {@link settleTimeoutMs}. */
  readonly settleTimeout?: number
  /**
   * How long `request()` waits for the response headers, and then between chunks of its body, ms;
   * past it the request fails with a `ServiceError` naming the request. Default 30,000.
   */
  readonly requestTimeoutMs?: number
  /** @deprecated The old name of {@link requestTimeoutMs}. */
  readonly requestTimeout?: number
}

/** Default of {@link RequestTimeOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** {@link RequestTimeOptions} read and checked, with `settleDefaultMs` for the kind of service. */
export function requestTimes(options: RequestTimeOptions, settleDefaultMs: number, action: string): { settleTimeoutMs: number; requestTimeoutMs: number } {
  return {
    settleTimeoutMs: msOption(options, { name: 'settleTimeoutMs', alias: 'settleTimeout' }, settleDefaultMs, action),
    requestTimeoutMs: msOption(options, { name: 'requestTimeoutMs', alias: 'requestTimeout' }, DEFAULT_REQUEST_TIMEOUT_MS, action),
  }
}
