import { describe, expect, test } from 'vitest'
import { currentEnvironment } from '../../src/baseline/baseline-file.js'
import { compareSides, summariseScenarios } from '../../src/compare/compare-sides.js'
import type { SideComparisonOptions } from '../../src/compare/compare-sides.js'
import { representativeRun, toReportTrace, toSideSamples } from '../../src/compare/side-samples.js'
import type { SideSamples } from '../../src/compare/types.js'
import { shopRuns, V1, V2 } from './shop-runs.js'

const environment = currentEnvironment()
const OPTIONS: SideComparisonOptions = { paired: true, minRelativeEffect: 0.1, minAbsoluteEffectMs: 1, alpha: 0.01, seed: 1, failOnStructure: false, advisory: false }
const ROOT = 'shop | GET /orders/:id'
const ITEMS = 'shop | SELECT items | GET /orders/:id'
const PRICING = 'shop | price order | GET /orders/:id'
const STOCK = 'shop | GET | GET /orders/:id'

function sides(base = V1, head = V2, rounds = 16): { base: SideSamples; head: SideSamples } {
  const runs = shopRuns(base, head, rounds)
  return { base: toSideSamples(runs.base, environment), head: toSideSamples(runs.head, environment) }
}

describe('toSideSamples', () => {
  test('per key: median count, every run summed and rounded, behaviour values', () => {
    const { head } = sides()
    expect(Object.keys(head.keys)).toEqual([ROOT, STOCK, ITEMS, 'shop | SELECT orders | GET /orders/:id', PRICING])
    const items = head.keys[ITEMS]
    expect(items?.count).toBe(3)
    expect(items?.durationMs).toHaveLength(16)
    // Three queries of about 1 ms each per run.
    for (const ms of items?.durationMs ?? []) expect(ms).toBeGreaterThan(2)
    expect(items?.behaviour).toEqual({ 'db.query.text': ['SELECT * FROM items WHERE id = ?'], 'db.system.name': ['sqlite'] })
    // URLs count by host: the port differs on every run.
    expect(head.keys[STOCK]?.behaviour).toEqual({ 'url.full host': ['stock-v2.internal'] })
    expect(head.keys[ROOT]?.behaviour).toEqual({ 'http.route': ['/orders/:id'] })
    expect(head.runs).toBe(16)
    expect(head.environment).toEqual(environment)
  })
})

