import { DEFAULT_SEED } from '../baseline/random.js'
import { DECISION_DEFAULTS, requireQuantiles } from '../baseline/statistics.js'
import { finiteAtLeast, FINITE, probability, requireNumber } from '../number-option.js'
import type { SideComparisonOptions } from './compare-sides.js'
import type { ComparisonSettings } from './types.js'

/**
 * How every comparison decides, live or stored: the options {@link resolveComparisonSettings}
 * fills in.
 */
export interface DecisionOptions {
  /** Smallest relative change reported, a fraction. Default 0.1 (10%). */
  readonly minRelativeEffect?: number
  /**
   * @deprecated Use `minRelativeEffect` (the same setting under the name `compareSamples` and
   * `toMatchBaseline` use); read when `minRelativeEffect` is not given.
   */
  readonly threshold?: number
  /** Smallest absolute change reported, ms. Default 1. */
  readonly minAbsoluteEffectMs?: number
  /** Chance of a false "slower" per scenario, split between its keys. Default 0.01. */
  readonly alpha?: number
  /** Seed of the round order and the bootstrap. Default: tracewright's fixed seed. */
  readonly seed?: number
  /** Structural and behaviour changes count as a regression. Default false: they are reported only. */
  readonly failOnStructure?: boolean
  /** Judge these quantiles per key, e.g. [0.5, 0.9, 0.99] (see `compareSamples`). Default: the median only. */
  readonly quantiles?: readonly number[]
}

/**
 * Fills in the defaults and checks the decision settings before anything runs: a bad minimum
 * effect found after twenty rounds would waste the whole run.
 *
 * @throws {UsageError} naming the setting and what it should be.
 * @example
 * ```ts
 * const settings = resolveComparisonSettings({ minRelativeEffect: 0.2 }, 20, 3, 'compare versions')
 * ```
 */
export function resolveComparisonSettings(options: DecisionOptions, rounds: number, warmup: number, what: string): ComparisonSettings {
  const settings: ComparisonSettings = {
    rounds,
    warmup,
    minRelativeEffect: options.minRelativeEffect ?? options.threshold ?? DECISION_DEFAULTS.minRelativeEffect,
    minAbsoluteEffectMs: options.minAbsoluteEffectMs ?? DECISION_DEFAULTS.minAbsoluteEffectMs,
    alpha: options.alpha ?? DECISION_DEFAULTS.alpha,
    seed: options.seed ?? DEFAULT_SEED,
    failOnStructure: options.failOnStructure ?? false,
    ...(options.quantiles === undefined ? {} : { quantiles: requireQuantiles(options.quantiles, what) }),
  }
  requireNumber(settings.minRelativeEffect, options.minRelativeEffect === undefined && options.threshold !== undefined ? 'threshold' : 'minRelativeEffect', finiteAtLeast(0, 'a fraction ≥ 0', '0.1 (10%)'), what, 'must')
  requireNumber(settings.minAbsoluteEffectMs, 'minAbsoluteEffectMs', finiteAtLeast(0, 'a number of ms ≥ 0'), what, 'must')
  requireNumber(settings.alpha, 'alpha', probability('0.01'), what, 'must')
  requireNumber(settings.seed, 'seed', FINITE, what, 'must')
  return settings
}

/**
 * The options of one scenario's {@link compareSides} call under these settings.
 *
 * @example
 * ```ts
 * compareSides(name, base, head, sideOptions(settings, { paired: true, advisory: false }))
 * ```
 */
export function sideOptions(settings: ComparisonSettings, how: { readonly paired: boolean; readonly advisory: boolean }): SideComparisonOptions {
  const { minRelativeEffect, minAbsoluteEffectMs, alpha, seed, failOnStructure, quantiles, adaptive } = settings
  return {
    paired: how.paired, advisory: how.advisory, minRelativeEffect, minAbsoluteEffectMs, seed, failOnStructure,
    // An adaptive comparison decides at the level of the look it stopped at, never the full budget.
    alpha: adaptive?.lookAlpha ?? alpha,
    ...(quantiles === undefined ? {} : { quantiles }),
  }
}
