import { describe, expectTypeOf, test } from 'vitest'
import { compareSamples, criticalPath, defineScenarios, lintTrace, startCollector, tailRunsNeeded, TraceSamples } from 'tracewright'
import type { Collector, Comparison, CriticalSegment, QuantileComparison, ScenarioClient, Service, TailComparison, TailVerdict, Trace, Verdict } from 'tracewright'

declare const svc: Service
declare const trace: Trace

describe('baselines, statistics, the collector and compare', () => {
  test('measure() resolves TraceSamples; toMatchBaseline takes its options', () => {
    expectTypeOf(svc.measure('GET /x', { runs: 10, warmup: 2 })).resolves.toEqualTypeOf<TraceSamples>()
    expectTypeOf(svc.measure).parameter(0).toExtend<string | ((client: ScenarioClient) => Promise<void>) | { path: string }>()
    // @ts-expect-error runs is a number or 'auto'
    void svc.measure('GET /x', { runs: '10' })
    expectTypeOf(svc.measure('GET /x', { runs: 'auto', adaptive: { maxRuns: 40, quantiles: [0.5, 0.99] } })).resolves.toEqualTypeOf<TraceSamples>()
    // @ts-expect-error the adaptive plan's sizes are numbers
    void svc.measure('GET /x', { runs: 'auto', adaptive: { maxRuns: '40' } })
  })

  test('quantile verdicts and critical paths are typed', () => {
    const result = compareSamples([1, 2, 3], [1, 2, 3], { quantiles: [0.5, 0.9] })
    expectTypeOf(result.quantiles).toEqualTypeOf<readonly QuantileComparison[] | undefined>()
    expectTypeOf(result.tail).toEqualTypeOf<TailComparison | undefined>()
    expectTypeOf(result.tail?.verdict).toEqualTypeOf<TailVerdict | undefined>()
    // @ts-expect-error the tail test can show a change but never rule one out
    const never: TailVerdict = 'unchanged'
    void never
    expectTypeOf(tailRunsNeeded(0.1, 0.01 / 3, 0.9, false)).toEqualTypeOf<number>()
    expectTypeOf(criticalPath(trace)).toEqualTypeOf<CriticalSegment[]>()
  })

  test('compareSamples returns a Comparison with a verdict', () => {
    const result = compareSamples([1, 2, 3], [1, 2, 3], { paired: true, minRelativeEffect: 0.2 })
    expectTypeOf(result).toEqualTypeOf<Comparison>()
    expectTypeOf(result.verdict).toEqualTypeOf<Verdict>()
    expectTypeOf(result.ci).toEqualTypeOf<[number, number]>()
    // @ts-expect-error samples are numbers
    compareSamples(['1'], [2])
  })

  test('startCollector resolves a Collector with endpoints and a store', () => {
    expectTypeOf(startCollector()).resolves.toEqualTypeOf<Collector>()
    expectTypeOf<Collector['endpoint']>().toEqualTypeOf<string>()
  })

  test('defineScenarios keeps the scenario names and checks their shape', () => {
    const scenarios = defineScenarios({ 'get order': async (client) => { await client.request('GET /orders/42') }, list: 'GET /orders' })
    expectTypeOf(scenarios).toHaveProperty('get order')
    // @ts-expect-error a scenario is a request or a function of the client
    defineScenarios({ broken: 42 })
  })

  test('lintTrace returns violations with a rule id and severity', () => {
    const [first] = lintTrace(trace)
    expectTypeOf(first?.rule).toEqualTypeOf<string | undefined>()
  })
})
