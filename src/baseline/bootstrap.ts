import type { Random } from './random.js'
import { safeRatio } from './rank-test.js'

/**
 * Percentile bootstrap intervals for the change from base to head.
 *
 * @example
 * ```ts
 * const { ratio: [low, high] }: BootstrapIntervals = bootstrapUnpaired(base, head, options)
 * ```
 */
export interface BootstrapIntervals {
  /** Interval for the ratio head / base of the medians (paired: the median per-pair ratio). */
  readonly ratio: readonly [number, number]
  /** Interval in ms for head − base (paired: the median per-pair difference). */
  readonly difference: readonly [number, number]
}

/**
 * How to resample.
 */
export interface BootstrapOptions {
  readonly resamples: number
  /** Coverage of the intervals, e.g. 0.95. */
  readonly confidence: number
  readonly random: Random
}

/**
 * Resamples each side on its own (they are independent) and takes the ratio and difference of
 * the resampled medians. Percentile intervals rather than BCa: the bootstrap distribution of a
 * median is lumpy (it only takes values near data points), which makes BCa's jackknife
 * acceleration unreliable, while percentiles follow it as it is. The ratio interval is the same
 * whether taken on ratios or log ratios, since percentiles commute with monotone maps.
 *
 * @example
 * ```ts
 * const { ratio } = bootstrapUnpaired(base, head, { resamples: 2000, confidence: 0.95, random: createRandom() })
 * ```
 */
export function bootstrapUnpaired(base: readonly number[], head: readonly number[], options: BootstrapOptions): BootstrapIntervals {
  const sortedBase = Float64Array.from(base).sort()
  const sortedHead = Float64Array.from(head).sort()
  const baseCounts = new Int32Array(base.length)
  const headCounts = new Int32Array(head.length)
  const baseOrder = identityOrder(base.length)
  const headOrder = identityOrder(head.length)
  const ratios = new Float64Array(options.resamples)
  const differences = new Float64Array(options.resamples)
  for (let r = 0; r < options.resamples; r++) {
    const baseMedian = resampledMedian(sortedBase, baseOrder, draw(baseCounts, options.random))
    const headMedian = resampledMedian(sortedHead, headOrder, draw(headCounts, options.random))
    ratios[r] = safeRatio(headMedian, baseMedian)
    differences[r] = headMedian - baseMedian
  }
  return { ratio: percentileInterval(ratios, options.confidence), difference: percentileInterval(differences, options.confidence) }
}

/**
 * Resamples whole pairs, so each resample keeps what a round's two measurements share, and takes
 * the median of the per-pair ratios and differences. This is why a paired comparison is tighter:
 * drift common to both sides of a round never enters the resampled statistic.
 *
 * @example
 * ```ts
 * const { ratio } = bootstrapPaired(base, head, { resamples: 2000, confidence: 0.95, random: createRandom() })
 * ```
 */
export function bootstrapPaired(base: readonly number[], head: readonly number[], options: BootstrapOptions): BootstrapIntervals {
  const n = base.length
  const pairRatios = new Float64Array(n)
  const pairDifferences = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    pairRatios[i] = safeRatio(head[i] ?? Number.NaN, base[i] ?? Number.NaN)
    pairDifferences[i] = (head[i] ?? Number.NaN) - (base[i] ?? Number.NaN)
  }
  // Both statistics must see the same resampled pairs, so counts are kept per pair and each
  // statistic walks the pairs in its own sorted order.
  const byRatio = sortedOrder(pairRatios)
  const byDifference = sortedOrder(pairDifferences)
  const sortedRatios = Float64Array.from(byRatio, (pair) => pairRatios[pair] ?? Number.NaN)
  const sortedDifferences = Float64Array.from(byDifference, (pair) => pairDifferences[pair] ?? Number.NaN)
  const counts = new Int32Array(n)
  const ratios = new Float64Array(options.resamples)
  const differences = new Float64Array(options.resamples)
  for (let r = 0; r < options.resamples; r++) {
    draw(counts, options.random)
    ratios[r] = resampledMedian(sortedRatios, byRatio, counts)
    differences[r] = resampledMedian(sortedDifferences, byDifference, counts)
  }
  return { ratio: percentileInterval(ratios, options.confidence), difference: percentileInterval(differences, options.confidence) }
}

/**
 * One bootstrap resample as multiplicities: counts[i] is how often element i was drawn. Drawing
 * n indices and counting them is O(n) and needs no copy or sort of the resample.
 *
 * @example
 * ```ts
 * draw(new Int32Array(30), createRandom(1)) // 30 counts summing to 30
 * ```
 */
export function draw(counts: Int32Array, random: Random): Int32Array {
  const n = counts.length
  counts.fill(0)
  for (let i = 0; i < n; i++) {
    const index = Math.floor(random() * n)
    counts[index] = (counts[index] ?? 0) + 1
  }
  return counts
}

// The median of a resample given as multiplicities: walk the sorted values, adding up how often
// each was drawn, until passing the middle. order[i] is the element at sorted position i, whose
// multiplicity applies.
function resampledMedian(sorted: Float64Array, order: Int32Array, counts: Int32Array): number {
  const n = sorted.length
  const lowRank = (n - 1) >> 1
  const highRank = n >> 1
  let seen = 0
  let low = 0
  for (let i = 0; i < n; i++) {
    const before = seen
    seen += counts[order[i] ?? 0] ?? 0
    if (before <= lowRank && seen > lowRank) low = sorted[i] ?? Number.NaN
    if (seen > highRank) {
      const high = sorted[i] ?? Number.NaN
      return low === high ? low : low / 2 + high / 2
    }
  }
  return Number.NaN
}

function identityOrder(length: number): Int32Array {
  return Int32Array.from({ length }, (_, i) => i)
}

/**
 * The indices of `values` in ascending order of value (ties by index).
 *
 * @example
 * ```ts
 * sortedOrder([3, 1, 2]) // Int32Array [1, 2, 0]
 * ```
 */
export function sortedOrder(values: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i)
  return order.sort((a, b) => {
    const x = values[a] ?? 0
    const y = values[b] ?? 0
    return x < y ? -1 : x > y ? 1 : a - b
  })
}

/**
 * Equal-tailed percentile interval read off the sorted resampled statistics at whole order
 * statistics, so infinite ratios (a base of 0 ms) never meet in an interpolation as ∞ − ∞. Sorts
 * `statistics` in place.
 *
 * @example
 * ```ts
 * percentileInterval(resampledRatios, 0.95) // [low, high]
 * ```
 */
export function percentileInterval(statistics: Float64Array, confidence: number): readonly [number, number] {
  statistics.sort()
  const tail = Math.floor(((1 - confidence) / 2) * statistics.length)
  return [statistics[tail] ?? Number.NaN, statistics[statistics.length - 1 - tail] ?? Number.NaN]
}
