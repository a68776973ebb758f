import { describe, expect, test } from 'vitest'
import { UsageError } from '../../src/errors.js'
import { normalQuantile, normalUpperTail } from '../../src/baseline/normal-distribution.js'
import { createRandom } from '../../src/baseline/random.js'
import { mannWhitneyU, wilcoxonSignedRank } from '../../src/baseline/rank-test.js'
import { simulateSamples } from '../../src/baseline/simulated-samples.js'
import type { NoiseScenario } from '../../src/baseline/simulated-samples.js'
import { compareSamples, median, samplesNeeded } from '../../src/baseline/statistics.js'
import type { CompareOptions, Verdict } from '../../src/baseline/statistics.js'

describe('median', () => {
  test('takes the middle value of an odd count, in any order', () => {
    expect(median([12, 3, 7])).toBe(7)
    expect(median([5])).toBe(5)
  })

  test('averages the two middle values of an even count', () => {
    expect(median([1, 2, 3, 100])).toBe(2.5)
    expect(median([4, 1])).toBe(2.5)
  })

  test('ignores outliers and leaves the input alone', () => {
    const values = [9, 1, 1000, 2, 3]
    expect(median(values)).toBe(3)
    expect(values).toEqual([9, 1, 1000, 2, 3])
  })

  test('keeps infinities instead of turning them into NaN', () => {
    expect(median([1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 2])).toBe(Number.POSITIVE_INFINITY)
  })

  test('rejects an empty list and NaN', () => {
    expect(() => median([])).toThrow(UsageError)
    expect(() => median([])).toThrow(/no values/)
    expect(() => median([1, Number.NaN])).toThrow(/values\[1\] is NaN/)
  })
})

describe('normal distribution', () => {
  test('matches tabulated tails, far out too', () => {
    expect(normalUpperTail(0)).toBe(0.5)
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 12)
    expect(normalUpperTail(-1.959963984540054)).toBeCloseTo(0.975, 12)
    // erfc(5/√2)/2 and erfc(8/√2)/2: the second is where 1 − Φ would round to 0.
    expect(normalUpperTail(5) / 2.866515718791946e-7).toBeCloseTo(1, 9)
    expect(normalUpperTail(8) / 6.220960574271819e-16).toBeCloseTo(1, 9)
  })

  test('inverts to the familiar quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6)
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 6)
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12)
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 6)
  })
})

describe('rank tests against hand-computed p-values', () => {
  test('Mann–Whitney, exact: complete separation of 3 and 3 is 2 of 20 orderings', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6])).toEqual({ statistic: 9, pValue: 0.1, method: 'exact' })
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3])).toEqual({ statistic: 0, pValue: 0.1, method: 'exact' })
  })

  test('Mann–Whitney, exact: interleaved 3 and 3', () => {
    // U of head = 1 + 2 + 3 = 6. Counts of U = 0..9 over the 20 orderings: 1 1 2 3 3 3 3 2 1 1,
    // so P(U ≥ 6) = 7/20 and the two-sided p is 14/20.
    const result = mannWhitneyU([1, 3, 5], [2, 4, 6])
    expect(result.statistic).toBe(6)
    expect(result.pValue).toBeCloseTo(0.7, 12)
  })

  test('Mann–Whitney, normal approximation with tie correction', () => {
    // Ranks: 1 | 2 2 2 → 3 | 3 3 3 → 6 | 4 → 8. Head ranks 3 + 6 + 6 + 8 = 23, U = 23 − 10 = 13,
    // mean 8, variance 16/12 · (9 − 48/56) = 10.857…, z = (5 − 0.5)/√10.857 = 1.3657, p = 0.17203.
    const result = mannWhitneyU([1, 2, 2, 3], [2, 3, 3, 4])
    expect(result.method).toBe('normal')
    expect(result.statistic).toBe(13)
    expect(result.pValue).toBeCloseTo(0.172033709, 8)
  })

  test('Mann–Whitney, exact for 30 a side agrees with the normal approximation', () => {
    const base = Array.from({ length: 30 }, (_, i) => 2 * i)
    const head = Array.from({ length: 30 }, (_, i) => 2 * i + 11)
    const exact = mannWhitneyU(base, head)
    expect(exact.method).toBe('exact')
    // U = 30·30/2 + 30·5.5 − small-end correction; the normal z is (U − 450 − 0.5)/√4575.
    const z = (exact.statistic - 450 - 0.5) / Math.sqrt(4575)
    expect(exact.pValue).toBeCloseTo(2 * normalUpperTail(z), 2)
    expect(exact.pValue).toBeGreaterThan(0)
  })

  test('Wilcoxon signed-rank, exact: all five pairs slower is 2 of 32 sign patterns', () => {
    expect(wilcoxonSignedRank([10, 10, 10, 10, 10], [11, 12, 13, 14, 15])).toEqual({ statistic: 15, pValue: 0.0625, method: 'exact' })
  })

  test('Wilcoxon signed-rank, exact: mixed signs', () => {
    // |log ratio| ranks: 0.95 → 1, 1.1 → 2, 1.2 → 3, 0.8 → 4, 1.3 → 5, 1.4 → 6; W+ = 2+3+5+6 = 16.
    // 10 of the 64 subsets of 1..6 sum to 5 or less, so p = 2 · 10/64.
    const result = wilcoxonSignedRank([10, 10, 10, 10, 10, 10], [11, 9.5, 12, 13, 8, 14])
    expect(result.statistic).toBe(16)
    expect(result.pValue).toBeCloseTo(0.3125, 12)
  })

  test('Wilcoxon signed-rank drops unchanged pairs and corrects for ties', () => {
    // Pair 8 is unchanged and dropped, n = 7. Ranks of |log ratio|: 1.1 ×2 → 1.5, 0.9 → 3,
    // 1.2 ×3 → 5, 1.3 → 7; W+ = 25, mean 14, variance 35 − 30/48, z = 10.5/√34.375, p = 0.073312.
    const result = wilcoxonSignedRank([10, 10, 10, 10, 10, 10, 10, 10], [11, 11, 9, 12, 12, 12, 13, 10])
    expect(result).toMatchObject({ statistic: 25, method: 'normal' })
    expect(result.pValue).toBeCloseTo(0.073311588, 8)
  })

  test('Wilcoxon signed-rank of identical sides is p = 1', () => {
    expect(wilcoxonSignedRank([5, 6, 7], [5, 6, 7]).pValue).toBe(1)
  })
})

