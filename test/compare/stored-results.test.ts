import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BaselineError, compareStoredResults, formatComparisonJson, parseComparisonReport, UsageError } from 'tracewright'
import { writeBaselineEntry } from '../../src/baseline/baseline-file.js'
import { toBaselineEntry } from '../../src/baseline/compare-baseline.js'
import { fixtureReport, FIXTURE_ENVIRONMENT } from '../report/comparison/comparison-fixture.js'
import { shopRuns, V1, V2 } from './shop-runs.js'

let dir: string
const path = (name: string): string => join(dir, name)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracewright-stored-'))
  await writeFile(path('report.json'), formatComparisonJson(fixtureReport()))
  const runs = shopRuns(V1, V2, 30)
  writeBaselineEntry(path('main.json'), 'get order', toBaselineEntry(runs.base, FIXTURE_ENVIRONMENT))
  writeBaselineEntry(path('pr.json'), 'get order', toBaselineEntry(runs.head, FIXTURE_ENVIRONMENT))
  writeBaselineEntry(path('pr-elsewhere.json'), 'get order', toBaselineEntry(runs.head, { ...FIXTURE_ENVIRONMENT, cpu: 'Another CPU' }))
  writeBaselineEntry(path('pr-elsewhere.json'), 'only here', toBaselineEntry(runs.head, FIXTURE_ENVIRONMENT))
  writeBaselineEntry(path('other-tests.json'), 'something else', toBaselineEntry(runs.head, FIXTURE_ENVIRONMENT))
  await writeFile(path('not-json.json'), '{ nope')
  await writeFile(path('neither.json'), '{"hello": 1}')
  await writeFile(path('future.json'), JSON.stringify({ ...fixtureReport(), schemaVersion: 99 }))
  await writeFile(path('broken-report.json'), JSON.stringify({ ...fixtureReport(), scenarios: [{ name: 'x', samples: { base: {}, head: {} } }] }))
  await writeFile(path('bad-attribution.json'), JSON.stringify({ ...fixtureReport(), scenarios: fixtureReport().scenarios.map((sc) => ({ ...sc, attribution: [{ key: 'x' }] })) }))
  await writeFile(path('corrupt-baseline.json'), JSON.stringify({ schemaVersion: 1, tests: { t: { runs: 1 } } }))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('compareStoredResults', () => {
  test('a JSON report is read back: #base picks its base side, its head side by default', () => {
    const report = compareStoredResults({ baseFile: `${path('report.json')}#base`, headFile: path('report.json') })
    expect(report.mode).toBe('unpaired')
    expect(report.base).toEqual({ label: 'report.json#base', file: path('report.json') })
    expect(report.head).toEqual({ label: 'report.json', file: path('report.json') })
    const scenario = report.scenarios.find((s) => s.name === 'get order')
    expect(scenario?.durations.find((d) => d.key === 'shop | price order | GET /orders/:id')?.comparison.verdict).toBe('slower')
    expect(scenario?.structure).toEqual([{ key: 'shop | SELECT items | GET /orders/:id', change: 'count', before: 1, after: 3, allowed: false }])
    expect(scenario?.attributes).toHaveLength(4)
    expect(scenario?.representative?.head[0]?.spans.length).toBe(7)
    expect(report.summary.regression).toBe(true)
  })

  test('a schema 1 report (settings.threshold, before the name was minRelativeEffect) is still read', async () => {
    const current = fixtureReport()
    const { minRelativeEffect, ...rest } = current.settings
    await writeFile(path('schema-1.json'), JSON.stringify({ ...current, schemaVersion: 1, settings: { ...rest, threshold: minRelativeEffect } }))
    const parsed = parseComparisonReport(JSON.parse(await readFile(path('schema-1.json'), 'utf8')), 'schema-1.json')
    expect(parsed.schemaVersion).toBe(2)
    expect(parsed.settings.minRelativeEffect).toBe(0.1)
    expect(parsed.settings).not.toHaveProperty('threshold')
    const report = compareStoredResults({ baseFile: `${path('schema-1.json')}#base`, headFile: path('schema-1.json') })
    expect(report.summary.regression).toBe(true)
    expect(report.settings.minRelativeEffect).toBe(0.1)
  })

  test('a report against itself finds nothing', () => {
    const report = compareStoredResults({ baseFile: path('report.json'), headFile: path('report.json') })
    expect(report.summary).toMatchObject({ regression: false, slower: 0, structuralChanges: 0, attributeChanges: 0 })
  })

  test('baseline files: unpaired, structure and durations, no behaviour', () => {
    const report = compareStoredResults({ baseFile: path('main.json'), headFile: path('pr.json') })
    const scenario = report.scenarios[0]
    expect(scenario?.name).toBe('get order')
    expect(scenario?.advisory).toBe(false)
    expect(scenario?.durations.find((d) => d.key === 'shop | price order | GET /orders/:id')?.comparison).toMatchObject({ verdict: 'slower', samples: { base: 30, head: 30 } })
    expect(scenario?.structure).toHaveLength(1)
    expect(scenario?.attributes).toEqual([])
    expect(scenario?.representative).toBeUndefined()
    expect(report.summary.regression).toBe(true)
  })

  test('from another environment, durations are advisory unless strict; unmatched names are listed', () => {
    const advisory = compareStoredResults({ baseFile: path('main.json'), headFile: path('pr-elsewhere.json') })
    expect(advisory.scenarios[0]?.advisory).toBe(true)
    expect(advisory.summary.regression).toBe(false)
    expect(advisory.summary.unmatched).toEqual(['only here (only in pr-elsewhere.json)'])
    const strict = compareStoredResults({ baseFile: path('main.json'), headFile: path('pr-elsewhere.json'), strict: true })
    expect(strict.summary.regression).toBe(true)
  })

  test('structure fails with failOnStructure even when durations are advisory', () => {
    const report = compareStoredResults({ baseFile: path('main.json'), headFile: path('pr-elsewhere.json'), failOnStructure: true })
    expect(report.scenarios[0]?.failures).toEqual(['shop | SELECT items | GET /orders/:id'])
  })

  test.each([
    ['missing.json', UsageError, /Failed to read .*missing\.json: there is no such file\. Please pass a JSON report/],
    ['not-json.json', UsageError, /not-json\.json: it is not valid JSON/],
    ['neither.json', UsageError, /neither\.json: it is neither a tracewright comparison report nor a baseline file/],
    ['future.json', UsageError, /written by a newer tracewright \(schema 99; this version reads 2\)\. Please upgrade tracewright/],
    ['broken-report.json', UsageError, /the base samples of scenario "x" have no run count/],
    ['bad-attribution.json', UsageError, /the attribution of scenario "get order" is malformed/],
    ['corrupt-baseline.json', BaselineError, /test "t" is malformed/],
    ['main.json#base', UsageError, /#base selects a side of a comparison report, and .*main\.json is a baseline file/],
  ])('%s: a readable error', (name, type, message) => {
    const run = (): unknown => compareStoredResults({ baseFile: path(name), headFile: path('pr.json') })
    expect(run).toThrow(type)
    expect(run).toThrow(message)
  })

  test('no name in common is an error naming both sides', () => {
    expect(() => compareStoredResults({ baseFile: path('main.json'), headFile: path('other-tests.json') }))
      .toThrow(/no scenario or test name in common \(get order \(only in main\.json\); something else \(only in other-tests\.json\)\)/)
  })

  test('bad decision settings are refused before reading anything', () => {
    expect(() => compareStoredResults({ baseFile: path('missing.json'), headFile: path('missing.json'), minRelativeEffect: -1 }))
      .toThrow(/minRelativeEffect must be a fraction ≥ 0/)
  })
})

describe('parseComparisonReport', () => {
  test('accepts what formatComparisonJson wrote', () => {
    const report = fixtureReport()
    expect(parseComparisonReport(JSON.parse(formatComparisonJson(report)), 'r.json')).toEqual(JSON.parse(JSON.stringify(report)))
  })
})
