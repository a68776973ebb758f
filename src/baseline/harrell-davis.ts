/**
 * The Harrell–Davis quantile estimator and the regularized incomplete beta function it needs.
 *
 * A sample quantile is one order statistic, which in a tail jumps between whatever values happen
 * to sit there: with 60 runs, p90 is the 54th value, and when 10% of requests are slow it is either
 * the slowest fast run or the fastest slow one. Harrell–Davis averages every order statistic with
 * weights from a Beta((n+1)q, (n+1)(1−q)) distribution centred on the quantile's rank, so the
 * estimate moves smoothly with the data and its bootstrap distribution is not lumpy.
 */

/**
 * Cumulative Harrell–Davis weights for `n` sorted values at quantile `q`: entry j is
 * I_{j/n}(a, b) with a = (n+1)q, b = (n+1)(1−q), so value i (0-based) of the sorted sample has
 * weight `cdf[i+1] − cdf[i]`. Kept cumulative because a bootstrap resample, given as how often
 * each sorted value was drawn, covers a run of positions and needs the weight of the whole run.
 *
 * @example
 * ```ts
 * const cdf = harrellDavisCdf(60, 0.9)
 * cdf[0] // 0
 * cdf[60] // 1
 * ```
 */
export function harrellDavisCdf(n: number, q: number): Float64Array {
  const a = (n + 1) * q
  const b = (n + 1) * (1 - q)
  const cdf = new Float64Array(n + 1)
  for (let j = 1; j < n; j++) cdf[j] = regularizedBeta(j / n, a, b)
  cdf[n] = 1
  return cdf
}

/**
 * The Harrell–Davis estimate of quantile `q` from values sorted ascending.
 *
 * @example
 * ```ts
 * harrellDavis(Float64Array.from([1, 2, 3, 4, 5]), 0.5) // 3: symmetric weights around the middle
 * ```
 */
export function harrellDavis(sorted: Float64Array, q: number, cdf: Float64Array = harrellDavisCdf(sorted.length, q)): number {
  let sum = 0
  for (let i = 0; i < sorted.length; i++) {
    const weight = (cdf[i + 1] ?? 1) - (cdf[i] ?? 0)
    if (weight !== 0) sum += weight * (sorted[i] ?? 0)
  }
  return sum
}

/**
 * Harrell–Davis of a bootstrap resample given as multiplicities: sorted value i was drawn
 * `counts[order[i]]` times, so it fills the next that many positions of the resample. O(n), no
 * copy and no sort.
 *
 * @example
 * ```ts
 * resampledHarrellDavis(sorted, identity, counts, harrellDavisCdf(sorted.length, 0.9))
 * ```
 */
export function resampledHarrellDavis(sorted: Float64Array, order: Int32Array, counts: Int32Array, cdf: Float64Array): number {
  let position = 0
  let sum = 0
  for (let i = 0; i < sorted.length; i++) {
    const count = counts[order[i] ?? 0] ?? 0
    if (count === 0) continue
    const next = position + count
    sum += ((cdf[next] ?? 1) - (cdf[position] ?? 0)) * (sorted[i] ?? 0)
    position = next
  }
  return sum
}

/**
 * I_x(a, b), the regularized incomplete beta function, by its continued fraction (modified Lentz),
 * taken on the side of the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges fast.
 *
 * @example
 * ```ts
 * regularizedBeta(0.5, 3, 3) // 0.5
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaFraction(x, a, b)) / a
  return 1 - (Math.exp(logFront) * betaFraction(1 - x, b, a)) / b
}

const TINY = 1e-300

function betaFraction(x: number, a: number, b: number): number {
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let result = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    // Even step, then odd step of the continued fraction.
    let term = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + term * d
    c = 1 + term / c
    d = Math.abs(d) < TINY ? 1 / TINY : 1 / d
    c = Math.abs(c) < TINY ? TINY : c
    result *= d * c
    term = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + term * d
    c = 1 + term / c
    d = Math.abs(d) < TINY ? 1 / TINY : 1 / d
    c = Math.abs(c) < TINY ? TINY : c
    const step = d * c
    result *= step
    if (Math.abs(step - 1) < 1e-14) break
  }
  return result
}

// Lanczos approximation (g = 7, nine coefficients), accurate to about 15 digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0] ?? 1
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}
