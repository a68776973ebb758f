import { UsageError } from '../errors.js'

/**
 * The middle value; the mean of the two middle values for an even count. Durations are skewed
 * (a GC pause or a cold cache adds a long tail), and the median ignores a few such outliers where
 * the mean would follow them.
 *
 * @example
 * ```ts
 * median([12, 3, 7])     // 7
 * median([1, 2, 3, 100]) // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new UsageError('Failed to take the median: there are no values. Please pass at least one number.')
  }
  const index = values.findIndex((value) => typeof value !== 'number' || Number.isNaN(value))
  if (index !== -1) {
    throw new UsageError(`Failed to take the median: values[${index}] is ${String(values[index])}, not a number. Please pass numbers only.`)
  }
  return medianOfSorted(Float64Array.from(values).sort())
}

/**
 * Median of values already sorted ascending (typed arrays sort numerically, not as strings), for
 * callers that sort once and take several statistics.
 *
 * @example
 * ```ts
 * medianOfSorted(Float64Array.from(samples).sort())
 * ```
 */
export function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length
  const upper = sorted[n >> 1] ?? Number.NaN
  // Two infinities of the same sign average to that infinity, never to NaN.
  return n % 2 === 1 ? upper : midpoint(sorted[(n >> 1) - 1] ?? Number.NaN, upper)
}

/**
 * Coefficient of variation (spread relative to the typical value) estimated robustly as
 * 1.4826 · MAD / median, which matches the standard deviation over the mean for normal noise but
 * is not inflated by the rare outlier the median-based comparison ignores anyway. Falls back to
 * the ordinary standard deviation when over half the values are equal (MAD 0), and is NaN when
 * the median is 0 or not finite: no relative spread exists then.
 *
 * @example
 * ```ts
 * robustCv([48, 50, 52, 49, 51, 500]) // ≈ 0.04: the 500 ms outlier does not count
 * ```
 */
export function robustCv(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort()
  const center = medianOfSorted(sorted)
  if (!(center > 0 && Number.isFinite(center))) return Number.NaN
  const deviations = sorted.map((value) => Math.abs(value - center)).sort()
  const mad = medianOfSorted(deviations)
  if (mad > 0) return (1.4826 * mad) / center
  let sum = 0
  for (const value of sorted) sum += value
  const mean = sum / sorted.length
  let squares = 0
  for (const value of sorted) squares += (value - mean) ** 2
  return sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) / mean : 0
}

function midpoint(a: number, b: number): number {
  return a === b ? a : a / 2 + b / 2
}

/**
 * A relative change as a signed percentage to one decimal: `+12.5%`, `−3%`, `+∞%`.
 *
 * @example
 * ```ts
 * signedPercent(0.125) // '+12.5%'
 * ```
 */
export function signedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+∞%' : '−∞%'
  const rounded = Math.round(fraction * 1000) / 10
  return `${rounded >= 0 ? '+' : '−'}${Math.abs(rounded)}%`
}