describe('compareSamples', () => {
  const noisy = (scenario: Partial<NoiseScenario>, seed: number): { base: number[]; head: number[] } =>
    simulateSamples({ samples: 30, baseMs: 50, change: 0, cv: 0.2, ...scenario }, createRandom(seed))

  test('reports medians, ratio and counts', () => {
    const result = compareSamples([10, 11, 12, 13, 14], [20, 22, 24, 26, 28])
    expect(result).toMatchObject({ baseMedian: 12, headMedian: 24, ratio: 2, difference: 12, samples: { base: 5, head: 5 } })
    expect(result.ci[0]).toBeLessThanOrEqual(result.ratio)
    expect(result.ci[1]).toBeGreaterThanOrEqual(result.ratio)
  })

  test('finds a clear slowdown and a clear speed-up', () => {
    const { base, head } = noisy({ change: 0.5 }, 1)
    expect(compareSamples(base, head).verdict).toBe('slower')
    expect(compareSamples(head, base).verdict).toBe('faster')
  })

  test('says unchanged when the interval sits inside the band', () => {
    const { base, head } = noisy({ samples: 200, cv: 0.05 }, 2)
    const result = compareSamples(base, head)
    expect(result.verdict).toBe('unchanged')
    expect(result.advice).toBeUndefined()
  })

  test('says unchanged when every plausible difference is below the absolute floor', () => {
    const { base, head } = noisy({ baseMs: 0.5, cv: 0.4 }, 3)
    expect(compareSamples(base, head).verdict).toBe('unchanged')
    expect(compareSamples(base, head, { minAbsoluteEffectMs: 0 }).verdict).toBe('inconclusive')
  })

  test('does not call a 50% change of a 0.4 ms span slower under the 1 ms floor', () => {
    const { base, head } = noisy({ baseMs: 0.4, change: 0.5, cv: 0.05 }, 4)
    expect(compareSamples(base, head).verdict).toBe('unchanged')
    expect(compareSamples(base, head, { minAbsoluteEffectMs: 0.1 }).verdict).toBe('slower')
  })

  test('a significant change below the relative minimum is unchanged, not slower', () => {
    const { base, head } = noisy({ samples: 200, cv: 0.05, change: 0.05 }, 5)
    const result = compareSamples(base, head)
    expect(result.pValue).toBeLessThan(0.001)
    expect(result.ci[0]).toBeGreaterThan(1)
    expect(result.verdict).toBe('unchanged')
    expect(compareSamples(base, head, { minRelativeEffect: 0.02 }).verdict).toBe('slower')
  })

  test('advises how many samples would decide, from the observed noise', () => {
    const { base, head } = noisy({ samples: 10, cv: 0.3, change: 0.15 }, 6)
    const result = compareSamples(base, head)
    expect(result.verdict).toBe('inconclusive')
    expect(result.advice).toMatch(/^Collect about \d+ samples a side \(now 10\) to detect a 10% change at the observed noise \(CV \d+%\)\.$/)
    const needed = Number(/about (\d+)/.exec(result.advice ?? '')?.[1])
    expect(needed).toBeGreaterThan(100)
    const paired = compareSamples(base, head, { paired: true })
    expect(paired.advice).toMatch(/^Collect about \d+ pairs \(now 10\) .* of the pair ratio\)\.$/)
  })

  test('is deterministic for a seed, and the seed only moves the interval', () => {
    const { base, head } = noisy({ change: 0.1 }, 7)
    expect(compareSamples(base, head)).toEqual(compareSamples(base, head))
    expect(compareSamples(base, head, { seed: 99 })).toEqual(compareSamples(base, head, { seed: 99 }))
    const intervals = new Set([1, 2, 3, 4, 5].map((seed) => compareSamples(base, head, { seed }).ci.join()))
    expect(intervals.size).toBeGreaterThan(1)
    const other = compareSamples(base, head, { seed: 1 })
    expect(other.ratio).toBe(compareSamples(base, head).ratio)
    expect(other.pValue).toBe(compareSamples(base, head).pValue)
  })

  test('pairs base[i] with head[i] when paired', () => {
    const base = [40, 80, 50, 120, 60, 90, 45, 100, 70, 55]
    const head = base.map((value) => value * 1.25)
    const paired = compareSamples(base, head, { paired: true })
    expect(paired.ratio).toBeCloseTo(1.25, 12)
    expect(paired.ci).toEqual([1.25, 1.25])
    expect(paired.verdict).toBe('slower')
    // Unpaired, the spread between rounds hides the same change.
    expect(compareSamples(base, head).verdict).toBe('inconclusive')
  })

  test('handles durations of 0 ms', () => {
    const zeros = Array.from({ length: 10 }, () => 0)
    expect(compareSamples(zeros, zeros)).toMatchObject({ verdict: 'unchanged', ratio: 1 })
    const slow = compareSamples(zeros, Array.from({ length: 10 }, (_, i) => 5 + i))
    expect(slow).toMatchObject({ verdict: 'slower', ratio: Number.POSITIVE_INFINITY })
    expect(compareSamples(zeros, zeros, { paired: true }).verdict).toBe('unchanged')
    const mostlyZero = compareSamples([0, 0, 0, 0, 0, 0.5, 3, 4], [0, 0, 0, 0, 2, 3, 4, 5])
    expect(mostlyZero.verdict).toBe('inconclusive')
    expect(mostlyZero.advice).toMatch(/with a median of 0 ms the relative noise cannot be estimated, so only the 1 ms absolute floor can decide/)
    expect(compareSamples([0, 0, 0, 0, 0, 0.5, 3, 4], [0, 0, 0, 0, 2, 3, 4, 5], { paired: true }).verdict).toBe('inconclusive')
  })

  test('reports the ratio interval at the requested confidence', () => {
    const { base, head } = noisy({}, 8)
    const narrow = compareSamples(base, head, { confidence: 0.5 }).ci
    const wide = compareSamples(base, head, { confidence: 0.99 }).ci
    expect(wide[0]).toBeLessThan(narrow[0])
    expect(wide[1]).toBeGreaterThan(narrow[1])
  })
})

