import { UsageError } from './errors.js'

/** What a numeric option accepts, and how to say so in an error. */
export interface NumberRule {
  /** Completes "Please pass …" and "must be …": `a whole number ≥ 1`, `a probability between 0 and 1`. */
  readonly expected: string
  /** An example value for the message, e.g. `0.01`; omitted where `expected` says enough. */
  readonly example?: string
  accepts(value: number): boolean
}

/** A whole number of at least `min`; `noun` words it (`an integer` where the docs say so). */
export function wholeNumber(min: number, example?: string, noun = 'a whole number'): NumberRule {
  return { expected: `${noun} ≥ ${min}`, ...(example === undefined ? {} : { example }), accepts: (v) => Number.isInteger(v) && v >= min }
}

/** A finite number of at least `min`; `expected` names what it counts (`a fraction ≥ 0`, `a number of ms ≥ 0`). */
export function finiteAtLeast(min: number, expected: string, example?: string): NumberRule {
  return { expected, ...(example === undefined ? {} : { example }), accepts: (v) => Number.isFinite(v) && v >= min }
}

/** A number strictly between `low` and `high`. */
export function between(low: number, high: number, expected: string, example?: string): NumberRule {
  return { expected, ...(example === undefined ? {} : { example }), accepts: (v) => v > low && v < high }
}

/** Any finite number. */
export const FINITE: NumberRule = { expected: 'a finite number', example: '42', accepts: Number.isFinite }

/** A probability, exclusive of 0 and 1: alpha, confidence, power. */
export function probability(example: string): NumberRule {
  return between(0, 1, 'a probability between 0 and 1', example)
}

/**
 * How the error reads. `please`: "alpha is 2. Please pass a probability between 0 and 1, e.g.
 * 0.01." (the statistics functions); `must`: "rounds must be a whole number ≥ 1, got 0." (the
 * settings of a comparison and a measurement, checked before anything runs).
 */
export type NumberErrorStyle = 'please' | 'must'

/**
 * Returns `value` when `rule` accepts it, and otherwise throws a {@link UsageError} saying what
 * failed (`Failed to <action>`), which option, what it was and what it must be. The one check
 * behind every numeric option of the statistics, baselines and comparisons.
 *
 * @example
 * ```ts
 * const rounds = requireNumber(options.rounds ?? 20, 'rounds', wholeNumber(1), 'compare versions', 'must')
 * ```
 */
export function requireNumber(value: unknown, name: string, rule: NumberRule, action: string, style: NumberErrorStyle = 'please'): number {
  if (typeof value === 'number' && rule.accepts(value)) return value
  const example = rule.example === undefined ? '' : `${style === 'please' ? ', e.g.' : ' such as'} ${rule.example}`
  throw new UsageError(style === 'please'
    ? `Failed to ${action}: ${name} is ${String(value)}. Please pass ${rule.expected}${example}.`
    : `Failed to ${action}: ${name} must be ${rule.expected}${example}, got ${String(value)}.`)
}
