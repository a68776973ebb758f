// A suite split across three CI machines: `vitest --shard=i/3` in three separate processes at
// once, each with the blob reporter, then `vitest --merge-reports` with tracewright/reporter. The
// three spec files record into ONE baseline file, so the shards write it concurrently. The merged
// report and the baseline file must equal those of one unsharded run of the same suite (durations
// aside: they are measured afresh each run).
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, vitest } from './consumer-project.js'
import type { Run } from './consumer-project.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const builtReporter = join(root, 'dist', 'src', 'report', 'vitest-reporter', 'index.js')

/** One spec file of the suite: its own route, one query per run, three in the "pull request". */
const spec = (route: string): string => `
import { afterAll, expect, test } from 'vitest'
import { SpanKind, trace } from '@opentelemetry/api'
import { startService } from 'tracewright'

const tracer = trace.getTracer('shop')
const queries = process.env.PULL_REQUEST === '1' ? 3 : 1
const svc = await startService({
  name: 'shop',
  app: async (req, res) => {
    for (let i = 0; i < queries; i++) {
      await tracer.startActiveSpan('SELECT ${route}', { kind: SpanKind.CLIENT }, async (span) => { span.end() })
    }
    res.end('ok')
  },
})
afterAll(() => svc.stop())

test('GET /${route} keeps its shape', async () => {
  expect(await svc.measure('GET /${route}', { runs: 6, warmup: 1 })).toMatchBaseline({ file: '__baselines__/shop.json', durations: false })
})
`

const files = {
  'a.spec.js': spec('cart'),
  'b.spec.js': spec('products'),
  'c.spec.js': spec('orders'),
  'vitest.config.js': `export default { test: { setupFiles: ['tracewright/vitest'], include: ['*.spec.js'], reporters: ['default'] } }\n`,
}

const reporter = (file: string): string[] => ['--reporter', 'default', '--reporter', builtReporter, '--outputFile.tracewright', file]

/**
 * Runs the suite in three shards at once, then merges their blobs with the tracewright reporter.
 * Each shard must have run its one spec file, passing or (`failing`) failing it.
 */
async function sharded(dir: string, env: Record<string, string>, name: string, failing = false): Promise<Run> {
  const shards = await Promise.all([1, 2, 3].map((i) =>
    vitest(dir, [`--shard=${i}/3`, '--reporter=blob', `--outputFile=.vitest-reports/${name}/blob-${i}.json`], env)))
  for (const shard of shards) expect(shard.code === 0, shard.stdout + shard.stderr).toBe(!failing)
  return vitest(dir, ['--merge-reports', `.vitest-reports/${name}`, ...reporter(`reports/${name}.json`)], {})
}

interface ReportFile {
  results: Array<{ module: string; test: string; baselineFile: string; recorded: boolean; testState: string; missing?: unknown; comparison?: { structure: unknown } }>
}

/** What must match between runs: which tests, their files, what was recorded, and every structural change. */
async function reportShape(path: string): Promise<unknown[]> {
  const report = JSON.parse(await readFile(path, 'utf8')) as ReportFile
  return report.results
    .map((r) => ({ module: r.module, test: r.test, baselineFile: r.baselineFile, recorded: r.recorded, testState: r.testState, missing: r.missing, structure: r.comparison?.structure }))
    .sort((a, b) => a.test.localeCompare(b.test))
}

interface BaselineData {
  schemaVersion: number
  tests: Record<string, { keys: Record<string, { count: number }> }>
}

/** The baseline file without its measured numbers: tests, span keys and how often each ran. */
async function baselineShape(path: string): Promise<unknown> {
  const data = JSON.parse(await readFile(path, 'utf8')) as BaselineData
  return {
    schemaVersion: data.schemaVersion,
    tests: Object.fromEntries(Object.entries(data.tests).map(([name, entry]) => [
      name, Object.fromEntries(Object.entries(entry.keys).map(([key, stats]) => [key, stats.count])),
    ])),
  }
}

describe('a suite in three shards, merged', () => {
  let dir: string
  let whole: string
  let split: string
  const runs: Record<string, Run> = {}

  beforeAll(async () => {
    if (!existsSync(builtReporter)) {
      throw new Error(`${builtReporter} is missing: \`npm test\` builds dist/ first (pretest); when running vitest directly, run \`npm run build\` before.`)
    }
    dir = await mkdtemp(join(tmpdir(), 'tracewright-shards-'))
    whole = join(dir, 'whole')
    split = join(dir, 'split')
    await createProject(whole, files)
    await createProject(split, files)
    // Recording (-u), then a "pull request" with an N+1 in every route, each way.
    runs['whole record'] = await vitest(whole, reporter('reports/record.json'), { TRACEWRIGHT_UPDATE_BASELINES: '1' })
    runs['split record'] = await sharded(split, { TRACEWRIGHT_UPDATE_BASELINES: '1' }, 'record')
    runs['whole compare'] = await vitest(whole, reporter('reports/compare.json'), { PULL_REQUEST: '1' })
    runs['split compare'] = await sharded(split, { PULL_REQUEST: '1' }, 'compare', true)
  }, 180_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('three shards writing one baseline file at once lose no entry: it equals the unsharded run\'s', async () => {
    expect(runs['whole record']?.code).toBe(0)
    expect(runs['split record']?.code).toBe(0)
    const expected = await baselineShape(join(whole, '__baselines__', 'shop.json'))
    expect(Object.keys((expected as { tests: object }).tests)).toHaveLength(3)
    expect(await baselineShape(join(split, '__baselines__', 'shop.json'))).toEqual(expected)
  })

  test('the merged report of the recording lists every shard\'s recorded baseline, as the unsharded one does', async () => {
    const expected = await reportShape(join(whole, 'reports', 'record.json'))
    expect(expected).toHaveLength(3)
    expect(expected.every((r) => (r as { recorded: boolean }).recorded)).toBe(true)
    expect(await reportShape(join(split, 'reports', 'record.json'))).toEqual(expected)
  })

  test('the merged report of the pull request holds every shard\'s structural change, as the unsharded one does', async () => {
    // Both fail: an N+1 is a structural change that fails its test.
    expect(runs['whole compare']?.code).not.toBe(0)
    expect(runs['split compare']?.code).not.toBe(0)
    const expected = await reportShape(join(whole, 'reports', 'compare.json'))
    expect(JSON.stringify(expected)).toContain('"before":1,"after":3')
    expect(expected.filter((r) => JSON.stringify(r).includes('"change":"count"'))).toHaveLength(3)
    expect(await reportShape(join(split, 'reports', 'compare.json'))).toEqual(expected)
  })
})
