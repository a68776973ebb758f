import { describe, expect, test } from 'vitest'
import { attributeCriticalPath, describeAttribution, isEntryKey } from '../../src/baseline/attribution.js'
import { compareKeys } from '../../src/baseline/compare-keys.js'
import type { KeyFigures } from '../../src/baseline/compare-keys.js'
import type { TraceSamples } from '../../src/baseline/trace-samples.js'
import { median } from '../../src/baseline/descriptive.js'
import { shopRuns, V1, V2 } from '../compare/shop-runs.js'

const figures = (samples: TraceSamples): Record<string, KeyFigures> =>
  Object.fromEntries(samples.entries().map(([key, s]) => [key, { count: Math.round(median(s.count)), durationMs: s.totalMs, criticalMs: s.criticalMs }]))

const ENTRY = 'shop | GET /orders/:id'
const PRICE = 'shop | price order | GET /orders/:id'
const ITEMS = 'shop | SELECT items | GET /orders/:id'

describe('critical-path attribution', () => {
  // V2 prices in 12 ms instead of 4 and queries items 3 times instead of once, one after another.
  const runs = shopRuns(V1, V2, 30)

  test('per-run critical-path time adds up to the entry span duration', () => {
    for (const samples of [runs.base, runs.head]) {
      for (let run = 0; run < samples.runs; run++) {
        const onPath = samples.entries().reduce((sum, [, s]) => sum + (s.criticalMs[run] ?? 0), 0)
        expect(onPath).toBeCloseTo(samples.get(ENTRY)?.totalMs[run] ?? Number.NaN, 6)
      }
    }
  })

  test('a slower entry span is explained: pricing self time first, the N+1 query as a frequency change', () => {
    const { durations, attribution } = compareKeys(figures(runs.base), figures(runs.head), { alpha: 0.01, paired: true })
    expect(durations.find((d) => d.key === ENTRY)?.comparison.verdict).toBe('slower')
    expect(attribution).toHaveLength(1)
    const [why] = attribution
    expect(why?.key).toBe(ENTRY)
    expect(why?.contributions[0]?.key).toBe(PRICE)
    // Pricing grew by 8 ms (×drift ±20%, noise ±5%); the whole entry by about 10 ms.
    expect(why?.contributions[0]?.deltaMs).toBeGreaterThan(6)
    expect(why?.contributions[0]?.deltaMs).toBeLessThan(10)
    expect(why?.deltaMs).toBeGreaterThan(8)
    expect(why?.frequency).toEqual([{ key: ITEMS, before: 1, after: 3 }])
    const sentence = describeAttribution(why!)
    expect(sentence).toMatch(/^\+\d+\.\d ms end to end; \d\.\d\d ms of it is `price order` self time on the critical path; /)
    expect(sentence).toContain('`SELECT items` is 3× more frequent (1 → 3 per run)')
  })

  test('nothing is attributed when no entry span changed', () => {
    const same = shopRuns(V1, V1, 30)
    expect(compareKeys(figures(same.base), figures(same.head), { alpha: 0.01, paired: true }).attribution).toEqual([])
  })

  test('files from before critical-path time was recorded give no attribution rather than a wrong one', () => {
    const strip = (keys: Record<string, KeyFigures>): Record<string, KeyFigures> =>
      Object.fromEntries(Object.entries(keys).map(([k, { count, durationMs }]) => [k, { count, durationMs }]))
    expect(attributeCriticalPath(strip(figures(runs.base)), figures(runs.head), ENTRY)).toBeUndefined()
  })

  test('entry keys are the ones without an ancestor path', () => {
    expect([ENTRY, PRICE].map(isEntryKey)).toEqual([true, false])
  })
})
