import { between, probability, requireNumber, wholeNumber } from '../number-option.js'
import { signedPercent } from './descriptive.js'
import { safeRatio } from './rank-test.js'
import { DECISION_DEFAULTS } from './sample-size.js'

/** What the tail test concluded: it can show a slower or faster tail, never rule one out. */
export type TailVerdict = 'slower' | 'faster' | 'inconclusive'

/**
 * The tail exceedance test of one key, head against base (see {@link compareTail}).
 *
 * @example
 * ```ts
 * const { tail } = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99] })
 * if (tail?.verdict === 'slower') console.log(`${tail.exceedances} head runs beyond base's slowest`)
 * ```
 */
export interface TailComparison {
  /** 'slower': more head runs lie beyond base's slowest run than chance allows; 'faster' mirrors it. */
  readonly verdict: TailVerdict
  /** The samples can reach the test's level at all (see `minSamples`). */
  readonly judged: boolean
  /** Fewest samples a side at which a verdict is possible at this alpha. */
  readonly minSamples: number
  /**
   * Which side holds the slowest run, and how many of its runs lie beyond the other side's
   * slowest run (paired: how many of the largest per-pair changes in a row go that way).
   */
  readonly side: 'head' | 'base' | 'none'
  readonly exceedances: number
  /** How many exceedances a verdict needs at `alpha` with these sample counts. */
  readonly needed: number
  /** Mean of base's `needed` slowest runs, ms: the tail the ratio compares. */
  readonly base: number
  /** Mean of head's `needed` slowest runs, ms. */
  readonly head: number
  readonly ratio: number
  /** Exact two-sided p-value of the exceedance count under "nothing changed". */
  readonly pValue: number
  /** The significance level this test ran at: the key's alpha split with the quantiles. */
  readonly alpha: number
  /** Only when inconclusive: what the data show and how many runs a tail verdict takes. */
  readonly advice?: string
}

/** How {@link compareTail} decides: `compareSamples`' settings, alpha already split. */
export interface TailSettings {
  readonly alpha: number
  readonly minRelativeEffect: number
  readonly minAbsoluteEffectMs: number
  readonly paired: boolean
}

/**
 * Compares the upper tails of two samples with an exact exceedance test, the most powerful rank
 * test against "a share of head's runs became much slower" (docs/statistics.md, "The tail test").
 *
 * Unpaired, the statistic is how many runs of the side holding the slowest run lie beyond the
 * other side's slowest run. When nothing changed every ordering of the pooled runs is equally
 * likely, so the chance that the top l runs all come from a side of h runs, out of N, is
 * C(h, l) / C(N, l), whatever the shape of the noise. Paired, it is how many of the largest
 * per-pair changes |ln(head/base)| in a row go the same way: 2^−l when a pair's two runs could
 * have been swapped. p is twice that. 'slower' needs p below `alpha`, and the mean of head's k
 * slowest runs (k the count a verdict needs) at least 1 + `minRelativeEffect` times, and
 * `minAbsoluteEffectMs` more than, base's; 'faster' mirrors it. There is no 'unchanged': a
 * count of exceedances cannot rule a tail change out.
 *
 * @example
 * ```ts
 * compareTail(base, head, { alpha: 0.0033, minRelativeEffect: 0.1, minAbsoluteEffectMs: 1, paired: false })
 * ```
 */
export function compareTail(base: readonly number[], head: readonly number[], settings: TailSettings): TailComparison {
  const { side, exceedances } = settings.paired ? pairedRun(base, head) : unpairedRun(base, head)
  const needed = tailCountNeeded(base.length, head.length, settings.alpha, settings.paired)
  const minSamples = tailMinSamples(settings.alpha, settings.paired)
  const judged = Math.min(base.length, head.length) >= minSamples && Number.isFinite(needed)
  const top = Math.min(needed, base.length, head.length)
  const baseTail = topMean(base, top)
  const headTail = topMean(head, top)
  const ratio = safeRatio(headTail, baseTail)
  const pValue = side === 'none' ? 1 : Math.min(1, 2 * runProbability(exceedances, side === 'head' ? head.length : base.length, base.length + head.length, settings.paired))
  const common = { judged, minSamples, side, exceedances, needed, base: baseTail, head: headTail, ratio, pValue, alpha: settings.alpha }
  const verdict = judged ? decideTail(side, pValue, ratio, headTail - baseTail, settings) : 'inconclusive'
  if (verdict !== 'inconclusive') return { ...common, verdict }
  return { ...common, verdict, advice: tailAdvice(common, base.length, head.length, settings) }
}

