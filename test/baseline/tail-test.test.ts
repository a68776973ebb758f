import { describe, expect, test } from 'vitest'
import { createRandom } from '../../src/baseline/random.js'
import type { Random } from '../../src/baseline/random.js'
import { simulateSamples } from '../../src/baseline/simulated-samples.js'
import { compareSamples } from '../../src/baseline/statistics.js'
import { compareTail, runProbability, tailCountNeeded, tailMinSamples, tailPowerBound, tailRunsNeeded, tailTestPower } from '../../src/baseline/tail-test.js'

const settings = { alpha: 0.01 / 3, minRelativeEffect: 0.1, minAbsoluteEffectMs: 1, paired: false }

// 10% of head requests 3× slower: the tail case.
const tailCase = (samples: number, random: Random): { base: number[]; head: number[] } =>
  simulateSamples({ samples, baseMs: 120, change: 0, cv: 0.175, tailShare: 0.1, tailFactor: 3 }, random)

// Heavy-tailed noise the log-normal simulation does not cover: Pareto with infinite variance, and
// two modes where 3% of runs of either side are 3× slower.
const pareto = (random: Random) => (): number => 50 * (1 - random()) ** (-1 / 1.2)
const twoModes = (random: Random) => (): number => (random() < 0.03 ? 150 : 50) * Math.exp(0.2 * (random() + random() + random() - 1.5))

describe('the exceedance null distribution', () => {
  // Ground truth: every assignment of N pooled ranks to a side of h, counted.
  function enumerated(h: number, total: number, count: number): number {
    let hits = 0
    let all = 0
    for (let mask = 0; mask < 2 ** total; mask++) {
      if (popcount(mask) !== h) continue
      all++
      // Bit i set: rank i from the top belongs to the side.
      let run = 0
      while (run < total && (mask >> run) & 1) run++
      if (run >= count) hits++
    }
    return hits / all
  }

  test.each([[5, 10, 1], [5, 10, 3], [6, 12, 4], [4, 11, 2], [7, 12, 7]])('C(h, l) / C(N, l) matches enumeration: h %d, N %d, l %d', (h, total, count) => {
    expect(runProbability(count, h, total, false)).toBeCloseTo(enumerated(h, total, count), 12)
  })

  test('paired: a run of l same-direction changes has chance 2^-l', () => {
    expect(runProbability(8, 60, 120, true)).toBe(1 / 256)
    expect(runProbability(8, 60, 120, false)).toBeCloseTo(0.003045, 5)
  })

  test('how many exceedances a verdict needs, and from how many runs one is possible', () => {
    expect([60, 90, 120].map((n) => tailCountNeeded(n, n, 0.01 / 3, false))).toEqual([9, 9, 10])
    expect(tailCountNeeded(60, 60, 0.01, false)).toBe(8)
    expect(tailMinSamples(0.01 / 3, false)).toBe(6)
    expect(tailMinSamples(0.01 / 3, true)).toBe(10)
  })
})

describe('A/A: the tail test is valid whatever the noise', () => {
  // At alpha 0.05 a false "slower" has an exact chance C(60, l)/C(120, l) for the l the verdict
  // needs (0.0134 at l 6); a noise shape that broke the test would show up as a higher rate.
  test.each([
    ['Pareto (infinite variance)', pareto],
    ['two modes, 3% of runs 3× slower', twoModes],
  ])('%s, 60 a side, 3,000 trials: false "slower" at most the exact rate', (_name, noise) => {
    const random = createRandom(41)
    const draw = noise(random)
    const loose = { ...settings, alpha: 0.05 }
    const needed = tailCountNeeded(60, 60, loose.alpha, false)
    const exact = runProbability(needed, 60, 120, false)
    let slower = 0
    const trials = 3000
    for (let trial = 0; trial < trials; trial++) {
      const base = Array.from({ length: 60 }, draw)
      const head = Array.from({ length: 60 }, draw)
      if (compareTail(base, head, loose).verdict === 'slower') slower++
    }
    expect(needed).toBe(6)
    // Three standard errors above the exact rate.
    expect(slower / trials).toBeLessThanOrEqual(exact + 3 * Math.sqrt((exact * (1 - exact)) / trials))
  })

  test('paired, drift 20% shared by a round, Pareto noise: false "slower" at most 2^-l', () => {
    const random = createRandom(43)
    const draw = pareto(random)
    const loose = { ...settings, alpha: 0.05, paired: true }
    const needed = tailCountNeeded(40, 40, loose.alpha, true)
    const exact = 2 ** -needed
    let slower = 0
    const trials = 3000
    for (let trial = 0; trial < trials; trial++) {
      const drift = Array.from({ length: 40 }, () => Math.exp(0.2 * (random() - 0.5)))
      const base = drift.map((d) => d * draw())
      const head = drift.map((d) => d * draw())
      if (compareTail(base, head, loose).verdict === 'slower') slower++
    }
    expect(slower / trials).toBeLessThanOrEqual(exact + 3 * Math.sqrt((exact * (1 - exact)) / trials))
  })

  test('a large sample does not overflow: 200,000 runs a side', () => {
    const base = Array.from({ length: 200_000 }, (_, i) => 100 + (i % 1000) / 100)
    const head = [...base.slice(0, 199_990), ...Array.from({ length: 10 }, () => 400)]
    expect(compareTail(base, head, settings)).toMatchObject({ side: 'head', exceedances: 10, verdict: 'slower' })
  })

  test('tied durations end the run instead of extending it', () => {
    expect(compareTail([1, 2, 3, 5, 5], [1, 2, 5, 5, 5], settings)).toMatchObject({ side: 'none', exceedances: 0, pValue: 1 })
    expect(compareTail([10, 10, 10, 10, 10, 10], [10, 10, 10, 10, 10, 10], { ...settings, paired: true })).toMatchObject({ side: 'none', pValue: 1 })
  })
})

