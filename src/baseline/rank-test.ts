import { normalUpperTail } from './normal-distribution.js'

/**
 * What a rank test found.
 *
 * @example
 * ```ts
 * const { pValue, method }: RankTestResult = mannWhitneyU(base, head)
 * ```
 */
export interface RankTestResult {
  /**
   * Mann–Whitney: U of the head sample, the number of (base, head) pairs where head is larger,
   * ties counting one half. Wilcoxon: W+, the rank sum of the pairs where head is larger.
   */
  readonly statistic: number
  /** Two-sided p-value: how often a difference at least this large arises when nothing changed. */
  readonly pValue: number
  /** `exact` enumerates the null distribution; `normal` approximates it, corrected for ties. */
  readonly method: 'exact' | 'normal'
}

/**
 * Above this many values a side the normal approximation is accurate to far better than the
 * decisions need, and exact counts would stop fitting doubles comfortably.
 */
const EXACT_LIMIT = 50

/**
 * Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples. It asks whether a value
 * drawn from `head` tends to be larger than one drawn from `base`, using only their order, so
 * it needs no assumption about the shape of the noise and is not thrown by outliers. The null
 * distribution is exact without ties and up to 50 values a side; otherwise it is the normal
 * approximation with tie-corrected variance and a continuity correction.
 *
 * @example
 * ```ts
 * mannWhitneyU([1, 2, 3], [4, 5, 6]) // { statistic: 9, pValue: 0.1, method: 'exact' }
 * ```
 */
export function mannWhitneyU(base: readonly number[], head: readonly number[]): RankTestResult {
  const m = head.length
  const n = base.length
  const { ranks, tieTerm } = averageRanks([...head, ...base])
  let headRankSum = 0
  for (let i = 0; i < m; i++) headRankSum += ranks[i] ?? 0
  const statistic = headRankSum - (m * (m + 1)) / 2
  const mean = (m * n) / 2
  if (tieTerm === 0 && m <= EXACT_LIMIT && n <= EXACT_LIMIT) {
    return { statistic, pValue: exactTwoSided(rankSumCounts(m, n), statistic), method: 'exact' }
  }
  const total = m + n
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)))
  return { statistic, pValue: normalTwoSided(statistic - mean, variance), method: 'normal' }
}

/**
 * Wilcoxon signed-rank test of paired samples, on the log of each pair's ratio head/base: it
 * asks whether those log ratios centre on 0. Working on ratios makes a 10% change count the same
 * in a fast and a slow round, and pairing cancels whatever drift the two sides of a round share.
 * Pairs that did not change at all carry no sign and are dropped (Wilcoxon's convention). Exact
 * without ties and up to 50 pairs; otherwise the tie-corrected normal approximation.
 *
 * @example
 * ```ts
 * wilcoxonSignedRank([10, 10, 10, 10, 10], [11, 12, 13, 14, 15]) // { statistic: 15, pValue: 0.0625, method: 'exact' }
 * ```
 */
export function wilcoxonSignedRank(base: readonly number[], head: readonly number[]): RankTestResult {
  const logRatios: number[] = []
  for (let i = 0; i < base.length; i++) {
    const ratio = safeRatio(head[i] ?? Number.NaN, base[i] ?? Number.NaN)
    if (ratio !== 1) logRatios.push(Math.log(ratio))
  }
  const n = logRatios.length
  if (n === 0) return { statistic: 0, pValue: 1, method: 'exact' }
  const { ranks, tieTerm } = averageRanks(logRatios.map(Math.abs))
  let statistic = 0
  for (let i = 0; i < n; i++) if ((logRatios[i] ?? 0) > 0) statistic += ranks[i] ?? 0
  if (tieTerm === 0 && n <= EXACT_LIMIT) {
    return { statistic, pValue: exactTwoSided(signedRankCounts(n), statistic), method: 'exact' }
  }
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48
  return { statistic, pValue: normalTwoSided(statistic - (n * (n + 1)) / 4, variance), method: 'normal' }
}

