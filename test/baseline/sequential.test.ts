import { describe, expect, test } from 'vitest'
import { progressLine } from '../../src/baseline/sequential.js'
import { createRandom } from '../../src/baseline/random.js'
import { runSequential, sequentialLooks } from '../../src/baseline/sequential.js'
import { simulateSamples } from '../../src/baseline/simulated-samples.js'
import { compareSamples } from '../../src/baseline/statistics.js'

describe('sequentialLooks', () => {
  test('looks every batch from the first look up to the maximum, never before 5 runs', () => {
    expect(sequentialLooks({ firstLook: 6, batch: 3, maxRuns: 14 }).map((l) => l.runs)).toEqual([6, 9, 12, 14])
    expect(sequentialLooks({ batch: 2, maxRuns: 8 }).map((l) => l.runs)).toEqual([5, 7, 8])
  })

  test('one look is a fixed design: its level is the whole budget', () => {
    expect(sequentialLooks({ batch: 30, maxRuns: 30, alpha: 0.01 })).toEqual([{ runs: 30, alpha: 0.01 }])
  })

  test('the levels account for the correlation of the looks: each above a union-bound split, the first exactly its spend', () => {
    const looks = sequentialLooks({ firstLook: 10, batch: 10, maxRuns: 30, alpha: 0.01 })
    const spent = (t: number): number => 0.01 * Math.log(1 + (Math.E - 1) * t)
    expect(looks[0]?.alpha).toBeCloseTo(spent(1 / 3), 12)
    expect(looks[1]?.alpha).toBeGreaterThan(spent(2 / 3) - spent(1 / 3))
    expect(looks[2]?.alpha).toBeGreaterThan(spent(1) - spent(2 / 3))
    expect(looks.reduce((sum, l) => sum + l.alpha, 0)).toBeGreaterThan(0.01)
  })

  test('refuses a plan without a look', () => {
    expect(() => sequentialLooks({ batch: 10, maxRuns: 4 })).toThrow(/maxRuns \(4\) is below the first look \(10 runs\)/)
  })
})

describe('runSequential', () => {
  const decideOn = (change: number, seed: number) => {
    const all = simulateSamples({ samples: 33, baseMs: 50, change, cv: 0.2 }, createRandom(seed))
    let verdict = 'inconclusive'
    return {
      verdict: () => verdict,
      decide: (look: { runs: number; alpha: number }): boolean => {
        verdict = compareSamples(all.base.slice(0, look.runs), all.head.slice(0, look.runs), { alpha: look.alpha }).verdict
        return verdict !== 'inconclusive'
      },
    }
  }
  const looks = sequentialLooks({ firstLook: 6, batch: 3, maxRuns: 33 })

  test('a clear change stops early, with the verdict of the look it stopped at', async () => {
    const run = decideOn(0.6, 1)
    const reached: number[] = []
    const outcome = await runSequential(looks, (n) => { reached.push(n) }, run.decide)
    expect(outcome.settled).toBe(true)
    expect(outcome.look.runs).toBeLessThan(33)
    expect(reached.at(-1)).toBe(outcome.look.runs)
    expect(run.verdict()).toBe('slower')
  })

  // The simulation measures about 0.7% (bench/statistics-simulation.ts, 1,000+ trials); in 100
  // trials more than 3 would happen by chance about once in 30 if that held.
  test('A/A, reduced and seeded: at most 3 false "slower" in 100 adaptive runs, and runs go to the maximum when nothing settles', async () => {
    let slower = 0
    let atMax = 0
    for (let seed = 0; seed < 100; seed++) {
      const run = decideOn(0, 500 + seed)
      const outcome = await runSequential(looks, () => {}, run.decide)
      if (run.verdict() === 'slower') slower++
      if (!outcome.settled) atMax += outcome.look.runs === 33 ? 1 : 0
    }
    expect(slower).toBeLessThanOrEqual(3)
    expect(atMax).toBeGreaterThan(50)
  })
})

describe('progressLine', () => {
  test('counts the current verdicts, open ones last', () => {
    expect(progressLine(['inconclusive', 'slower', 'unchanged', 'unchanged'])).toBe('1 slower, 2 unchanged, 1 open')
  })
})