function decideTail(side: TailComparison['side'], pValue: number, ratio: number, difference: number, settings: TailSettings): TailVerdict {
  const upper = 1 + settings.minRelativeEffect
  if (!(pValue < settings.alpha)) return 'inconclusive'
  if (side === 'head' && ratio >= upper && difference >= settings.minAbsoluteEffectMs) return 'slower'
  if (side === 'base' && ratio <= 1 / upper && difference <= -settings.minAbsoluteEffectMs) return 'faster'
  return 'inconclusive'
}

/**
 * The chance, when nothing changed, that the top `count` of `total` pooled runs all come from a
 * side of `sideSize` runs: C(sideSize, count) / C(total, count); paired, 2^−count.
 *
 * @example
 * ```ts
 * runProbability(8, 60, 120, false) // 0.0030: 8 head runs beyond base's slowest of 60
 * ```
 */
export function runProbability(count: number, sideSize: number, total: number, paired: boolean): number {
  if (count > sideSize) return 0
  if (paired) return 2 ** -count
  let p = 1
  for (let i = 0; i < count; i++) p *= (sideSize - i) / (total - i)
  return p
}

/**
 * How many exceedances a tail verdict needs: the smallest count whose two-sided p is below
 * `alpha`, whichever side holds the slowest run (with unequal sides, the larger side's count,
 * which is enough for both). Infinity when no count is enough.
 *
 * @example
 * ```ts
 * tailCountNeeded(60, 60, 0.01 / 3, false) // 9
 * ```
 */
export function tailCountNeeded(baseSize: number, headSize: number, alpha: number, paired: boolean): number {
  const side = Math.max(baseSize, headSize)
  for (let count = 1; count <= Math.min(baseSize, headSize); count++) {
    if (2 * runProbability(count, side, baseSize + headSize, paired) < alpha) return count
  }
  return Number.POSITIVE_INFINITY
}

/**
 * The fewest samples a side at which the tail test can reach `alpha` at all, and never fewer
 * than `compareSamples`' minimum of 5.
 *
 * @example
 * ```ts
 * tailMinSamples(0.01 / 3, false) // 6: all 6 head runs beyond all 6 base runs has p 2/924
 * ```
 */
export function tailMinSamples(alpha: number, paired: boolean): number {
  for (let n = DECISION_DEFAULTS.minSamples; ; n++) {
    if (Number.isFinite(tailCountNeeded(n, n, alpha, paired))) return n
  }
}

/**
 * Runs a side at which the tail test finds a tail regression with the given power, when a share
 * `share` of head's runs lie beyond everything base produces: the smallest n at which
 * Binomial(n, share) reaches the count a verdict needs with that probability. Conservative: the
 * test also gets lucky exceedances from ordinary runs, which this leaves out. Infinity above
 * 100,000 runs.
 *
 * @example
 * ```ts
 * tailRunsNeeded(0.1, 0.01 / 3, 0.9) // 140: runs a side; pass `true` last for pairs
 * ```
 */
export function tailRunsNeeded(share: number, alpha: number, power: number, paired = false): number {
  const action = 'plan the runs for a tail verdict'
  requireNumber(share, 'share', between(0, 1, 'a fraction of runs between 0 and 1', '0.1 for one run in ten'), action)
  requireNumber(alpha, 'alpha', probability('0.01 / 3'), action)
  requireNumber(power, 'power', probability('0.9'), action)
  for (let n = tailMinSamples(alpha, paired); n <= 100_000; n++) {
    if (binomialAtLeast(n, share, tailCountNeeded(n, n, alpha, paired)) >= power) return n
  }
  return Number.POSITIVE_INFINITY
}

