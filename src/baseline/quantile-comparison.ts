import { UsageError } from '../errors.js'
import { draw, percentileInterval, sortedOrder } from './bootstrap.js'
import { signedPercent } from './descriptive.js'
import { harrellDavis, harrellDavisCdf, resampledHarrellDavis } from './harrell-davis.js'
import type { Random } from './random.js'
import { safeRatio } from './rank-test.js'
import { DECISION_DEFAULTS } from './sample-size.js'

/** What a comparison concluded; see `compareSamples`. */
type QuantileVerdict = 'slower' | 'faster' | 'unchanged' | 'inconclusive'

/**
 * One quantile of one key compared, head against base. Ratios are head / base.
 *
 * @example
 * ```ts
 * const p99 = compareSamples(base, head, { quantiles: [0.5, 0.99] }).quantiles?.[1]
 * if (p99 && !p99.judged) console.log(p99.advice) // 'p99 needs at least 368 samples a side …'
 * ```
 */
export interface QuantileComparison {
  /** The quantile, e.g. 0.9 for p90. */
  readonly quantile: number
  /** Always 'inconclusive' when `judged` is false. */
  readonly verdict: QuantileVerdict
  /**
   * The samples can support a verdict on this quantile: both sides have at least `minSamples`.
   * When false, `base`, `head` and `ratio` are descriptive only, and no verdict is given.
   */
  readonly judged: boolean
  /** Fewest samples a side that can judge this quantile (see {@link quantileMinSamples}). */
  readonly minSamples: number
  /** The base quantile in ms (Harrell–Davis estimate; the sample median for p50). */
  readonly base: number
  /** The head quantile in ms. */
  readonly head: number
  readonly ratio: number
  /** Confidence interval for `ratio` (percentile bootstrap, at the comparison's `confidence`). */
  readonly ci: [number, number]
  /** Two-sided p-value of "the ratio is 1" (bootstrap; the rank test's for p50). */
  readonly pValue: number
  /** The significance level this quantile was tested at: the key's alpha split between quantiles. */
  readonly alpha: number
  /** Only when inconclusive: why, and what would decide. */
  readonly advice?: string
}

/** How {@link compareQuantiles} decides: `compareSamples`' settings, alpha already split. */
export interface QuantileSettings {
  readonly alpha: number
  readonly confidence: number
  readonly minRelativeEffect: number
  readonly minAbsoluteEffectMs: number
  readonly paired: boolean
  readonly resamples: number
  readonly random: Random
}

/**
 * The fewest samples a side at which quantile `q` can be judged at `confidence`: the smallest n
 * with max(q, 1−q)ⁿ ≤ (1 − confidence) / 2, and never fewer than `compareSamples`' minimum of 5.
 * Below it, even the most extreme sample is not a distribution-free (1+confidence)/2 bound on the
 * quantile — all n samples fall below the true p99 more often than the interval may miss — so
 * the data hold no information about how far the tail reaches, and any resampling method would
 * only echo the few extreme values seen. At 95%: p50 6, p90 36, p95 72, p99 368.
 *
 * @example
 * ```ts
 * quantileMinSamples(0.99, 0.95) // 368
 * ```
 */
export function quantileMinSamples(q: number, confidence: number): number {
  const tail = Math.max(q, 1 - q)
  return Math.max(DECISION_DEFAULTS.minSamples, Math.ceil(Math.log((1 - confidence) / 2) / Math.log(tail) - 1e-9))
}

/**
 * Compares quantiles `qs` of two samples: Harrell–Davis estimates of each side, and a bootstrap of
 * their ratios (resampling pairs together when paired, so shared drift stays out of the ratio;
 * every quantile read off the same resamples). For each quantile, 'slower' needs the bootstrap's
 * two-sided p below `alpha` (the share of resampled ratios at or below 1, doubled), the ratio at
 * least 1 + `minRelativeEffect` and the difference at least `minAbsoluteEffectMs`; 'unchanged'
 * needs the interval inside the minimum-effect band or the difference interval inside
 * ±`minAbsoluteEffectMs`. A quantile the samples cannot support ({@link quantileMinSamples}) is
 * never given a verdict.
 *
 * @example
 * ```ts
 * compareQuantiles(base, head, [0.9, 0.99], { alpha: 0.0033, confidence: 0.95, minRelativeEffect: 0.1,
 *   minAbsoluteEffectMs: 1, paired: false, resamples: 2000, random: createRandom() })
 * ```
 */
export function compareQuantiles(base: readonly number[], head: readonly number[], qs: readonly number[], settings: QuantileSettings): QuantileComparison[] {
  const count = Math.min(base.length, head.length)
  const judged = qs.filter((q) => count >= quantileMinSamples(q, settings.confidence))
  const boots = judged.length > 0 ? bootstrapQuantiles(base, head, judged, settings) : []
  const sortedBase = Float64Array.from(base).sort()
  const sortedHead = Float64Array.from(head).sort()
  return qs.map((q): QuantileComparison => {
    const baseValue = harrellDavis(sortedBase, q)
    const headValue = harrellDavis(sortedHead, q)
    const ratio = safeRatio(headValue, baseValue)
    const minSamples = quantileMinSamples(q, settings.confidence)
    const common = { quantile: q, minSamples, base: baseValue, head: headValue, ratio, alpha: settings.alpha }
    const boot = boots[judged.indexOf(q)]
    if (boot === undefined) {
      return {
        ...common, verdict: 'inconclusive', judged: false, ci: [Number.NaN, Number.NaN], pValue: Number.NaN,
        advice: `${quantileLabel(q)} needs at least ${minSamples} samples a side to be judged (now ${count}).`,
      }
    }
    const verdict = decideQuantile(boot, ratio, headValue - baseValue, settings)
    const [low, high] = boot.ratio
    const result = { ...common, verdict, judged: true, ci: [low, high] satisfies [number, number], pValue: boot.pValue }
    if (verdict !== 'inconclusive') return result
    return { ...result, advice: `${quantileLabel(q)} changed ${signedPercent(ratio - 1)} (CI ${signedPercent(low - 1)} to ${signedPercent(high - 1)}, p ${boot.pValue.toPrecision(2)}): more samples narrow the interval.` }
  })
}