describe('the small-sample rule', () => {
  test('never says slower or faster with 3 samples a side, however large the change', () => {
    const result = compareSamples([50, 51, 52], [500, 510, 520])
    expect(result.verdict).toBe('inconclusive')
    expect(result.advice).toMatch(/^Collect about \d+ samples a side \(now 3\)/)
    expect(compareSamples([500, 510, 520], [50, 51, 52]).verdict).toBe('inconclusive')
    expect(compareSamples([50, 51, 52], [500, 510, 520], { paired: true }).verdict).toBe('inconclusive')
  })

  test('still says unchanged when every possible difference is below the absolute floor', () => {
    expect(compareSamples([0.1, 0.2, 0.1], [0.3, 0.2, 0.4]).verdict).toBe('unchanged')
    expect(compareSamples([50, 50.2, 50.1], [50.3, 50.2, 50.4]).verdict).toBe('unchanged')
    expect(compareSamples([50, 50.2, 50.1], [51.3, 50.2, 50.4]).verdict).toBe('inconclusive')
  })

  test('holds even where the rank test alone would call it', () => {
    // At alpha 0.5 the exact test of 3 against 3 can reach significance (its smallest p is 0.1),
    // so only the rule itself keeps the verdict from taking a direction.
    expect(compareSamples([50, 51, 52], [500, 510, 520], { alpha: 0.5 }).pValue).toBeCloseTo(0.1, 12)
    expect(compareSamples([50, 51, 52], [500, 510, 520], { alpha: 0.5 }).verdict).toBe('inconclusive')
    expect(compareSamples([50, 51, 52, 53], [500, 510, 520, 530], { alpha: 0.5, paired: true }).verdict).toBe('inconclusive')
  })

  test('holds for 4 samples a side but not for 5', () => {
    const base = [50, 51, 52, 53, 54]
    const head = [100, 101, 102, 103, 104]
    expect(compareSamples(base.slice(0, 4), head.slice(0, 4)).verdict).toBe('inconclusive')
    expect(compareSamples(base, head).verdict).toBe('slower')
  })
})

