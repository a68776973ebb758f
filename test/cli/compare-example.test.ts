import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseComparisonReport } from 'tracewright'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cliPath = join(root, 'dist', 'src', 'cli', 'main.js')
const node = process.execPath
const version = (file: string): string => `${JSON.stringify(node)} --import tracewright/register examples/compare/${file}`
// More rounds than the minimum: on a busy 2-core runner one disturbed round must not decide.
const MEASURE = ['--rounds', '20', '--warmup', '3', '--name', 'shop']

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI as a user would, from the repository root, without a terminal. */
function tracewright(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(node, [cliPath, ...args], { cwd: root, env: { ...process.env, CI: 'true' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr })
    })
  })
}

let dir: string
beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error('dist/ is missing: `npm test` builds it first (pretest); when running vitest directly, run `npm run build` before.')
  dir = await mkdtemp(join(tmpdir(), 'tracewright-example-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('examples/compare with the built CLI', () => {
  test('v1 → v2: the N+1 and the slower span are found, exit code 1', async () => {
    const out = join(dir, 'v1-v2.json')
    const run = await tracewright('compare', '--base', version('v1.mjs'), '--head', version('v2.mjs'), '--scenario', 'examples/compare/scenarios.ts', ...MEASURE, '--out', out)
    expect(run.code, run.stderr).toBe(1)
    const report = parseComparisonReport(JSON.parse(await readFile(out, 'utf8')), out)
    const order = report.scenarios.find((s) => s.name === 'get order')
    // The N+1: one items query per order became one per item, with a new statement.
    expect(order?.structure).toContainEqual({ key: 'shop | SELECT items | GET /orders/:id', change: 'count', before: 1, after: 3, allowed: false })
    expect(order?.attributes).toContainEqual({ key: 'shop | SELECT items | GET /orders/:id', attribute: 'db.query.text', change: 'added', value: 'SELECT id, sku, cents FROM items WHERE id = ?' })
    // The slowed span, about three times slower.
    const pricing = order?.durations.find((d) => d.key === 'shop | price order | GET /orders/:id')?.comparison
    expect(pricing?.verdict).toBe('slower')
    expect(pricing?.ratio).toBeGreaterThan(2)
    expect(order?.failures).toContain('shop | price order | GET /orders/:id')
    // 'list orders' is the same code in both versions.
    const list = report.scenarios.find((s) => s.name === 'list orders')
    expect(list?.structure).toEqual([])
    expect(list?.durations.map((d) => d.comparison.verdict)).not.toContain('slower')
    // The text report on stdout says the same; progress went to stderr as plain lines.
    expect(run.stdout).toMatch(/shop \| price order \| GET \/orders\/:id .* slower/)
    expect(run.stdout).toContain('~ shop | SELECT items | GET /orders/:id: 1 → 3 per run')
    expect(run.stdout).toContain('Regression:')
    expect(run.stderr).toContain('tracewright compare: round 20/20 done\n')
    expect(run.stderr).not.toContain('\r')
  })

  test('v1 → v2 with --rounds auto and --quantiles: stops once settled, explains the slower entry span from its critical path', async () => {
    const out = join(dir, 'v1-v2-auto.json')
    const run = await tracewright('compare', '--base', version('v1.mjs'), '--head', version('v2.mjs'), '--scenario', 'examples/compare/scenarios.ts',
      '--rounds', 'auto', '--max-rounds', '30', '--quantiles', 'p50,p90', '--warmup', '3', '--name', 'shop', '--out', out)
    expect(run.code, run.stderr).toBe(1)
    const report = parseComparisonReport(JSON.parse(await readFile(out, 'utf8')), out)
    expect(report.settings.quantiles).toEqual([0.5, 0.9])
    expect(report.settings.adaptive?.maxRounds).toBe(30)
    expect(report.settings.rounds).toBeLessThanOrEqual(30)
    const order = report.scenarios.find((s) => s.name === 'get order')
    const pricing = order?.durations.find((d) => d.key === 'shop | price order | GET /orders/:id')?.comparison
    expect(pricing?.verdict).toBe('slower')
    expect(pricing?.quantiles?.map((q) => q.quantile)).toEqual([0.5, 0.9])
    // v2 prices three times slower and queries items per item: that is what the entry span's change is made of.
    const why = order?.attribution?.find((a) => a.key === 'shop | GET /orders/:id')
    expect(why?.contributions[0]?.key).toBe('shop | price order | GET /orders/:id')
    expect(why?.frequency).toContainEqual({ key: 'shop | SELECT items | GET /orders/:id', before: 1, after: 3 })
    expect(run.stdout).toMatch(/Why "shop \| GET \/orders\/:id" is slower: \+[\d.]+ ms end to end; [\d.]+ ms of it is `price order` self time on the critical path/)
    expect(run.stdout).toMatch(/p50 base → head +p90 base → head/)
    // Each look reports where the verdicts stand.
    expect(run.stderr).toMatch(/tracewright compare: after round 10: \d+ (slower|open)/)
    expect(run.stderr).toMatch(/tracewright compare: after round \d+: 3 slower/)
  })

  test('v1 against itself: no regression, exit code 0', async () => {
    const run = await tracewright('compare', '--base', version('v1.mjs'), '--head', version('v1.mjs'), '--scenario', 'examples/compare/scenarios.ts', ...MEASURE, '--fail-on-structure')
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stdout).toContain('No regression: no span got slower, same structure.')
  })

  test('a version that does not start: exit code 2 and the reason', async () => {
    const run = await tracewright('compare', '--base', version('v1.mjs'), '--head', `${JSON.stringify(node)} examples/compare/no-such-version.mjs`, '--scenario', 'examples/compare/scenarios.ts', '--start-timeout', '5000')
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('tracewright compare: The head version did not start. Failed to start the service "service"')
    expect(run.stderr).toContain('Cannot find module')
  })
})
