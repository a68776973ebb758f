import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BaselineError, UsageError } from '../../src/errors.js'
import { currentEnvironment, readBaselineFile } from '../../src/baseline/baseline-file.js'
import { parseComparisonReport } from '../../src/compare/stored-results.js'
import { readBaselineMeta } from '../../src/report/baseline/baseline-report.js'
import { describeProblem, findProblem, formatPath, number, object, record } from '../../src/schema.js'
import { fixtureReport } from '../report/comparison/comparison-fixture.js'

// The three readers of stored JSON check it against one schema each; a bad field is named by its
// path, in the file it came from, with the fix.
const dir = mkdtempSync(join(tmpdir(), 'tracewright-stored-json-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const environment = currentEnvironment()

describe('baseline files', () => {
  test('a bad duration names the file, the test, the key, the field path and the fix', () => {
    const file = join(dir, 'bad-duration.json')
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, tests: { 'reads once': { runs: 2, environment, keys: { 'svc | GET': { count: 1, durationMs: [1, 'x'], selfMs: [1, 1] } } } } }))
    const read = (): unknown => readBaselineFile(file)
    expect(read).toThrow(BaselineError)
    expect(read).toThrow(`Failed to read baseline file ${file}: key "svc | GET" of test "reads once" is malformed (tests["reads once"].keys["svc | GET"].durationMs[1] is "x", expected a finite number). Please restore it from version control, or delete it and record a new one with \`vitest -u\`.`)
  })

  test('an environment without its cores is named as such', () => {
    const file = join(dir, 'bad-environment.json')
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, tests: { t: { runs: 2, environment: { ...environment, cores: '8' }, keys: {} } } }))
    expect(() => readBaselineFile(file)).toThrow(/test "t" is malformed \(tests\.t\.environment\.cores is "8", expected a number\)/)
  })
})

describe('stored comparison reports', () => {
  test('malformed behaviour values name the side, the scenario, the key and the path', () => {
    const report = structuredClone(fixtureReport()) as unknown as { scenarios: { samples: { head: { keys: Record<string, { behaviour?: unknown }> } } }[] }
    const [key] = Object.keys(report.scenarios[0]!.samples.head.keys)
    report.scenarios[0]!.samples.head.keys[key!]!.behaviour = { 'db.query.summary': ['SELECT items', 3] }
    const parse = (): unknown => parseComparisonReport(report, 'pr.json')
    expect(parse).toThrow(UsageError)
    expect(parse).toThrow(`Failed to read the comparison report pr.json: the head samples of scenario ${JSON.stringify(fixtureReport().scenarios[0]!.name)} have malformed behaviour attributes for key ${JSON.stringify(key)} (scenarios[0].samples.head.keys[${JSON.stringify(key)}].behaviour["db.query.summary"][1] is 3, expected a string). Please write it again with \`tracewright compare --format json\`.`)
  })

  test('the report the writer produced is read back unchanged', () => {
    const report = JSON.parse(JSON.stringify(fixtureReport())) as unknown
    expect(parseComparisonReport(report, 'report.json')).toBe(report)
  })
})

describe('the reporter reading test meta', () => {
  const recorded = { file: '/a/__baselines__/a.spec.ts.json', test: 'reads once', recorded: true }

  test('keeps well-formed entries and skips one whose interval has three bounds or which both recorded and went missing', () => {
    const comparison = { advisory: false, failures: [], structure: [], durations: [{ key: 'k', comparison: { verdict: 'unchanged', ratio: 1, baseMedian: 1, headMedian: 1, ci: [0.9, 1.1, 1.2] } }] }
    const entries = readBaselineMeta({ tracewright: [
      recorded,
      { ...recorded, file: '/b.json', recorded: false, comparison },
      { ...recorded, file: '/c.json', missing: true },
    ] })
    expect(entries).toEqual([recorded])
  })
})

describe('the schema', () => {
  test('paths read like the code that would reach the field', () => {
    expect(formatPath([])).toBe('(the top level)')
    expect(formatPath(['tests', 'a test', 'keys', 'svc | GET', 'durationMs', 3])).toBe('tests["a test"].keys["svc | GET"].durationMs[3]')
  })

  test('the first problem is reported, with what was there', () => {
    const schema = object({ tests: record(object({ runs: number })) })
    expect(findProblem(schema, { tests: { a: { runs: 1 } } })).toBeUndefined()
    expect(describeProblem(findProblem(schema, { tests: { a: { runs: 1 }, b: {} } })!)).toBe('tests.b.runs is missing, expected a number')
    expect(describeProblem(findProblem(schema, [])!)).toBe('(the top level) is an array, expected an object')
  })
})