/**
 * The most power any test valid without assuming a distribution (a rank or permutation test) can
 * have against "a share `share` of head's runs lie beyond every base run", n runs a side, at a
 * one-sided level `level`. By the Neyman–Pearson lemma the best such test rejects on the length
 * of head's run at the top of the pooled sample (its likelihood ratio grows with that length
 * alone), randomising at the boundary to spend exactly `level`; this is its power. Unpaired.
 *
 * @example
 * ```ts
 * tailPowerBound(60, 0.1, 0.005 / 3) // 0.27: the best possible at 60 runs, p50/p90/tail sharing 1%
 * ```
 */
export function tailPowerBound(n: number, share: number, level: number): number {
  requireBoundInputs(n, share, level, 'bound the power of a tail test')
  const count = tailCountNeeded(n, n, 2 * level, false)
  if (!Number.isFinite(count)) return 0
  const size = runProbability(count, n, 2 * n, false)
  const below = runProbability(count - 1, n, 2 * n, false)
  const fill = (level - size) / (below - size)
  const reach = (k: number): number => topRunAtLeast(n, share, k)
  return reach(count) + fill * (reach(count - 1) - reach(count))
}

/**
 * The power of the tail test itself in the same setting: {@link tailPowerBound} without the
 * randomisation, which a test whose verdict must not depend on a coin cannot use. The exact
 * figure the simulation's tail-test rate should match.
 *
 * @example
 * ```ts
 * tailTestPower(60, 0.1, 0.005 / 3) // 0.25
 * ```
 */
export function tailTestPower(n: number, share: number, level: number): number {
  requireBoundInputs(n, share, level, 'compute the power of the tail test')
  const count = tailCountNeeded(n, n, 2 * level, false)
  return Number.isFinite(count) ? topRunAtLeast(n, share, count) : 0
}

function requireBoundInputs(n: number, share: number, level: number, action: string): void {
  requireNumber(n, 'n', wholeNumber(1, '60', 'a whole number of runs a side'), action)
  requireNumber(share, 'share', between(0, 1, 'a fraction of runs between 0 and 1', '0.1 for one run in ten'), action)
  requireNumber(level, 'level', probability('0.005 for a one-sided 0.5%'), action)
}

// P(head's run at the top of the pooled sample ≥ k) when Binomial(n, share) head runs lie beyond
// every base run and the rest are ordered as chance has it.
function topRunAtLeast(n: number, share: number, k: number): number {
  let total = 0
  for (let slow = 0; slow <= n; slow++) {
    const rest = slow >= k ? 1 : runProbability(k - slow, n - slow, 2 * n - slow, false)
    total += binomialProbability(n, share, slow) * rest
  }
  return total
}

// P(Binomial(n, p) ≥ k), summing the k terms below it: k is small, n may be thousands.
function binomialAtLeast(n: number, p: number, k: number): number {
  if (!Number.isFinite(k)) return 0
  let term = Math.exp(n * Math.log1p(-p))
  let below = 0
  for (let i = 0; i < k && i <= n; i++) {
    below += term
    term *= ((n - i) / (i + 1)) * (p / (1 - p))
  }
  return Math.max(0, 1 - below)
}

function binomialProbability(n: number, p: number, k: number): number {
  let logChoose = 0
  for (let i = 1; i <= k; i++) logChoose += Math.log(n - k + i) - Math.log(i)
  return Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p))
}

