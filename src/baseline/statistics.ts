import { finiteAtLeast, FINITE, probability, requireNumber, wholeNumber } from '../number-option.js'
import { UsageError } from '../errors.js'
import { bootstrapPaired, bootstrapUnpaired } from './bootstrap.js'
import type { BootstrapIntervals } from './bootstrap.js'
import { median, robustCv, signedPercent } from './descriptive.js'
import { createRandom, DEFAULT_SEED } from './random.js'
import { compareQuantiles as compareTails, quantileLabel, quantileMinSamples, requireQuantiles } from './quantile-comparison.js'
import type { QuantileComparison } from './quantile-comparison.js'
import { mannWhitneyU, safeRatio, wilcoxonSignedRank } from './rank-test.js'
import { DECISION_DEFAULTS, samplesNeeded } from './sample-size.js'
import { compareTail, tailMinSamples } from './tail-test.js'
import type { TailComparison } from './tail-test.js'

export { median } from './descriptive.js'
export { DECISION_DEFAULTS, samplesNeeded } from './sample-size.js'
export type { SampleSizeOptions } from './sample-size.js'
export { quantileLabel, quantileMinSamples, requireQuantiles } from './quantile-comparison.js'
export type { QuantileComparison } from './quantile-comparison.js'
export { tailCountNeeded, tailMinSamples, tailPowerBound, tailRunsNeeded, tailTestPower } from './tail-test.js'
export type { TailComparison, TailVerdict } from './tail-test.js'

/**
 * What a duration comparison concluded about head relative to base: 'slower' and 'faster' are
 * real changes of at least the minimum effect, 'unchanged' rules such a change out, and
 * 'inconclusive' means the samples can do neither.
 */
export type Verdict = 'slower' | 'faster' | 'unchanged' | 'inconclusive'

/**
 * How {@link compareSamples} decides. Every field is optional; the defaults
 * ({@link DECISION_DEFAULTS}) suit CI gates.
 */
export interface CompareOptions {
  /** Smallest relative change worth reporting, as a fraction. Default 0.1 (10%). */
  readonly minRelativeEffect?: number
  /** Smallest absolute change worth reporting, in ms. Default 1. */
  readonly minAbsoluteEffectMs?: number
  /**
   * Significance level of the rank test. Default 0.01: a gate runs once per span key on every
   * build, so the false-alarm rate per key has to be small.
   */
  readonly alpha?: number
  /** Coverage of the confidence intervals. Default 0.95. */
  readonly confidence?: number
  /**
   * base[i] and head[i] were measured together in round i (interleaved A/B runs). Cancels drift
   * the two sides of a round share, so it detects smaller changes. Default false.
   */
  readonly paired?: boolean
  /** Bootstrap resamples. Default 2000: enough for stable 2.5% and 97.5% percentiles. */
  readonly resamples?: number
  /** Seed of the resampling, so the same samples always give the same verdict. */
  readonly seed?: number
  /**
   * Judge these quantiles instead of the median alone, e.g. `[0.5, 0.9, 0.99]`: a lock that makes
   * 10% of requests 3× slower barely moves the median but moves p95 and p99. Each gets its own
   * verdict (`quantiles` of the result), `alpha` is split between the quantiles the samples can
   * judge, and the verdict is 'slower' when any of them is. A quantile with too few samples
   * ({@link quantileMinSamples}: p90 needs 36 a side, p99 368) gets no verdict. Asking for any
   * quantile above the median adds the tail exceedance test (`tail` of the result), which takes
   * one share of `alpha` like a quantile and judges the far tail from as few as 6 a side.
   * Default: the median only.
   */
  readonly quantiles?: readonly number[]
}

/**
 * The outcome of {@link compareSamples}. Ratios are head / base: above 1 means head is slower.
 *
 * @example
 * ```ts
 * const { verdict, ratio, ci } = compareSamples(base, head)
 * console.log(`${verdict}: ×${ratio.toFixed(2)} (95% CI ${ci[0].toFixed(2)}–${ci[1].toFixed(2)})`)
 * ```
 */
