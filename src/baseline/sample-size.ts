import { between, finiteAtLeast, probability, requireNumber } from '../number-option.js'
import { normalQuantile } from './normal-distribution.js'

/**
 * The defaults `compareSamples` decides with, shared with the sample-size planner so that its
 * advice describes the rule that will actually be applied. docs/statistics.md justifies each.
 *
 * @example
 * ```ts
 * console.log(`gate: p < ${DECISION_DEFAULTS.alpha}, change ≥ ${DECISION_DEFAULTS.minRelativeEffect * 100}%`)
 * ```
 */
export const DECISION_DEFAULTS = {
  minRelativeEffect: 0.1,
  minAbsoluteEffectMs: 1,
  alpha: 0.01,
  confidence: 0.95,
  resamples: 2000,
  /** Power the sample-size advice plans for. */
  power: 0.9,
  /** Below this many samples a side (pairs when paired), no direction is ever claimed. */
  minSamples: 5,
} as const

/**
 * What {@link samplesNeeded} should plan for.
 *
 * @example
 * ```ts
 * samplesNeeded(0.2, observedCv, { paired: true, power: 0.95 } satisfies SampleSizeOptions)
 * ```
 */
export interface SampleSizeOptions {
  /**
   * Plan a paired comparison. `cv` is then the noise of the head/base ratio within a pair, which
   * is √2 times the per-sample CV when the two sides are independent and less when a round's
   * drift hits both sides alike.
   */
  readonly paired?: boolean
  /** Chance of reporting the change when it is real. Default 0.9. */
  readonly power?: number
  /** Significance level of the rank test, as in `compareSamples`. Default 0.01. */
  readonly alpha?: number
  /** Coverage of the ratio interval, as in `compareSamples`. Default 0.95. */
  readonly confidence?: number
  /**
   * Smallest change `compareSamples` will report, whose point estimate the change must beat.
   * Default 0, which plans to tell a change of `relativeChange` from no change at all: with that
   * many samples a real change of that size clears 1 with the whole interval, and when nothing
   * changed the interval fits inside ±`relativeChange`, so the verdict is 'unchanged'.
   */
  readonly minRelativeEffect?: number
}

/**
 * How many samples a side (pairs when paired) `compareSamples` needs to report a relative
 * change of `relativeChange` (0.2 for 20% slower) with the given power when durations vary with
 * coefficient of variation `cv` (0.2 for 20%). Infinity when no sample count can: the change does
 * not exceed `minRelativeEffect`, or the noise is unknown.
 *
 * The model is the one the decision uses, on the log scale where a ratio is a difference: with
 * log-scale spread σ = √ln(1 + cv²), a median of n values has standard error √(π/2n)·σ. Each
 * condition of a 'slower' verdict then needs its own n — the interval's lower end above 1, the
 * rank test below alpha (it is 3/π as efficient as a t-test), the point estimate above the
 * minimum effect — each planned to fail at most its share of 1 − power, and the answer is the
 * largest, never below the smallest count at which the exact rank test can reach alpha at all.
 * The simulation in bench/ checks it against real runs.
 *
 * @example
 * ```ts
 * samplesNeeded(0.1, 0.2)                   // 177: a side, to tell 10% from no change at 20% noise
 * samplesNeeded(0.2, 0.14, { paired: true }) // 12 pairs, at 14% noise of the pair ratio
 * samplesNeeded(0.2, 0.2, { minRelativeEffect: 0.1 }) // 55 a side for a 20% slowdown to be reported
 * ```
 */
export function samplesNeeded(relativeChange: number, cv: number, options: SampleSizeOptions = {}): number {
  const power = options.power ?? DECISION_DEFAULTS.power
  const alpha = options.alpha ?? DECISION_DEFAULTS.alpha
  const confidence = options.confidence ?? DECISION_DEFAULTS.confidence
  const minRelativeEffect = options.minRelativeEffect ?? 0
  const action = 'plan a sample size'
  requireNumber(relativeChange, 'relativeChange', between(0, Number.POSITIVE_INFINITY, 'a relative change > 0', '0.2 for 20% slower'), action)
  requireNumber(power, 'power', probability('0.9'), action)
  requireNumber(alpha, 'alpha', probability('0.01'), action)
  requireNumber(confidence, 'confidence', probability('0.95'), action)
  requireNumber(minRelativeEffect, 'minRelativeEffect', finiteAtLeast(0, 'a finite number ≥ 0', '0.1 for 10%'), action)
  // An infinite cv is allowed: no sample size is enough then.
  requireNumber(cv, 'cv', { expected: 'the coefficient of variation as a fraction ≥ 0', example: '0.2 for 20% noise', accepts: (v) => v >= 0 }, action)
  if (!Number.isFinite(cv) || relativeChange <= minRelativeEffect) return Number.POSITIVE_INFINITY
  const paired = options.paired ?? false
  const variance = Math.log(1 + cv * cv)
  const effect = Math.log(1 + relativeChange)
  // The verdict needs every condition at once. Giving each of them an equal share of the allowed
  // miss rate bounds the chance that any fails (a union bound), so the planned power holds for
  // the conjunction and not just for each condition alone; simulation shows it is not much more
  // than needed, since the conditions mostly fail together.
  const conditions = minRelativeEffect > 0 ? 3 : 2
  const zPower = normalQuantile(1 - (1 - power) / conditions)
  // Each side's median contributes π/2·σ²/n to the variance of the log ratio; a paired median of
  // ratios is one median, of a ratio whose own noise `cv` already describes.
  const medianFactor = (Math.PI / 2) * (paired ? 1 : 2)
  const rankFactor = (Math.PI / 3) * (paired ? 1 : 2)
  const zInterval = normalQuantile(1 - (1 - confidence) / 2)
  const zTest = normalQuantile(1 - alpha / 2)
  const forInterval = (medianFactor * variance * (zInterval + zPower) ** 2) / effect ** 2
  const forTest = (rankFactor * variance * (zTest + zPower) ** 2) / effect ** 2
  const margin = effect - Math.log(1 + minRelativeEffect)
  const forEstimate = minRelativeEffect > 0 ? (medianFactor * variance * zPower ** 2) / margin ** 2 : 0
  return Math.max(Math.ceil(Math.max(forInterval, forTest, forEstimate)), smallestTestable(alpha, paired))
}

// The fewest samples a side at which the exact rank test can return p < alpha at all: its most
// extreme outcome has probability 2 / C(2n, n) unpaired and 2 / 2^n paired. Below it, no amount
// of effect gives a verdict.
function smallestTestable(alpha: number, paired: boolean): number {
  for (let n = DECISION_DEFAULTS.minSamples; ; n++) {
    const extreme = paired ? 2 / 2 ** n : 2 / binomial(2 * n, n)
    if (extreme < alpha) return n
  }
}

function binomial(n: number, k: number): number {
  let result = 1
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i
  return result
}