// How many of the side holding the slowest run lie strictly beyond the other side's slowest.
// Ties end the run: a value equal to the other side's maximum is not beyond it, which keeps the
// test conservative with tied durations.
function unpairedRun(base: readonly number[], head: readonly number[]): { side: TailComparison['side']; exceedances: number } {
  // A loop, not Math.max(...values): spreading 100,000 samples would overflow the call stack.
  const baseMax = base.reduce((max, v) => (v > max ? v : max), Number.NEGATIVE_INFINITY)
  const headMax = head.reduce((max, v) => (v > max ? v : max), Number.NEGATIVE_INFINITY)
  if (headMax > baseMax) return { side: 'head', exceedances: head.filter((v) => v > baseMax).length }
  if (baseMax > headMax) return { side: 'base', exceedances: base.filter((v) => v > headMax).length }
  return { side: 'none', exceedances: 0 }
}

// Pairs by |ln(head/base)|, largest first: how many in a row went the way the first did. Pairs
// that did not change carry no direction and are dropped (as in the signed-rank test); a tie in
// size between a slowdown and a speed-up ends the run, again conservatively.
function pairedRun(base: readonly number[], head: readonly number[]): { side: TailComparison['side']; exceedances: number } {
  const changes = base.map((b, i) => Math.log(safeRatio(head[i] ?? Number.NaN, b))).filter((c) => c !== 0 && !Number.isNaN(c))
  changes.sort((a, b) => Math.abs(b) - Math.abs(a))
  const first = changes[0]
  if (first === undefined) return { side: 'none', exceedances: 0 }
  let count = 0
  for (const change of changes) {
    if (Math.sign(change) !== Math.sign(first)) break
    count++
  }
  // A change of the other direction as large as the last counted one is a tie: drop the last.
  const next = changes[count]
  if (next !== undefined && Math.abs(next) === Math.abs(changes[count - 1] ?? Number.NaN)) count--
  return { side: first > 0 ? 'head' : 'base', exceedances: count }
}

function topMean(values: readonly number[], count: number): number {
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (let i = sorted.length - count; i < sorted.length; i++) sum += sorted[i] ?? 0
  return sum / Math.max(1, count)
}

function tailAdvice(result: Omit<TailComparison, 'verdict' | 'advice'>, baseSize: number, headSize: number, settings: TailSettings): string {
  const runs = settings.paired ? 'pairs' : 'runs a side'
  const level = `alpha ${result.alpha.toPrecision(2)}`
  if (!result.judged) return `tail needs at least ${result.minSamples} ${runs} to be judged at ${level} (now ${Math.min(baseSize, headSize)}).`
  if (result.side === 'none') return `tail: no run of either side is beyond the other side's slowest; a tail verdict needs ${result.needed} at ${level}.`
  const seen = `${exceedanceText(result.side, result.exceedances, settings.paired)} (p ${result.pValue.toPrecision(2)}); a tail verdict needs ${result.needed} at ${level}`
  const upper = 1 + settings.minRelativeEffect
  const sized = result.side === 'head' ? result.ratio >= upper : result.ratio <= 1 / upper
  const slowest = `the slowest ${result.needed} runs changed ${signedPercent(result.ratio - 1)}`
  if (!sized) return `tail: ${seen}, and ${slowest}, under the ${percent(settings.minRelativeEffect)} minimum effect.`
  // Plan for the share of runs the data show beyond the other side, as if it were the truth.
  const who = result.side === 'base' ? 'base' : 'head'
  const share = result.exceedances / (result.side === 'base' ? baseSize : headSize)
  const plan = tailRunsNeeded(share, settings.alpha, DECISION_DEFAULTS.power, settings.paired)
  const planned = Number.isFinite(plan) ? ` If ${percent(share)} of ${who}'s runs are that slow, about ${plan} ${runs} find it ${percent(DECISION_DEFAULTS.power)} of the time.` : ''
  return `tail: ${seen}; ${slowest}.${planned}`
}

function exceedanceText(side: 'head' | 'base', count: number, paired: boolean): string {
  if (paired) return `the ${count} largest per-pair changes in a row are ${side === 'head' ? 'slowdowns' : 'speed-ups'}`
  return `${count} ${side} run${count === 1 ? '' : 's'} beyond ${side === 'head' ? "base's" : "head's"} slowest`
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(2))}%`
}
