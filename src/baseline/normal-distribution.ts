/**
 * The standard normal distribution, computed from series rather than table coefficients: the
 * rank tests need upper tails accurate to a few significant digits far out (p of 1e-9 should not
 * print as 0), and the sample-size planner needs quantiles. Nothing here is hot: a comparison
 * calls these a handful of times.
 */

const SQRT_PI = Math.sqrt(Math.PI)

/**
 * P(Z > z) for a standard normal Z, with relative accuracy around 1e-12 across the range.
 *
 * @example
 * ```ts
 * normalUpperTail(1.959964) // ≈ 0.025
 * ```
 */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  if (z < 0) return 1 - normalUpperTail(-z)
  return erfc(z / Math.SQRT2) / 2
}

/**
 * The z with P(Z ≤ z) = p, found by bisection on {@link normalUpperTail}: slower than a rational
 * approximation but obviously correct, and only called a few times per comparison.
 *
 * @example
 * ```ts
 * normalQuantile(0.975) // ≈ 1.959964
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY
    if (p === 1) return Number.POSITIVE_INFINITY
    return Number.NaN
  }
  let low = -40
  let high = 40
  // 100 halvings of an interval 80 wide reach below double spacing near any answer.
  for (let i = 0; i < 100 && high - low > 1e-15 * Math.max(1, Math.abs(low)); i++) {
    const mid = (low + high) / 2
    if (1 - normalUpperTail(mid) < p) low = mid
    else high = mid
  }
  return (low + high) / 2
}

// erfc(x) for x ≥ 0. Below 3 the series erf(x) = 2/√π · e^(−x²) · Σ (2x²)^k · x / (1·3·…·(2k+1))
// has only positive terms, so it cannot cancel; from 3 up 1 − erf would lose the tail, and the
// continued fraction for erfc converges quickly there instead.
function erfc(x: number): number {
  if (x < 3) {
    let term = x
    let sum = x
    for (let k = 1; term > sum * 1e-17; k++) {
      term *= (2 * x * x) / (2 * k + 1)
      sum += term
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from
  // the tail upwards; 60 levels are far more than x ≥ 3 needs.
  let fraction = x
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction
  return Math.exp(-x * x) / SQRT_PI / fraction
}