export interface Comparison {
  readonly verdict: Verdict
  /** head median / base median; paired: the median of the per-pair ratios head[i] / base[i]. */
  readonly ratio: number
  /** Confidence interval for `ratio` (percentile bootstrap). */
  readonly ci: [number, number]
  /** Two-sided p-value of the rank test: Mann–Whitney U, or Wilcoxon signed-rank when paired. */
  readonly pValue: number
  readonly baseMedian: number
  readonly headMedian: number
  /** Change in ms: head median − base median; paired: the median per-pair difference. */
  readonly difference: number
  /** Confidence interval for `difference`, in ms. */
  readonly differenceCi: [number, number]
  readonly samples: { readonly base: number; readonly head: number }
  /** Only when inconclusive: how to get a conclusive answer. */
  readonly advice?: string
  /**
   * Only with the `quantiles` option: one verdict per quantile, in the order asked. `verdict` then
   * combines them ('slower' if any quantile is slower, 'faster' if any is faster and none slower,
   * 'unchanged' only when every quantile was judged unchanged), while `ratio`, `ci` and `pValue`
   * still describe the median.
   */
  readonly quantiles?: readonly QuantileComparison[]
  /**
   * Only with `quantiles` that include one above the median: the tail exceedance test, which
   * can add 'slower' or 'faster' to `verdict` but never blocks 'unchanged' (it cannot rule a tail
   * change out). docs/statistics.md, "The tail test", shows why it is the most a valid test can
   * find from few runs.
   */
  readonly tail?: TailComparison
}

interface Settings {
  readonly minRelativeEffect: number
  readonly minAbsoluteEffectMs: number
  readonly alpha: number
  readonly confidence: number
  readonly paired: boolean
  readonly resamples: number
  readonly seed: number
  readonly quantiles: readonly number[] | undefined
}

interface Estimate {
  readonly ratio: number
  readonly difference: number
  readonly pValue: number
  readonly intervals: BootstrapIntervals
  /** Noise the advice plans with: per sample when unpaired, of the pair ratio when paired. */
  readonly cv: number
}

/**
 * Compares two sets of duration samples (ms) of one span key and says whether head got slower,
 * faster, stayed the same, or whether the samples cannot tell.
 *
 * 'slower' needs all of: at least 5 samples a side, the rank test's p below `alpha`, the whole
 * ratio interval above 1, the ratio at least 1 + `minRelativeEffect`, and the difference at least
 * `minAbsoluteEffectMs`. 'faster' mirrors it (ratio at most 1 / (1 + `minRelativeEffect`)).
 * 'unchanged' needs the ratio interval inside [1 / (1 + `minRelativeEffect`), 1 +
 * `minRelativeEffect`] or the difference interval strictly inside ±`minAbsoluteEffectMs`; with
 * fewer than 5 samples a side, only every possible difference being inside ±`minAbsoluteEffectMs`
 * counts. Anything else is 'inconclusive', with `advice` saying how many samples would decide.
 * With `quantiles`, each quantile gets such a verdict (tails by a Harrell–Davis bootstrap) at
 * `alpha` split between them, and the verdict combines them (see {@link Comparison.quantiles}).
 * docs/statistics.md explains the method and shows simulations of its error rates.
 *
 * @example
 * ```ts
 * const result = compareSamples(baseline.samples, samples)
 * if (result.verdict === 'slower') throw new Error(`${((result.ratio - 1) * 100).toFixed(0)}% slower`)
 * ```
 */
export function compareSamples(base: readonly number[], head: readonly number[], options: CompareOptions = {}): Comparison {
  const settings = resolveSettings(options)
  requireDurations('base', base)
  requireDurations('head', head)
  if (settings.paired && base.length !== head.length) {
    throw new UsageError(`Failed to compare samples: a paired comparison needs one head sample per base sample, but there are ${base.length} base and ${head.length} head samples. Please measure both sides in the same rounds, or pass \`paired: false\`.`)
  }
  return settings.quantiles === undefined ? compareMedians(base, head, settings) : compareQuantiles(base, head, settings, settings.quantiles)
}