describe('input validation', () => {
  const valid = [1, 2, 3, 4, 5]

  test.each([
    ['an empty base', [], valid, /base has no samples/],
    ['an empty head', valid, [], /head has no samples/],
    ['a negative duration', [1, 2, -1], valid, /base\[2\] is -1, but durations must be finite numbers of ms, 0 or more/],
    ['NaN', valid, [1, Number.NaN], /head\[1\] is NaN/],
    ['Infinity', valid, [Number.POSITIVE_INFINITY], /head\[0\] is Infinity/],
    ['a string', ['3' as unknown as number], valid, /base\[0\] is 3/],
    ['not an array', 'fast' as unknown as number[], valid, /base is fast, not an array/],
  ])('rejects %s with a UsageError naming the fix', (_, base, head, message) => {
    const call = (): unknown => compareSamples(base, head)
    expect(call).toThrow(UsageError)
    expect(call).toThrow(message)
    expect(call).toThrow(/^Failed to compare samples: .*Please /)
  })

  test('rejects paired samples of different lengths', () => {
    const call = (): unknown => compareSamples([1, 2, 3], [1, 2], { paired: true })
    expect(call).toThrow(UsageError)
    expect(call).toThrow('a paired comparison needs one head sample per base sample, but there are 3 base and 2 head samples. Please measure both sides in the same rounds, or pass `paired: false`.')
    expect(compareSamples([1, 2, 3], [1, 2]).samples).toEqual({ base: 3, head: 2 })
  })

  test.each<[string, CompareOptions, RegExp]>([
    ['alpha above 1', { alpha: 2 }, /alpha is 2\. Please pass a probability between 0 and 1/],
    ['alpha of 0', { alpha: 0 }, /alpha is 0/],
    ['a negative effect', { minRelativeEffect: -0.1 }, /minRelativeEffect is -0.1/],
    ['a NaN floor', { minAbsoluteEffectMs: Number.NaN }, /minAbsoluteEffectMs is NaN/],
    ['too few resamples', { resamples: 10 }, /resamples is 10\. Please pass an integer ≥ 100/],
    ['a fractional resample count', { resamples: 1000.5 }, /resamples is 1000.5/],
    ['confidence of 1', { confidence: 1 }, /confidence is 1/],
    ['an infinite seed', { seed: Number.POSITIVE_INFINITY }, /seed is Infinity/],
    ['paired as a string', { paired: 'yes' as unknown as boolean }, /paired is yes\. Please pass true or false/],
  ])('rejects %s', (_, options, message) => {
    expect(() => compareSamples(valid, valid, options)).toThrow(UsageError)
    expect(() => compareSamples(valid, valid, options)).toThrow(message)
  })

  test('errors carry the stable usage code', () => {
    expect(() => compareSamples([], valid)).toThrow(expect.objectContaining({ code: 'ERR_TRACEWRIGHT_USAGE' }))
  })
})

