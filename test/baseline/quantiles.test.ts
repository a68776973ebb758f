import { describe, expect, test } from 'vitest'
import { harrellDavis, regularizedBeta } from '../../src/baseline/harrell-davis.js'
import { quantileLabel, quantileMinSamples } from '../../src/baseline/quantile-comparison.js'
import { createRandom } from '../../src/baseline/random.js'
import { simulateSamples } from '../../src/baseline/simulated-samples.js'
import { compareSamples } from '../../src/baseline/statistics.js'

describe('Harrell–Davis', () => {
  test.each([
    [0.3, 1, 1, 0.3], [0.3, 2, 1, 0.09], [0.5, 3, 3, 0.5], [0.2, 1, 3, 1 - 0.8 ** 3], [0.999, 60.39, 0.61, 1 - regularizedBeta(0.001, 0.61, 60.39)],
  ])('I_%d(%d, %d) has its closed form', (x, a, b, expected) => {
    expect(regularizedBeta(x, a, b)).toBeCloseTo(expected, 10)
  })

  test('symmetric weights put the median of an odd sample on its middle value', () => {
    expect(harrellDavis(Float64Array.from([1, 2, 3, 4, 5]), 0.5)).toBeCloseTo(3, 12)
  })

  test('estimates a known quantile: p90 of 2000 uniform values is near 0.9', () => {
    const random = createRandom(3)
    const sorted = Float64Array.from({ length: 2000 }, () => random()).sort()
    expect(harrellDavis(sorted, 0.9)).toBeCloseTo(0.9, 1)
  })
})

describe('quantile verdicts', () => {
  test('how many samples a quantile needs before it can be judged', () => {
    expect([0.5, 0.9, 0.95, 0.99].map((q) => quantileMinSamples(q, 0.95))).toEqual([6, 36, 72, 368])
    expect(quantileLabel(0.999)).toBe('p99.9')
  })

  // 10% of head requests 3× slower: the median barely moves, the tail does.
  const tail = (samples: number, seed: number): { base: number[]; head: number[] } =>
    simulateSamples({ samples, baseMs: 120, change: 0, cv: 0.175, tailShare: 0.1, tailFactor: 3 }, createRandom(seed))

  test('a tail regression the median misses is found at p99 with enough samples', () => {
    const { base, head } = tail(400, 11)
    const result = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99] })
    expect(compareSamples(base, head).verdict).not.toBe('slower')
    expect(result.quantiles?.map((q) => [q.quantile, q.judged])).toEqual([[0.5, true], [0.9, true], [0.99, true]])
    expect(result.quantiles?.[2]?.verdict).toBe('slower')
    expect(result.quantiles?.[2]?.ratio).toBeGreaterThan(2)
    expect(result.verdict).toBe('slower')
    // Three judged quantiles and the tail test share the key's alpha.
    expect(result.quantiles?.[2]?.alpha).toBeCloseTo(0.01 / 4, 12)
    expect(result.tail?.alpha).toBeCloseTo(0.01 / 4, 12)
  })

  test('p99 from 60 samples is not judged, says why, and spends none of the budget', () => {
    const { base, head } = tail(60, 12)
    const result = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99] })
    const p99 = result.quantiles?.[2]
    expect(p99).toMatchObject({ judged: false, verdict: 'inconclusive', minSamples: 368 })
    expect(p99?.advice).toBe('p99 needs at least 368 samples a side to be judged (now 60).')
    // p50, p90 and the tail test share it.
    expect(result.quantiles?.[1]?.alpha).toBeCloseTo(0.01 / 3, 12)
    expect(result.verdict).not.toBe('unchanged')
  })

  test('with 3 samples a side no quantile gets a verdict, whatever the change', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { base, head } = simulateSamples({ samples: 3, baseMs: 50, change: 1, cv: 0.2 }, createRandom(seed))
      const result = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99] })
      expect(result.quantiles?.every((q) => q.verdict === 'inconclusive' && !q.judged)).toBe(true)
      expect(result.verdict).toBe('inconclusive')
    }
  })

  test('A/A, reduced and seeded: no false "slower" at p90 in 150 trials of 60 a side', () => {
    let slower = 0
    for (let seed = 0; seed < 150; seed++) {
      const { base, head } = simulateSamples({ samples: 60, baseMs: 50, change: 0, cv: 0.2 }, createRandom(1000 + seed))
      if (compareSamples(base, head, { quantiles: [0.9] }).verdict === 'slower') slower++
    }
    // At alpha 0.01 the expected count is below 1; bench/statistics-simulation.ts runs 1,000+ trials.
    expect(slower).toBeLessThanOrEqual(2)
  })

  test.each([
    [[], /quantiles is \[\]/], [[0.5, 1], /quantiles\[1\] is 1, but a quantile is a fraction between 0 and 1/], [[Number.NaN], /quantiles\[0\] is NaN/],
  ])('refuses quantiles %j', (quantiles, message) => {
    expect(() => compareSamples([1, 2, 3], [1, 2, 3], { quantiles })).toThrow(message)
  })
})