// The fewest samples a side at which a quantile can get a verdict; the median's rule is the
// rank test's.
function minSamplesOf(q: number, confidence: number): number {
  return q === 0.5 ? DECISION_DEFAULTS.minSamples : quantileMinSamples(q, confidence)
}

// Every asked quantile judged on its own at alpha split between those the samples can judge
// (one that cannot be judged spends none of it) and the tail test, which asking for any quantile
// above the median brings; p50 is the median comparison itself.
function compareQuantiles(base: readonly number[], head: readonly number[], settings: Settings, quantiles: readonly number[]): Comparison {
  const count = Math.min(base.length, head.length)
  const withTail = quantiles.some((q) => q > 0.5)
  const judgedQuantiles = quantiles.filter((q) => count >= minSamplesOf(q, settings.confidence)).length
  // Whether the tail test can be judged depends on its share, so settle the share first.
  const tailJudged = withTail && count >= tailMinSamples(settings.alpha / (judgedQuantiles + 1), settings.paired)
  const alpha = settings.alpha / Math.max(1, judgedQuantiles + (tailJudged ? 1 : 0))
  const median = compareMedians(base, head, { ...settings, alpha })
  const tails = quantiles.filter((q) => q !== 0.5)
  const tailResults = compareTails(base, head, tails, { ...settings, alpha, random: createRandom(settings.seed + 1) })
  const results = quantiles.map((q): QuantileComparison => q === 0.5
    ? fromMedian(median, count, alpha)
    : tailResults[tails.indexOf(q)] as QuantileComparison)
  const tail = withTail ? compareTail(base, head, { ...settings, alpha }) : undefined
  const verdict = combine(results, tail)
  const { advice: medianAdvice, ...rest } = median
  const found = tail === undefined ? {} : { tail }
  if (verdict !== 'inconclusive') return { ...rest, verdict, quantiles: results, ...found }
  return { ...rest, verdict, quantiles: results, ...found, advice: quantileAdvice(results, tail, medianAdvice) }
}

// With a tail test, its advice names the runs a tail verdict takes, and it replaces the median's
// sample count, which plans for a shift of the whole distribution a tail regression is not.
function quantileAdvice(results: readonly QuantileComparison[], tail: TailComparison | undefined, medianAdvice: string | undefined): string {
  const open = results.filter((r) => r.verdict === 'inconclusive' && r.advice !== undefined && !(tail !== undefined && r.quantile === 0.5))
  const advice = open.map((r) => (r.advice ?? '').startsWith(quantileLabel(r.quantile)) ? r.advice ?? '' : `${quantileLabel(r.quantile)}: ${r.advice ?? ''}`)
  if (tail?.advice !== undefined) advice.unshift(tail.advice)
  return advice.length > 0 ? advice.join(' ') : (medianAdvice ?? '')
}

function fromMedian(median: Comparison, count: number, alpha: number): QuantileComparison {
  const judged = count >= DECISION_DEFAULTS.minSamples || median.verdict !== 'inconclusive'
  const result = {
    quantile: 0.5, verdict: median.verdict, judged, minSamples: DECISION_DEFAULTS.minSamples,
    base: median.baseMedian, head: median.headMedian, ratio: median.ratio, ci: median.ci, pValue: median.pValue, alpha,
  }
  return median.advice === undefined ? result : { ...result, advice: median.advice }
}

function combine(results: readonly QuantileComparison[], tail: TailComparison | undefined): Verdict {
  if (results.some((r) => r.verdict === 'slower') || tail?.verdict === 'slower') return 'slower'
  if (results.some((r) => r.verdict === 'faster') || tail?.verdict === 'faster') return 'faster'
  return results.length > 0 && results.every((r) => r.verdict === 'unchanged') ? 'unchanged' : 'inconclusive'
}

