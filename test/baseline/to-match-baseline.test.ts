import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { MatcherState } from 'vitest'
import { BaselineError, Trace } from 'tracewright'
import type { CapturedSpan } from 'tracewright'
import { toMatchBaseline } from 'tracewright/matchers'
import { baselinePathFor, BASELINE_SCHEMA_VERSION, currentEnvironment, readBaselineFile, writeBaselineEntry } from '../../src/baseline/baseline-file.js'
import { toBaselineEntry } from '../../src/baseline/compare-baseline.js'
import { TraceSamples } from '../../src/baseline/trace-samples.js'

// Samples built from hand-made traces: durations and counts chosen exactly.
function span(id: string, name: string, ms: number, parent?: string): CapturedSpan {
  return {
    traceId: 'a'.repeat(32), spanId: id.padStart(16, '0'), ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
    name, kind: parent ? 'CLIENT' : 'SERVER', start: 0n, end: BigInt(Math.round(ms * 1e6)), durationMs: ms,
    status: { code: 'UNSET' }, attributes: {}, events: [], links: [], resource: { 'service.name': 'svc' }, scope: { name: 't' },
  }
}

function samples(runs: number, queryMs: number, queries = 1): TraceSamples {
  return new TraceSamples(Array.from({ length: runs }, (_, i) => {
    const jitter = 1 + ((i * 7) % 5) / 100
    const spans = [span('1', 'GET /x', 50 * jitter)]
    for (let q = 0; q < queries; q++) spans.push(span(String(q + 2), 'SELECT', queryMs * jitter, '1'))
    return [new Trace(spans)]
  }))
}

let dir: string
let specPath: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracewright-baseline-'))
  specPath = join(dir, 'orders.spec.ts')
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  delete process.env['TRACEWRIGHT_UPDATE_BASELINES']
})

// The matcher state vitest hands a matcher, borrowed through a probe matcher, then keyed to a
// spec path in a temporary folder so the test never writes beside itself.
let captured: MatcherState | undefined
expect.extend({
  captureMatcherState(this: MatcherState) {
    captured = this
    return { pass: true, message: () => '' }
  },
})
function state(): MatcherState {
  ;(expect(0) as unknown as { captureMatcherState(): void }).captureMatcherState()
  return { ...captured, testPath: specPath, currentTestName: 'reads once', isNot: false, snapshotState: undefined } as unknown as MatcherState
}