describe('samplesNeeded', () => {
  test('needs more samples for smaller changes and more noise', () => {
    expect(samplesNeeded(0.1, 0.2)).toBeGreaterThan(samplesNeeded(0.2, 0.2))
    expect(samplesNeeded(0.2, 0.3)).toBeGreaterThan(samplesNeeded(0.2, 0.2))
    expect(samplesNeeded(0.2, 0.2, { power: 0.99 })).toBeGreaterThan(samplesNeeded(0.2, 0.2))
  })

  test('pairing independent runs plans like unpaired: only shared drift makes pairs cheaper', () => {
    // Paired, cv is the pair ratio's noise: √2 times the per-sample noise of independent sides.
    const unpaired = samplesNeeded(0.1, 0.2)
    const paired = samplesNeeded(0.1, 0.2 * Math.SQRT2, { paired: true })
    expect(paired / unpaired).toBeGreaterThan(0.9)
    expect(paired / unpaired).toBeLessThan(1.1)
  })

  test('is infinite when the change does not exceed the minimum effect', () => {
    expect(samplesNeeded(0.1, 0.2, { minRelativeEffect: 0.1 })).toBe(Number.POSITIVE_INFINITY)
    expect(samplesNeeded(0.3, 0.2, { minRelativeEffect: 0.1 })).toBeGreaterThan(samplesNeeded(0.3, 0.2))
  })

  test('never plans fewer samples than the rank test needs to reach alpha', () => {
    // 2 / C(10, 5) < 0.01 unpaired; 2 / 2^8 < 0.01 paired, but 2 / 2^7 is not.
    expect(samplesNeeded(5, 0)).toBe(5)
    expect(samplesNeeded(5, 0, { paired: true })).toBe(8)
  })

  test('rejects nonsense', () => {
    expect(() => samplesNeeded(0, 0.2)).toThrow(/relativeChange is 0/)
    expect(() => samplesNeeded(0.1, -1)).toThrow(/cv is -1/)
    expect(() => samplesNeeded(0.1, 0.2, { power: 1 })).toThrow(/power is 1/)
  })
})

describe('simulated error rates (reduced; bench/statistics-simulation.ts runs 1,000 trials)', () => {
  const TRIALS = 200

  function rates(scenario: NoiseScenario, options: CompareOptions, seed: number): Record<Verdict, number> & { covered: number } {
    const random = createRandom(seed)
    const counts = { slower: 0, faster: 0, unchanged: 0, inconclusive: 0, covered: 0 }
    for (let trial = 0; trial < TRIALS; trial++) {
      const { base, head } = simulateSamples(scenario, random)
      const result = compareSamples(base, head, { ...options, seed: trial })
      counts[result.verdict]++
      if (result.ci[0] <= 1 + scenario.change && 1 + scenario.change <= result.ci[1]) counts.covered++
    }
    return { slower: counts.slower / TRIALS, faster: counts.faster / TRIALS, unchanged: counts.unchanged / TRIALS, inconclusive: counts.inconclusive / TRIALS, covered: counts.covered / TRIALS }
  }

  const unpaired = { samples: 30, baseMs: 50, cv: 0.2 }
  const paired = { samples: 20, baseMs: 50, cv: 0.1, sharedCv: 0.2 }

  // The method's rates are about 0.5% false alarms, 98% found and 93–96% coverage; the bounds leave
  // room for 200 trials and for small changes to the method, but not for one that always or never
  // says 'slower', or whose intervals are far too narrow.
  test('unpaired, 30 a side, 20% noise: rare false alarms, 30% slowdowns found, intervals cover', () => {
    const unchanged = rates({ ...unpaired, change: 0 }, {}, 11)
    expect(unchanged.slower).toBeLessThanOrEqual(0.02)
    expect(unchanged.faster).toBeLessThanOrEqual(0.02)
    expect(unchanged.covered).toBeGreaterThanOrEqual(0.9)
    const slower = rates({ ...unpaired, change: 0.3 }, {}, 12)
    expect(slower.slower).toBeGreaterThanOrEqual(0.9)
    expect(slower.covered).toBeGreaterThanOrEqual(0.9)
  })

  test('paired, 20 pairs, shared drift: rare false alarms, 20% slowdowns found, intervals cover', () => {
    const unchanged = rates({ ...paired, change: 0 }, { paired: true }, 13)
    expect(unchanged.slower).toBeLessThanOrEqual(0.02)
    expect(unchanged.unchanged).toBeGreaterThanOrEqual(0.25)
    expect(unchanged.covered).toBeGreaterThanOrEqual(0.85)
    const slower = rates({ ...paired, change: 0.2 }, { paired: true }, 14)
    expect(slower.slower).toBeGreaterThanOrEqual(0.9)
    expect(slower.covered).toBeGreaterThanOrEqual(0.85)
  })

  test('3 a side: never a direction', () => {
    const result = rates({ ...unpaired, samples: 3, change: 1 }, {}, 15)
    expect(result.slower + result.faster).toBe(0)
  })

  test('runs in a few ms for 30 samples a side', () => {
    const { base, head } = simulateSamples({ ...unpaired, change: 0.1 }, createRandom(16))
    const started = performance.now()
    for (let i = 0; i < 20; i++) compareSamples(base, head, { seed: i })
    // 20 calls at the ~3 ms a call of a slow machine, with room for a busy one.
    expect((performance.now() - started) / 20).toBeLessThan(25)
  })
})