function compareMedians(base: readonly number[], head: readonly number[], settings: Settings): Comparison {
  const baseMedian = median(base)
  const headMedian = median(head)
  const estimate = settings.paired ? estimatePaired(base, head, settings) : estimateUnpaired(base, head, baseMedian, headMedian, settings)
  const [ciLow, ciHigh] = estimate.intervals.ratio
  const [differenceLow, differenceHigh] = estimate.intervals.difference
  const comparison = {
    ratio: estimate.ratio,
    ci: [ciLow, ciHigh] satisfies [number, number],
    pValue: estimate.pValue,
    baseMedian,
    headMedian,
    difference: estimate.difference,
    differenceCi: [differenceLow, differenceHigh] satisfies [number, number],
    samples: { base: base.length, head: head.length },
  }
  const verdict = decide(base, head, estimate, settings)
  return verdict === 'inconclusive'
    ? { verdict, ...comparison, advice: advise(Math.min(base.length, head.length), estimate, settings) }
    : { verdict, ...comparison }
}

function estimateUnpaired(base: readonly number[], head: readonly number[], baseMedian: number, headMedian: number, settings: Settings): Estimate {
  const baseCv = robustCv(base)
  const headCv = robustCv(head)
  return {
    ratio: safeRatio(headMedian, baseMedian),
    difference: headMedian - baseMedian,
    pValue: mannWhitneyU(base, head).pValue,
    intervals: bootstrapUnpaired(base, head, { ...settings, random: createRandom(settings.seed) }),
    // The planner assumes equal noise on both sides; the root mean square keeps the noisier
    // side from being averaged away.
    cv: Math.sqrt((baseCv * baseCv + headCv * headCv) / 2),
  }
}

function estimatePaired(base: readonly number[], head: readonly number[], settings: Settings): Estimate {
  const ratios = base.map((value, i) => safeRatio(head[i] ?? Number.NaN, value))
  return {
    ratio: median(ratios),
    difference: median(pairDifferences(base, head)),
    pValue: wilcoxonSignedRank(base, head).pValue,
    intervals: bootstrapPaired(base, head, { ...settings, random: createRandom(settings.seed) }),
    cv: robustCv(ratios),
  }
}

function decide(base: readonly number[], head: readonly number[], estimate: Estimate, settings: Settings): Verdict {
  const { minRelativeEffect, minAbsoluteEffectMs, alpha, paired } = settings
  const floor = minAbsoluteEffectMs
  if (Math.min(base.length, head.length) < DECISION_DEFAULTS.minSamples) {
    // A bootstrap of 3 values cannot estimate its own uncertainty, so trust only what holds for
    // every pairing of the samples: all conceivable differences are below the absolute floor.
    const [low, high] = paired
      ? [Math.min(...pairDifferences(base, head)), Math.max(...pairDifferences(base, head))]
      : [Math.min(...head) - Math.max(...base), Math.max(...head) - Math.min(...base)]
    return low > -floor && high < floor ? 'unchanged' : 'inconclusive'
  }
  const { ratio, difference, pValue } = estimate
  const [ciLow, ciHigh] = estimate.intervals.ratio
  const [differenceLow, differenceHigh] = estimate.intervals.difference
  const upper = 1 + minRelativeEffect
  const lower = 1 / upper
  if (pValue < alpha && ciLow > 1 && ratio >= upper && difference >= floor) return 'slower'
  if (pValue < alpha && ciHigh < 1 && ratio <= lower && difference <= -floor) return 'faster'
  if ((ciLow >= lower && ciHigh <= upper) || (differenceLow > -floor && differenceHigh < floor)) return 'unchanged'
  return 'inconclusive'
}