describe('toMatchBaseline', () => {
  test('without a baseline it fails and says how to record one, writing nothing', () => {
    const result = toMatchBaseline.call(state(), samples(20, 10))
    expect(result.pass).toBe(false)
    // The spec file before -u: `vitest run -u <file>` would read the file as an update mode and run every spec.
    expect(result.message()).toMatch(/`npx vitest run \S*orders\.spec\.ts -u`/)
    expect(existsSync(baselinePathFor(specPath))).toBe(false)
  })

  test('records in update mode, then passes against the same behaviour', () => {
    process.env['TRACEWRIGHT_UPDATE_BASELINES'] = '1'
    expect(toMatchBaseline.call(state(), samples(20, 10)).pass).toBe(true)
    delete process.env['TRACEWRIGHT_UPDATE_BASELINES']
    const file = baselinePathFor(specPath)
    expect(file).toBe(join(dir, '__baselines__', 'orders.spec.ts.json'))
    const written = JSON.parse(readFileSync(file, 'utf8'))
    expect(written.schemaVersion).toBe(BASELINE_SCHEMA_VERSION)
    expect(Object.keys(written.tests['reads once'].keys)).toEqual(['svc | GET /x', 'svc | SELECT | GET /x'])
    expect(toMatchBaseline.call(state(), samples(20, 10)).pass).toBe(true)
  })

  test('an extra query fails with the structure diff, and a slowdown with the duration table', () => {
    process.env['TRACEWRIGHT_UPDATE_BASELINES'] = '1'
    toMatchBaseline.call(state(), samples(20, 10))
    delete process.env['TRACEWRIGHT_UPDATE_BASELINES']

    const nPlusOne = toMatchBaseline.call(state(), samples(20, 10, 12))
    expect(nPlusOne.pass).toBe(false)
    expect(stripVTControlCharacters(nPlusOne.message())).toContain('~ svc | SELECT | GET /x: 1 → 12 per run')

    const slower = toMatchBaseline.call(state(), samples(20, 30))
    expect(slower.pass).toBe(false)
    const message = stripVTControlCharacters(slower.message())
    expect(message).toMatch(/svc \| SELECT \| GET \/x\s+10\.\d+ ms\s+30\.\d+ ms\s+3\.00×\s+\[[\d.]+, [\d.]+\]\s+slower/)
    expect(message).toMatch(/record a new baseline with `npx vitest run \S+ -u`/)
  })

  test('quantiles: a tail regression the median misses fails with p50 and p99 side by side; the baseline keeps enough runs for p99', () => {
    // Every tenth run's query is 3× slower in the new version, as when a lock makes some requests wait.
    const tail = (runs: number): TraceSamples => new TraceSamples(Array.from({ length: runs }, (_, i) => {
      const jitter = 1 + ((i * 7) % 5) / 100
      return [new Trace([span('1', 'GET /x', 50 * jitter), span('2', 'SELECT', (i % 10 === 0 ? 30 : 10) * jitter, '1')])]
    }))
    process.env['TRACEWRIGHT_UPDATE_BASELINES'] = '1'
    toMatchBaseline.call(state(), samples(400, 10), { quantiles: [0.5, 0.99] })
    delete process.env['TRACEWRIGHT_UPDATE_BASELINES']
    expect(readBaselineFile(baselinePathFor(specPath))?.tests['reads once']?.keys['svc | SELECT | GET /x']?.durationMs).toHaveLength(368)

    expect(toMatchBaseline.call(state(), tail(400)).pass).toBe(true)
    const result = toMatchBaseline.call(state(), tail(400), { quantiles: [0.5, 0.99] })
    expect(result.pass).toBe(false)
    const message = stripVTControlCharacters(result.message())
    expect(message).toContain('Quantiles (base → head, ratio, verdict):')
    expect(message).toMatch(/svc \| SELECT \| GET \/x\s+10\.\d+ ms → 10\.\d+ ms \d\.\d\d× (unchanged|inconclusive)\s+\d+\.\d+ ms → \d+\.\d+ ms [23]\.\d\d× slower/)
  })

  test('a baseline from another machine makes durations advisory unless strict', () => {
    const file = baselinePathFor(specPath)
    const entry = toBaselineEntry(samples(20, 10), { ...currentEnvironment(), cpu: 'Another CPU' })
    writeBaselineEntry(file, 'reads once', entry)
    const advisory = toMatchBaseline.call(state(), samples(20, 30))
    expect(advisory.pass).toBe(true)
    const strict = toMatchBaseline.call(state(), samples(20, 30), { strict: true })
    expect(strict.pass).toBe(false)
    expect(stripVTControlCharacters(strict.message())).toContain('slower')
  })

  test('.not inverts it and a wrong received value is a TypeError naming the matcher', () => {
    expect(() => toMatchBaseline.call(state(), { runs: 3 })).toThrow(/toMatchBaseline\(\) expects the samples returned by `await svc.measure/)
  })
})

describe('baseline files', () => {
  test('a corrupt file is a BaselineError naming the file and the fix, and is left untouched', () => {
    const file = baselinePathFor(specPath)
    mkdirSync(join(dir, '__baselines__'))
    writeFileSync(file, '{ "schemaVersion": 1, "tests": { oops')
    expect(() => readBaselineFile(file)).toThrow(BaselineError)
    expect(() => readBaselineFile(file)).toThrow(/not valid JSON.*git checkout/)
    expect(() => toMatchBaseline.call(state(), samples(5, 10))).toThrow(BaselineError)
    expect(readFileSync(file, 'utf8')).toBe('{ "schemaVersion": 1, "tests": { oops')
  })

  test('a file from a newer version is refused, not overwritten', () => {
    const file = baselinePathFor(specPath)
    mkdirSync(join(dir, '__baselines__'))
    writeFileSync(file, JSON.stringify({ schemaVersion: 99, tests: {} }))
    expect(() => readBaselineFile(file)).toThrow(/newer tracewright \(schema 99/)
    process.env['TRACEWRIGHT_UPDATE_BASELINES'] = '1'
    expect(() => toMatchBaseline.call(state(), samples(5, 10))).toThrow(BaselineError)
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(99)
  })

  test('writes keep other tests, sort keys, round to microseconds, keep at most 30 samples', () => {
    const file = baselinePathFor(specPath)
    writeBaselineEntry(file, 'b test', toBaselineEntry(samples(40, 10.123456), currentEnvironment()))
    writeBaselineEntry(file, 'a test', toBaselineEntry(samples(3, 10), currentEnvironment()))
    const data = readBaselineFile(file)!
    expect(Object.keys(data.tests)).toEqual(['a test', 'b test'])
    const key = data.tests['b test']!.keys['svc | SELECT | GET /x']!
    expect(key.durationMs).toHaveLength(30)
    expect(key.durationMs.every((v) => Math.round(v * 1000) === v * 1000)).toBe(true)
    const text = readFileSync(file, 'utf8')
    expect(text.indexOf('"environment"')).toBeLessThan(text.indexOf('"keys"'))
  })
})

describe('rare span keys', () => {
  // A key present in fewer than half the runs records a median count of 0: it must count as absent
  // on both sides, not flip to "removed 0 → 0".
  test('a key seen in a minority of runs neither fails as removed nor as added', () => {
    const withRare = (runs: number, rareEvery: number): TraceSamples => new TraceSamples(Array.from({ length: runs }, (_, i) => {
      const spans = [span('1', 'GET /x', 50), span('2', 'SELECT', 10, '1')]
      if (i % rareEvery === 0) spans.push(span('3', 'cache refresh', 5, '1'))
      return [new Trace(spans)]
    }))
    process.env['TRACEWRIGHT_UPDATE_BASELINES'] = '1'
    toMatchBaseline.call(state(), withRare(20, 5))
    delete process.env['TRACEWRIGHT_UPDATE_BASELINES']
    const result = toMatchBaseline.call(state(), withRare(20, 4), { durations: false })
    expect(result.pass).toBe(true)
  })
})