function decideQuantile(boot: QuantileBootstrap, ratio: number, difference: number, settings: QuantileSettings): QuantileVerdict {
  const upper = 1 + settings.minRelativeEffect
  const lower = 1 / upper
  const floor = settings.minAbsoluteEffectMs
  const [low, high] = boot.ratio
  if (boot.pValue < settings.alpha && low > 1 && ratio >= upper && difference >= floor) return 'slower'
  if (boot.pValue < settings.alpha && high < 1 && ratio <= lower && difference <= -floor) return 'faster'
  if ((low >= lower && high <= upper) || (boot.difference[0] > -floor && boot.difference[1] < floor)) return 'unchanged'
  return 'inconclusive'
}

/**
 * `p50`, `p90`, `p99.9`: how reports name a quantile.
 *
 * @example
 * ```ts
 * quantileLabel(0.999) // 'p99.9'
 * ```
 */
export function quantileLabel(q: number): string {
  return `p${Number((q * 100).toPrecision(6))}`
}

/**
 * Checks a list of quantiles: non-empty, each a fraction strictly between 0 and 1; repeats are
 * dropped.
 *
 * @throws {UsageError} naming the bad entry.
 * @example
 * ```ts
 * requireQuantiles([0.5, 0.9, 0.99], 'compare samples')
 * ```
 */
export function requireQuantiles(quantiles: unknown, action: string): readonly number[] {
  if (!Array.isArray(quantiles) || quantiles.length === 0) {
    throw new UsageError(`Failed to ${action}: quantiles is ${JSON.stringify(quantiles)}. Please pass a non-empty array of fractions such as [0.5, 0.9, 0.99].`)
  }
  const index = quantiles.findIndex((q) => typeof q !== 'number' || !(q > 0 && q < 1))
  if (index !== -1) {
    throw new UsageError(`Failed to ${action}: quantiles[${index}] is ${String(quantiles[index])}, but a quantile is a fraction between 0 and 1. Please pass e.g. 0.99 for p99.`)
  }
  return [...new Set(quantiles as number[])]
}

interface QuantileBootstrap {
  readonly ratio: readonly [number, number]
  readonly difference: readonly [number, number]
  readonly pValue: number
}

function bootstrapQuantiles(base: readonly number[], head: readonly number[], qs: readonly number[], settings: QuantileSettings): QuantileBootstrap[] {
  const { random, paired } = settings
  // The p-value is a share of resamples: it needs enough of them to get below alpha at all.
  const resamples = Math.max(settings.resamples, Math.ceil(20 / settings.alpha))
  const baseOrder = sortedOrder(base)
  const headOrder = sortedOrder(head)
  const sortedBase = Float64Array.from(baseOrder, (i) => base[i] ?? Number.NaN)
  const sortedHead = Float64Array.from(headOrder, (i) => head[i] ?? Number.NaN)
  const cdfs = qs.map((q) => ({ base: harrellDavisCdf(base.length, q), head: harrellDavisCdf(head.length, q) }))
  const baseCounts = new Int32Array(base.length)
  const headCounts = paired ? baseCounts : new Int32Array(head.length)
  const ratios = qs.map(() => new Float64Array(resamples))
  const differences = qs.map(() => new Float64Array(resamples))
  const atOrBelow = qs.map(() => 0)
  const atOrAbove = qs.map(() => 0)
  for (let r = 0; r < resamples; r++) {
    draw(baseCounts, random)
    if (!paired) draw(headCounts, random)
    for (let k = 0; k < qs.length; k++) {
      const cdf = cdfs[k] as { base: Float64Array; head: Float64Array }
      const b = resampledHarrellDavis(sortedBase, baseOrder, baseCounts, cdf.base)
      const h = resampledHarrellDavis(sortedHead, headOrder, headCounts, cdf.head)
      const ratio = safeRatio(h, b)
      ;(ratios[k] as Float64Array)[r] = ratio
      ;(differences[k] as Float64Array)[r] = h - b
      if (ratio <= 1) atOrBelow[k] = (atOrBelow[k] ?? 0) + 1
      if (ratio >= 1) atOrAbove[k] = (atOrAbove[k] ?? 0) + 1
    }
  }
  return qs.map((_, k) => ({
    ratio: percentileInterval(ratios[k] as Float64Array, settings.confidence),
    difference: percentileInterval(differences[k] as Float64Array, settings.confidence),
    pValue: Math.min(1, (2 * (Math.min(atOrBelow[k] ?? 0, atOrAbove[k] ?? 0) + 1)) / (resamples + 1)),
  }))
}
