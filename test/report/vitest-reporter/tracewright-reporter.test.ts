import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { escapeMarkdown } from '../../../src/report/markdown.js'
import { createProject, vitest } from './consumer-project.js'
import type { Run } from './consumer-project.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const builtReporter = join(root, 'dist', 'src', 'report', 'vitest-reporter', 'index.js')

// The part of the output the reporter printed (after vitest's own summary).
function reportOf(run: Run): string {
  const start = run.stdout.indexOf('tracewright baselines')
  return start === -1 ? '' : run.stdout.slice(start)
}

const spec = `
import { afterAll, expect, test } from 'vitest'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { startService } from 'tracewright'

const tracer = trace.getTracer('shop')
const query = (name, failed = false) => tracer.startActiveSpan(name, { kind: SpanKind.CLIENT }, async (span) => {
  await new Promise((resolve) => setTimeout(resolve, 1))
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: 'unavailable' })
  span.end()
})
// The second run is a pull request: it injects an N+1 (the cart reads its items once per item)
// and adds a test that has no baseline yet.
const pullRequest = process.env.PULL_REQUEST === '1'
const itemQueries = pullRequest ? 3 : 1

const svc = await startService({
  name: 'shop',
  app: async (req, res) => {
    if (req.url === '/cart') for (let i = 0; i < itemQueries; i++) await query('SELECT cart_items')
    else if (req.method === 'POST') {
      // The first insert of every request fails, the retry succeeds: an error rate of 50%.
      await query('INSERT orders', true)
      await query('INSERT orders')
    } else {
      // The cache is down: every read fails (100%), and the products come from the database.
      await query('cache.get', true)
      await query('SELECT products')
    }
    res.end('ok')
  },
})
afterAll(() => svc.stop())

// Durations gate only on a change of 50 ms and doubling: the table is printed, timer noise never fails.
const loose = { minRelativeEffect: 1, minAbsoluteEffectMs: 50 }

test('GET /products keeps its speed', async () => {
  expect(await svc.measure('GET /products', { runs: 8, warmup: 1 })).toMatchBaseline(loose)
})

test('GET /cart keeps its shape', async () => {
  expect(await svc.measure('GET /cart', { runs: 8, warmup: 1 })).toMatchBaseline(loose)
})

test.runIf(pullRequest)('POST /orders is new', async () => {
  expect(await svc.measure('POST /orders', { runs: 8, warmup: 1 })).toMatchBaseline(loose)
})
`

// What the consumer project's environment fingerprint says about this machine.
const cpu = cpus()[0]?.model.trim() ?? 'unknown'
const environment = { cpu, cores: cpus().length, node: process.version, os: `${process.platform} ${process.arch}` }
const advisoryChange = `baseline → this run: CPU "a CI runner elsewhere" → ${JSON.stringify(cpu)}`