describe('compareSides', () => {
  test('finds the slower spans, the N+1 and the changed statement and host', () => {
    const { base, head } = sides()
    const result = compareSides('get order', base, head, OPTIONS)
    const verdicts = Object.fromEntries(result.durations.map((d) => [d.key, d.comparison.verdict]))
    expect(verdicts[PRICING]).toBe('slower')
    expect(verdicts[ITEMS]).toBe('slower')
    expect(verdicts[ROOT]).toBe('slower')
    expect(verdicts['shop | SELECT orders | GET /orders/:id']).toBe('unchanged')
    const pricing = result.durations.find((d) => d.key === PRICING)?.comparison
    expect(pricing?.ratio).toBeGreaterThan(2.7)
    expect(pricing?.ratio).toBeLessThan(3.3)
    expect(pricing?.samples).toEqual({ base: 16, head: 16 })
    expect(result.structure).toEqual([{ key: ITEMS, change: 'count', before: 1, after: 3, allowed: false }])
    expect(result.attributes).toEqual([
      { key: STOCK, attribute: 'url.full host', change: 'added', value: 'stock-v2.internal' },
      { key: STOCK, attribute: 'url.full host', change: 'removed', value: 'stock.internal' },
      { key: ITEMS, attribute: 'db.query.text', change: 'added', value: 'SELECT * FROM items WHERE id = ?' },
      { key: ITEMS, attribute: 'db.query.text', change: 'removed', value: 'SELECT * FROM items WHERE order_id = ?' },
    ])
    // Durations gate; structure is reported only.
    expect(result.failures).toEqual([ROOT, ITEMS, PRICING].sort())
  })

  test('with failOnStructure, structural and behaviour changes fail too', () => {
    const { base, head } = sides()
    const result = compareSides('get order', base, head, { ...OPTIONS, failOnStructure: true })
    expect(result.failures).toContain(STOCK)
    expect(result.failures).toContain(ITEMS)
  })

  test('advisory: slower is reported but does not fail', () => {
    const { base, head } = sides()
    const result = compareSides('get order', base, head, { ...OPTIONS, advisory: true })
    expect(result.durations.some((d) => d.comparison.verdict === 'slower')).toBe(true)
    expect(result.failures).toEqual([])
    expect(result.advisory).toBe(true)
  })

  test('a version against itself: nothing fails, nothing changed', () => {
    const { base, head } = sides(V1, V1)
    const result = compareSides('get order', base, head, OPTIONS)
    expect(result.structure).toEqual([])
    expect(result.attributes).toEqual([])
    expect(result.failures).toEqual([])
    expect(result.durations.map((d) => d.comparison.verdict)).not.toContain('slower')
  })

  test('keys only one side has are added or removed, and are not timed', () => {
    const { base, head } = sides()
    const { [PRICING]: pricing, ...rest } = head.keys
    expect(pricing).toBeDefined()
    const withoutPricing: SideSamples = { ...head, keys: { ...rest, 'shop | audit | GET /orders/:id': { count: 2, durationMs: [1, 1], selfMs: [1, 1], behaviour: {} } } }
    const result = compareSides('get order', base, withoutPricing, { ...OPTIONS, paired: false })
    expect(result.structure).toContainEqual({ key: PRICING, change: 'removed', before: 1, after: 0, allowed: false })
    expect(result.structure).toContainEqual({ key: 'shop | audit | GET /orders/:id', change: 'added', before: 0, after: 2, allowed: false })
    expect(result.durations.map((d) => d.key)).not.toContain(PRICING)
  })

  test('sides without behaviour (baseline files) are not compared on it', () => {
    const { base, head } = sides()
    const strip = (side: SideSamples): SideSamples => ({
      ...side,
      keys: Object.fromEntries(Object.entries(side.keys).map(([k, { behaviour: _behaviour, ...v }]) => [k, v])),
    })
    expect(compareSides('get order', strip(base), head, { ...OPTIONS, paired: false }).attributes).toEqual([])
  })

  test('a paired comparison needs as many head runs as base runs', () => {
    const { base } = sides(V1, V2, 16)
    const { head } = sides(V1, V2, 10)
    expect(() => compareSides('get order', base, head, OPTIONS)).toThrow(/paired comparison needs one head sample per base sample/)
  })
})

describe('summariseScenarios', () => {
  test('counts verdicts and changes; a failure is a regression', () => {
    const { base, head } = sides()
    const changed = compareSides('get order', base, head, OPTIONS)
    const same = compareSides('same', base, base, OPTIONS)
    const summary = summariseScenarios([changed, same], ['x (only in a.json)'])
    expect(summary).toMatchObject({ scenarios: 2, keys: 10, slower: 3, faster: 0, structuralChanges: 1, attributeChanges: 4, regression: true, unmatched: ['x (only in a.json)'] })
    expect(summary.unchanged + summary.inconclusive).toBe(7)
    expect(summariseScenarios([same], []).regression).toBe(false)
  })
})

describe('representative traces', () => {
  test('the run of median total duration, as report traces relative to their start', () => {
    const runs = shopRuns(V1, V2, 5)
    const totals = runs.base.traces.map((run) => run[0]?.durationMs ?? 0)
    const median = [...totals].sort((a, b) => a - b)[2]
    const chosen = representativeRun(runs.base)
    expect(chosen[0]?.durationMs).toBe(median)
    const trace = toReportTrace(chosen[0] as NonNullable<(typeof chosen)[0]>)
    expect(trace.spans[0]).toMatchObject({ name: 'GET /orders/:id', kind: 'SERVER', service: 'shop', key: ROOT, offsetMs: 0, status: 'UNSET' })
    expect(trace.spans.find((s) => s.name === 'price order')).toMatchObject({ key: PRICING, parentSpanId: trace.spans[0]?.spanId })
    expect(trace.spans.every((s) => s.offsetMs >= 0 && s.offsetMs <= trace.durationMs)).toBe(true)
  })
})