function advise(count: number, estimate: Estimate, settings: Settings): string {
  const unit = settings.paired ? 'pairs' : 'samples a side'
  // With no relative minimum the advice still needs a change size to plan for; the default
  // minimum is the change most gates care about.
  const target = settings.minRelativeEffect > 0 ? settings.minRelativeEffect : DECISION_DEFAULTS.minRelativeEffect
  const effect = percent(target)
  // The noise is NaN or infinite when a median is 0 ms: no relative spread exists to plan with.
  const needed = Number.isFinite(estimate.cv)
    ? samplesNeeded(target, estimate.cv, { paired: settings.paired, alpha: settings.alpha, confidence: settings.confidence })
    : Number.POSITIVE_INFINITY
  if (!Number.isFinite(needed)) {
    return `Collect more ${unit}: with a median of 0 ms the relative noise cannot be estimated, so only the ${settings.minAbsoluteEffectMs} ms absolute floor can decide.`
  }
  const noise = `CV ${percent(estimate.cv)}${settings.paired ? ' of the pair ratio' : ''}`
  if (needed > count) {
    return `Collect about ${needed} ${unit} (now ${count}) to detect a ${effect} change at the observed noise (${noise}).`
  }
  // Enough samples for the noise, yet no verdict: the change sits near the threshold (or the
  // rank test and the interval disagree), which more samples narrow but cannot promise to settle.
  const [low, high] = estimate.intervals.ratio
  const observed = `${signedPercent(estimate.ratio - 1)} (${percent(settings.confidence)} CI ${signedPercent(low - 1)} to ${signedPercent(high - 1)}, p ${estimate.pValue.toPrecision(2)})`
  const threshold = settings.minRelativeEffect > 0 ? `the ${effect} minimum effect` : 'no change'
  return `The change is ${observed}, too close to ${threshold} to call. More ${unit} narrow the interval, but a change this close to the minimum effect may stay inconclusive.`
}

function resolveSettings(options: CompareOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new UsageError(`Failed to compare samples: options is ${String(options)}. Please pass an options object, or nothing for the defaults.`)
  }
  const settings: Settings = {
    minRelativeEffect: options.minRelativeEffect ?? DECISION_DEFAULTS.minRelativeEffect,
    minAbsoluteEffectMs: options.minAbsoluteEffectMs ?? DECISION_DEFAULTS.minAbsoluteEffectMs,
    alpha: options.alpha ?? DECISION_DEFAULTS.alpha,
    confidence: options.confidence ?? DECISION_DEFAULTS.confidence,
    paired: options.paired ?? false,
    resamples: options.resamples ?? DECISION_DEFAULTS.resamples,
    seed: options.seed ?? DEFAULT_SEED,
    quantiles: options.quantiles === undefined ? undefined : requireQuantiles(options.quantiles, 'compare samples'),
  }
  const action = 'compare samples'
  requireNumber(settings.minRelativeEffect, 'minRelativeEffect', finiteAtLeast(0, 'a fraction ≥ 0', '0.1 for 10%'), action)
  requireNumber(settings.minAbsoluteEffectMs, 'minAbsoluteEffectMs', finiteAtLeast(0, 'a number of ms ≥ 0', '1'), action)
  requireNumber(settings.alpha, 'alpha', probability('0.01'), action)
  requireNumber(settings.confidence, 'confidence', probability('0.95'), action)
  requireNumber(settings.resamples, 'resamples', wholeNumber(100, '2000', 'an integer'), action)
  requireNumber(settings.seed, 'seed', FINITE, action)
  if (typeof settings.paired !== 'boolean') {
    throw new UsageError(`Failed to compare samples: paired is ${String(settings.paired)}. Please pass true or false.`)
  }
  return settings
}

function requireDurations(side: 'base' | 'head', values: readonly number[]): void {
  if (!Array.isArray(values)) {
    throw new UsageError(`Failed to compare samples: ${side} is ${String(values)}, not an array. Please pass the ${side} durations as an array of ms.`)
  }
  if (values.length === 0) {
    throw new UsageError(`Failed to compare samples: ${side} has no samples. Please measure at least one run of each side (30 a side give useful verdicts).`)
  }
  const index = values.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value) || value < 0)
  if (index !== -1) {
    throw new UsageError(`Failed to compare samples: ${side}[${index}] is ${String(values[index])}, but durations must be finite numbers of ms, 0 or more. Please check how that sample was measured.`)
  }
}

function pairDifferences(base: readonly number[], head: readonly number[]): number[] {
  return base.map((value, i) => (head[i] ?? Number.NaN) - value)
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`
}