describe('tracewright/reporter in a consumer project', () => {
  let dir: string
  let record: Run
  let compare: Run
  let plain: Run

  beforeAll(async () => {
    if (!existsSync(builtReporter)) {
      throw new Error(`${builtReporter} is missing: \`npm test\` builds dist/ first (pretest); when running vitest directly, run \`npm run build\` before.`)
    }
    dir = await mkdtemp(join(tmpdir(), 'tracewright-reporter-'))
    const shop = join(dir, 'shop')
    const quiet = join(dir, 'quiet')
    await mkdir(shop)
    await mkdir(quiet)
    await createProject(shop, {
      'shop.spec.js': spec,
      // Recording: the reporter by package name, its JSON file from vitest's keyed outputFile.
      'vitest.config.js': `export default { test: { setupFiles: ['tracewright/vitest'], include: ['*.spec.js'], reporters: ['default', 'tracewright/reporter'], outputFile: { 'tracewright/reporter': 'reports/record.json' } } }\n`,
      // Comparing: the built reporter by absolute path, its JSON file as a reporter option.
      'compare.config.js': `export default { test: { setupFiles: ['tracewright/vitest'], include: ['*.spec.js'], reporters: ['default', [${JSON.stringify(builtReporter)}, { outputFile: 'reports/compare.json' }]] } }\n`,
    })
    await createProject(quiet, {
      'plain.spec.js': `import { expect, test } from 'vitest'\ntest('adds', () => { expect(1 + 1).toBe(2) })\n`,
      'vitest.config.js': `export default { test: { include: ['*.spec.js'], reporters: ['default', 'tracewright/reporter'], outputFile: { tracewright: 'reports/plain.json' } } }\n`,
    })
    const summary = join(dir, 'step-summary.md')
    ;[record, plain] = await Promise.all([
      vitest(shop, [], { TRACEWRIGHT_UPDATE_BASELINES: '1', GITHUB_STEP_SUMMARY: summary }),
      vitest(quiet, [], { GITHUB_STEP_SUMMARY: join(dir, 'quiet-summary.md') }),
    ])
    // The products baseline as if recorded on another machine: its duration verdicts turn advisory.
    const baselineFile = join(shop, '__baselines__', 'shop.spec.js.json')
    const baseline = JSON.parse(await readFile(baselineFile, 'utf8'))
    baseline.tests['GET /products keeps its speed'].environment.cpu = 'a CI runner elsewhere'
    await writeFile(baselineFile, JSON.stringify(baseline, null, 2))
    compare = await vitest(shop, ['--config', 'compare.config.js'], { PULL_REQUEST: '1', GITHUB_STEP_SUMMARY: summary })
  }, 60_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('a recording run says which baselines it recorded, and lists the slowest operations and the error rates', () => {
    expect(record.code, record.stdout + record.stderr).toBe(0)
    const report = reportOf(record)
    expect(report).toContain('tracewright baselines  2 recorded')
    expect(report).toContain('Recorded (update mode)\n  ● shop.spec.js > GET /products keeps its speed: recorded the baseline in __baselines__/shop.spec.js.json\n  ● shop.spec.js > GET /cart keeps its shape: recorded the baseline in __baselines__/shop.spec.js.json')
    // No baseline column: nothing was compared.
    expect(report).toMatch(/Slowest operations \(.*\)\n {2}span key {2,}current p50 {2}test\n {2}shop \| GET {2,}[\d.]+ ms {2}shop\.spec\.js > /)
    expect(report).toMatch(/Error rate by operation \(.*\)\n {2}span key {2,}spans {2}errors {2}error rate\n {2}shop \| cache\.get \| GET {2,}8 {2,}8 {2,}100\.0%\n/)
    expect(report).not.toContain('Missing baselines')
    expect(report).toContain('JSON report written to reports/record.json')
  })

  test('a comparing run prints the duration tables, the structural change, the advisory verdicts, the missing baseline, the slowest operations and the error rates', () => {
    expect(compare.code).toBe(1)
    const report = reportOf(compare)
    expect(stripVTControlCharacters(report), 'no colours when stdout is not a terminal').toBe(report)
    expect(report).toContain('tracewright baselines  2 compared (1 failed, 1 advisory), 1 missing baseline\n')
    expect(report).toContain('✓ shop.spec.js > GET /products keeps its speed\n  against __baselines__/shop.spec.js.json: 0 structural changes, 0 slower span keys\n  Durations:')
    expect(report).toMatch(/ {4}span key {2,}baseline p50 {2}current p50 {2}ratio {2,}95% CI {2,}verdict\n {4}shop \| GET {2,}[\d.]+ ms {2,}[\d.]+ ms {2}[\d.]+× {2}\[[\d.]+, [\d.]+\] +(unchanged|inconclusive)\n/)
    expect(report).toContain(`  Duration verdicts are advisory: the baseline was recorded in another environment (${advisoryChange}), so "slower" does not fail the test.`)
    expect(report).toContain('✗ shop.spec.js > GET /cart keeps its shape\n  against __baselines__/shop.spec.js.json: 1 structural change, 0 slower span keys')
    expect(report).toContain('  Structure (spans per run):\n    ~ shop | SELECT cart_items | GET: 1 → 3 per run')
    expect(report).toContain('Missing baselines\n  ✗ shop.spec.js > POST /orders is new: no baseline recorded: run vitest -u to record it in __baselines__/shop.spec.js.json\n')
    expect(report).toMatch(/Slowest operations \(.*\)\n {2}span key {2,}current p50 {2}baseline p50 {2}test\n/)
    // The new test's keys are measured but have no baseline median.
    expect(report).toMatch(/\n {2}shop \| POST {2,}[\d.]+ ms {2,}— {2}shop\.spec\.js > POST \/orders is new\n/)
    expect(report).toMatch(/Error rate by operation \(.*\)\n {2}span key {2,}spans {2}errors {2}error rate\n {2}shop \| cache\.get \| GET {2,}8 {2,}8 {2,}100\.0%\n {2}shop \| INSERT orders \| POST {2,}16 {2,}8 {2,}50\.0%\n\nJSON report/)
    expect(report).toContain('JSON report written to reports/compare.json')
  })

  test('the JSON report follows the documented schema', async () => {
    const json: unknown = JSON.parse(await readFile(join(dir, 'shop', 'reports', 'compare.json'), 'utf8'))
    const comparison = {
      verdict: expect.stringMatching(/^(slower|faster|unchanged|inconclusive)$/),
      ratio: expect.any(Number),
      ci: [expect.any(Number), expect.any(Number)],
      pValue: expect.any(Number),
      baseMedian: expect.any(Number),
      headMedian: expect.any(Number),
      difference: expect.any(Number),
      differenceCi: [expect.any(Number), expect.any(Number)],
      samples: { base: 8, head: 8 },
    }
    const durations = (keys: string[]) => keys.map((key) => ({ key, comparison: expect.objectContaining(comparison) }))
    // 8 measured runs; [spans, errors] per key.
    const operations = (figures: Record<string, [number, number]>) => Object.fromEntries(Object.entries(figures).map(([key, [spans, errors]]) =>
      [key, { spans, errors, medianMs: expect.any(Number), selfMedianMs: expect.any(Number) }]))
    const baselineEnvironment = { ...environment, cpu: 'a CI runner elsewhere' }
    expect(json).toEqual({
      schemaVersion: 1,
      summary: { compared: 2, failed: 1, advisory: 1, recorded: 0, missing: 1 },
      results: [
        {
          module: 'shop.spec.js', test: 'GET /products keeps its speed', testState: 'passed', baselineFile: '__baselines__/shop.spec.js.json', recorded: false,
          comparison: { structure: [], durations: durations(['shop | GET', 'shop | SELECT products | GET', 'shop | cache.get | GET']), attribution: [], advisory: true, failures: [] },
          operations: operations({ 'shop | GET': [8, 0], 'shop | SELECT products | GET': [8, 0], 'shop | cache.get | GET': [8, 8] }),
          environment: { baseline: baselineEnvironment, current: environment },
        },
        {
          module: 'shop.spec.js', test: 'GET /cart keeps its shape', testState: 'failed', baselineFile: '__baselines__/shop.spec.js.json', recorded: false,
          comparison: {
            structure: [{ key: 'shop | SELECT cart_items | GET', change: 'count', before: 1, after: 3, allowed: false }],
            durations: durations(['shop | GET', 'shop | SELECT cart_items | GET']),
            attribution: [],
            advisory: false,
            failures: ['shop | SELECT cart_items | GET'],
          },
          operations: operations({ 'shop | GET': [8, 0], 'shop | SELECT cart_items | GET': [24, 0] }),
          environment: { baseline: environment, current: environment },
        },
        {
          module: 'shop.spec.js', test: 'POST /orders is new', testState: 'failed', baselineFile: '__baselines__/shop.spec.js.json', recorded: false, missing: true,
          operations: operations({ 'shop | POST': [8, 0], 'shop | INSERT orders | POST': [16, 8] }),
          environment: { current: environment },
        },
      ],
      slowest: expect.any(Array),
      errorRates: [
        { key: 'shop | cache.get | GET', spans: 8, errors: 8, rate: 1 },
        { key: 'shop | INSERT orders | POST', spans: 16, errors: 8, rate: 0.5 },
      ],
    })
    const { slowest } = json as { slowest: { key: string; medianMs: number; baselineMedianMs?: number }[] }
    expect(slowest.map((o) => o.key).sort()).toEqual([
      'shop | GET', 'shop | INSERT orders | POST', 'shop | POST', 'shop | SELECT cart_items | GET', 'shop | SELECT products | GET', 'shop | cache.get | GET',
    ])
    expect(slowest.map((o) => o.medianMs)).toEqual(slowest.map((o) => o.medianMs).sort((a, b) => b - a))
    // A baseline median for the compared keys only.
    expect(slowest.filter((o) => o.baselineMedianMs === undefined).map((o) => o.key).sort()).toEqual(['shop | INSERT orders | POST', 'shop | POST'])
    const recorded: unknown = JSON.parse(await readFile(join(dir, 'shop', 'reports', 'record.json'), 'utf8'))
    expect(recorded).toMatchObject({
      schemaVersion: 1,
      summary: { compared: 0, failed: 0, advisory: 0, recorded: 2, missing: 0 },
      results: [
        { test: 'GET /products keeps its speed', recorded: true, operations: operations({ 'shop | GET': [8, 0], 'shop | SELECT products | GET': [8, 0], 'shop | cache.get | GET': [8, 8] }), environment: { current: environment } },
        { test: 'GET /cart keeps its shape', recorded: true, operations: operations({ 'shop | GET': [8, 0], 'shop | SELECT cart_items | GET': [8, 0] }), environment: { current: environment } },
      ],
      errorRates: [{ key: 'shop | cache.get | GET', spans: 8, errors: 8, rate: 1 }],
    })
    const recordedSlowest = (recorded as { slowest: { key: string; baselineMedianMs?: number }[] }).slowest
    expect(recordedSlowest.map((o) => o.key).sort()).toEqual(['shop | GET', 'shop | SELECT cart_items | GET', 'shop | SELECT products | GET', 'shop | cache.get | GET'])
    expect(recordedSlowest.every((o) => o.baselineMedianMs === undefined)).toBe(true)
  })

  test('both runs append markdown to $GITHUB_STEP_SUMMARY', async () => {
    const markdown = await readFile(join(dir, 'step-summary.md'), 'utf8')
    expect(markdown.match(/^## tracewright baselines$/gm)).toHaveLength(2)
    expect(markdown).toContain('### Recorded (update mode)\n\n- shop.spec.js \\> GET /products keeps its speed: recorded the baseline in `__baselines__/shop.spec.js.json`')
    expect(markdown).toContain('### ✗ shop.spec.js \\> GET /cart keeps its shape')
    expect(markdown).toMatch(/\n\| shop \\\| SELECT cart\\_items \\\| GET \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \| \[[\d.]+, [\d.]+\] \| \w+ \|\n/)
    expect(markdown).toContain('```diff\n~ shop | SELECT cart_items | GET: 1 → 3 per run\n```')
    expect(markdown).toContain(`> ${escapeMarkdown(`Duration verdicts are advisory: the baseline was recorded in another environment (${advisoryChange}), so`)}`)
    expect(markdown).toContain('### Missing baselines\n\n- ✗ shop.spec.js \\> POST /orders is new: no baseline recorded: run `vitest -u` to record it in `__baselines__/shop.spec.js.json`')
    // Once in each run's summary.
    expect(markdown.match(/\n\| shop \\\| cache\.get \\\| GET \| 8 \| 8 \| 100\.0% \|\n/g)).toHaveLength(2)
    expect(markdown).toContain('| shop \\| INSERT orders \\| POST | 16 | 8 | 50.0% |')
  })

  test('a run where no test called toMatchBaseline prints nothing and writes no step summary', async () => {
    expect(plain.code, plain.stdout + plain.stderr).toBe(0)
    expect(plain.stdout).toMatch(/1 passed/)
    expect(plain.stdout + plain.stderr).not.toMatch(/tracewright baselines|JSON report|Recorded|Slowest/)
    expect(existsSync(join(dir, 'quiet-summary.md'))).toBe(false)
    // The JSON report is still written, empty, so a CI step reading it always finds it.
    const json: unknown = JSON.parse(await readFile(join(dir, 'quiet', 'reports', 'plain.json'), 'utf8'))
    expect(json).toEqual({ schemaVersion: 1, summary: { compared: 0, failed: 0, advisory: 0, recorded: 0, missing: 0 }, results: [], slowest: [], errorRates: [] })
  })
})