/**
 * head / base for non-negative durations, defined where plain division is not: 0/0 is 1 (both
 * took no measurable time, nothing changed) and x/0 is Infinity, so a span that used to take no
 * time still sorts as the slowest change instead of poisoning the arithmetic with NaN.
 *
 * @example
 * ```ts
 * safeRatio(6, 4) // 1.5
 * safeRatio(0, 0) // 1
 * safeRatio(2, 0) // Infinity
 * ```
 */
export function safeRatio(head: number, base: number): number {
  if (base === 0) return head === 0 ? 1 : Number.POSITIVE_INFINITY
  return head / base
}

// Ranks 1..n with ties sharing their average rank, and Σ(t³ − t) over tie groups of size t,
// which is what both tests' variances subtract for ties.
function averageRanks(values: readonly number[]): { ranks: Float64Array; tieTerm: number } {
  // Compared rather than subtracted: Infinity − Infinity is NaN, and NaN would break the sort.
  const order = values.map((_, i) => i).sort((a, b) => compareNumbers(values[a] ?? 0, values[b] ?? 0) || a - b)
  const ranks = new Float64Array(values.length)
  let tieTerm = 0
  for (let start = 0; start < order.length;) {
    let end = start + 1
    while (end < order.length && values[order[end] ?? 0] === values[order[start] ?? 0]) end++
    const size = end - start
    const rank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k] ?? 0] = rank
    tieTerm += size ** 3 - size
    start = end
  }
  return { ranks, tieTerm }
}

// The number of ways each U in 0..m·n arises over all C(m+n, m) orderings: the coefficients of
// the Gaussian binomial coefficient, built as Π (1 − q^(n+i)) / (1 − q^i) for i = 1..m. Each
// factor is applied in place in O(degree), so 50 × 50 costs about 10⁵ additions.
function rankSumCounts(m: number, n: number): Float64Array {
  const counts = new Float64Array(m * n + m + 1)
  counts[0] = 1
  let degree = 0
  for (let i = 1; i <= m; i++) {
    const step = n + i
    for (let j = degree + step; j >= step; j--) counts[j] = (counts[j] ?? 0) - (counts[j - step] ?? 0)
    for (let j = i; j <= degree + step; j++) counts[j] = (counts[j] ?? 0) + (counts[j - i] ?? 0)
    // The division is exact, so the terms above the new degree are 0; clear the rounding residue
    // that huge counts can leave there, or the next factors would carry it into real terms.
    counts.fill(0, degree + n + 1, degree + step + 1)
    degree += n
  }
  return counts.subarray(0, m * n + 1)
}

// The number of subsets of {1..n} with each sum: every sign assignment is equally likely when
// nothing changed, and W+ is the sum of the ranks that came out positive.
function signedRankCounts(n: number): Float64Array {
  const top = (n * (n + 1)) / 2
  const counts = new Float64Array(top + 1)
  counts[0] = 1
  for (let k = 1; k <= n; k++) {
    for (let s = top; s >= k; s--) counts[s] = (counts[s] ?? 0) + (counts[s - k] ?? 0)
  }
  return counts
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function exactTwoSided(counts: Float64Array, statistic: number): number {
  let total = 0
  let atMost = 0
  let atLeast = 0
  for (let value = 0; value < counts.length; value++) {
    const count = counts[value] ?? 0
    total += count
    if (value <= statistic) atMost += count
    if (value >= statistic) atLeast += count
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / total)
}

function normalTwoSided(deviation: number, variance: number): number {
  if (!(variance > 0)) return 1
  // Continuity correction: the statistic moves in steps of 1/2 or 1, the normal curve does not.
  const corrected = Math.max(0, Math.abs(deviation) - 0.5)
  return Math.min(1, 2 * normalUpperTail(corrected / Math.sqrt(variance)))
}