describe('the tail case: 10% of head requests 3× slower', () => {
  test('the verdict follows the exceedances: 9 head runs beyond base\'s slowest at 60 a side are "slower"', () => {
    const base = Array.from({ length: 60 }, (_, i) => 100 + i / 2)
    const head = [...base.slice(0, 51), ...Array.from({ length: 9 }, (_, i) => 300 + i)]
    const tail = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99] }).tail
    expect(tail).toMatchObject({ verdict: 'slower', side: 'head', exceedances: 9, needed: 9, judged: true })
    expect(tail?.pValue).toBeCloseTo(2 * runProbability(9, 60, 120, false), 12)
    expect(tail?.alpha).toBeCloseTo(0.01 / 3, 12)
    const eight = compareSamples(base, [...base.slice(0, 52), ...head.slice(52)], { quantiles: [0.5, 0.9, 0.99] }).tail
    expect(eight).toMatchObject({ verdict: 'inconclusive', exceedances: 8 })
  })

  test('a slower tail must also be big enough: 9 runs just beyond base\'s slowest are not a 10% change', () => {
    const base = Array.from({ length: 60 }, (_, i) => 100 + i / 2)
    const head = [...base.slice(0, 51), ...Array.from({ length: 9 }, (_, i) => 130 + i / 10)]
    expect(compareTail(base, head, settings)).toMatchObject({ side: 'head', exceedances: 9, verdict: 'inconclusive' })
  })

  test('faster mirrors slower: base\'s slow runs gone from head', () => {
    const head = Array.from({ length: 60 }, (_, i) => 100 + i / 2)
    const base = [...head.slice(0, 50), ...Array.from({ length: 10 }, (_, i) => 300 + i)]
    expect(compareSamples(base, head, { quantiles: [0.9] })).toMatchObject({ verdict: 'faster', tail: { verdict: 'faster', side: 'base', exceedances: 10 } })
  })

  test('found in most seeded trials at 150 a side, where p90 alone and the median miss many', () => {
    const random = createRandom(5)
    let tail = 0
    let median = 0
    for (let trial = 0; trial < 30; trial++) {
      const { base, head } = tailCase(150, random)
      const result = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99], seed: trial, resamples: 200 })
      if (result.tail?.verdict === 'slower') tail++
      if (result.quantiles?.[0]?.verdict === 'slower') median++
    }
    // tailRunsNeeded plans 90% power at 140 a side; bench/statistics-simulation.ts measures it.
    expect(tail).toBeGreaterThanOrEqual(24)
    expect(median).toBeLessThanOrEqual(3)
  })

  test('inconclusive advice names the runs a tail verdict takes, not the median\'s sample count', () => {
    const base = Array.from({ length: 60 }, (_, i) => 100 + i / 2)
    const head = [...base.slice(0, 56), 300, 310, 320, 330]
    const result = compareSamples(base, head, { quantiles: [0.5, 0.9, 0.99] })
    expect(result.verdict).toBe('inconclusive')
    expect(result.advice).toMatch(/^tail: 4 head runs beyond base's slowest \(p 0\.12\); a tail verdict needs 9 at alpha 0\.0033; the slowest 9 runs changed \+\d+(\.\d+)?%\. If 6\.7% of head's runs are that slow, about (\d+) runs a side find it 90% of the time\./)
    const planned = Number(/about (\d+) runs a side/.exec(result.advice ?? '')?.[1])
    expect(planned).toBe(tailRunsNeeded(4 / 60, 0.01 / 3, 0.9, false))
    expect(result.advice).not.toMatch(/Collect about/)
  })

  test('a tail that moved less than the minimum effect gets no plan', () => {
    const base = Array.from({ length: 60 }, (_, i) => 100 + i / 2)
    const head = [...base.slice(0, 57), 130, 131, 132]
    expect(compareTail(base, head, settings).advice).toMatch(/^tail: 3 head runs beyond base's slowest \(p 0\.24\); a tail verdict needs 9 at alpha 0\.0033, and the slowest 9 runs changed \+\d\.\d%, under the 10% minimum effect\.$/)
    expect(compareTail(base, base, { ...settings, paired: true }).advice).toMatch(/^tail: no run of either side is beyond the other side's slowest/)
  })

  test('3 a side: no tail verdict, whatever the change', () => {
    const result = compareSamples([10, 11, 12], [100, 110, 120], { quantiles: [0.5, 0.9] })
    expect(result.tail).toMatchObject({ judged: false, verdict: 'inconclusive', minSamples: 5 })
    expect(result.verdict).toBe('inconclusive')
  })

  test('the tail test adds a verdict but never blocks "unchanged"', () => {
    const { base, head } = simulateSamples({ samples: 400, baseMs: 50, change: 0, cv: 0.03 }, createRandom(8))
    const result = compareSamples(base, head, { quantiles: [0.5, 0.9], resamples: 200 })
    expect(result.quantiles?.map((q) => q.verdict)).toEqual(['unchanged', 'unchanged'])
    expect(result.tail?.verdict).toBe('inconclusive')
    expect(result.verdict).toBe('unchanged')
  })
})

describe('the bound on any valid test', () => {
  // Ground truth by simulation of the best rank test: s ~ Binomial(n, share) head runs beyond
  // every base run, the rest of the pooled order random, reject when head's run at the top
  // reaches the count (non-randomised, so the bound must lie above it and close to it).
  function simulatedTopRunPower(n: number, share: number, count: number, trials: number, random: Random): number {
    let hits = 0
    for (let trial = 0; trial < trials; trial++) {
      let slow = 0
      for (let i = 0; i < n; i++) if (random() < share) slow++
      let run = slow
      let headLeft = n - slow
      let left = 2 * n - slow
      while (run < count && random() < headLeft / left) { run++; headLeft--; left-- }
      if (run >= count) hits++
    }
    return hits / trials
  }

  test('at 60 a side the best test at the default split finds the tail case about a quarter of the time', () => {
    const level = 0.01 / 3 / 2
    const bound = tailPowerBound(60, 0.1, level)
    const count = tailCountNeeded(60, 60, 2 * level, false)
    const nonRandomised = simulatedTopRunPower(60, 0.1, count, 20_000, createRandom(2))
    expect(bound).toBeGreaterThanOrEqual(nonRandomised - 0.01)
    expect(bound).toBeLessThan(nonRandomised + 0.04)
    expect(bound).toBeCloseTo(0.273, 2)
  })

  test('even at a 5% one-sided false-alarm rate no valid test reaches 90% at 60 runs; at the default split 120 does', () => {
    expect(tailPowerBound(60, 0.1, 0.05)).toBeLessThan(0.9)
    expect(tailPowerBound(120, 0.1, 0.01 / 6)).toBeGreaterThan(0.9)
  })
})

describe('the planners refuse bad input', () => {
  test.each([
    [() => tailRunsNeeded(0, 0.01, 0.9), /^Failed to plan the runs for a tail verdict: share is 0\. Please pass a fraction of runs between 0 and 1, e\.g\. 0\.1 for one run in ten\.$/],
    [() => tailRunsNeeded(0.1, 1, 0.9), /Failed to plan the runs for a tail verdict: alpha is 1/],
    [() => tailPowerBound(60.5, 0.1, 0.005), /Failed to bound the power of a tail test: n is 60\.5/],
    [() => tailTestPower(60, 0.1, Number.NaN), /Failed to compute the power of the tail test: level is NaN/],
  ])('%#', (call, message) => {
    expect(call).toThrow(message)
  })
})

function popcount(value: number): number {
  let count = 0
  for (let v = value; v > 0; v >>= 1) count += v & 1
  return count
}
