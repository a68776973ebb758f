import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MATCHER_CASES, runCases, VITEST_OUTCOMES_ENV } from '../matchers/conformance/cases.js'
import { runRunner, withoutIdsAndTimings } from '../fixtures/run-runner.js'
import type { CaseExpect } from '../matchers/conformance/cases.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'node_modules', '@playwright', 'test', 'cli.js')
const exampleConfig = join(root, 'examples', 'playwright', 'playwright.config.ts')
const fixturesConfig = join(root, 'test', 'playwright', 'fixtures', 'playwright.config.ts')
const baselineReporter = join(root, 'dist', 'src', 'report', 'playwright-reporter', 'index.js')

/** One test of Playwright's JSON report, flattened. */
interface PlaywrightTest {
  readonly title: string
  readonly status: string
  readonly errors: readonly string[]
}

interface PlaywrightRun {
  readonly code: number
  readonly output: string
  readonly tests: readonly PlaywrightTest[]
}

interface JsonSuite {
  readonly title: string
  readonly suites?: readonly JsonSuite[]
  readonly specs?: readonly { title: string; tests: { results: { status: string; errors: { message?: string }[] }[] }[] }[]
}

let scratch: string
beforeAll(async () => { scratch = await mkdtemp(join(tmpdir(), 'tracewright-playwright-')) })
afterAll(() => rm(scratch, { recursive: true, force: true }))

function flatten(suite: JsonSuite, path: readonly string[]): PlaywrightTest[] {
  const here = suite.title.endsWith('.ts') ? path : [...path, suite.title]
  return [
    ...(suite.specs ?? []).flatMap((spec) => spec.tests.flatMap((t) => t.results.map((r) => ({
      title: [...here, spec.title].join(' > '),
      status: r.status,
      errors: r.errors.map((e) => stripVTControlCharacters(e.message ?? '')),
    })))),
    ...(suite.suites ?? []).flatMap((child) => flatten(child, here)),
  ]
}

/**
 * Runs Playwright Test (its own process, Debian's Chromium) on `args` and reads its JSON report.
 * Playwright stops every worker, and with them the services their fixtures started, before it exits.
 */
async function runPlaywright(config: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<PlaywrightRun> {
  const report = join(scratch, `report-${Math.random().toString(36).slice(2)}.json`)
  // The JSON report to a file, read below; tracewright/playwright-reporter (built: npm test builds first) to stdout.
  const argv = [cli, 'test', '-c', config, `--reporter=json,${baselineReporter}`, `--output=${join(scratch, 'results')}`, ...args]
  const { code, output } = await runRunner(argv, root, { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', PLAYWRIGHT_JSON_OUTPUT_NAME: report, ...env })
  const json = JSON.parse(await readFile(report, 'utf8')) as { suites: JsonSuite[] }
  return { code, output, tests: json.suites.flatMap((suite) => flatten(suite, [])) }
}

/** A failure message as a snapshot can hold it: no source excerpt or stack, no ids or timings. */
function stable(message: string): string {
  // Playwright appends the spec's source around the failing line, and its absolute path.
  const frame = message.search(/^>?\s*\d+ \|/m)
  const text = frame === -1 ? message : message.slice(0, frame)
  return withoutIdsAndTimings(text.split('\n').filter((line) => !/^\s+at /.test(line)).join('\n'))
}

describe('the Playwright example (examples/playwright), run by Playwright Test in Chromium', () => {
  test('passes: what the page shows and the backend trace of each action', { timeout: 180_000 }, async () => {
    const run = await runPlaywright(exampleConfig, [])
    expect(run.code, run.output).toBe(0)
    expect(run.tests.map((t) => `${t.status} ${t.title}`)).toEqual([
      'passed an attached service: a Buy click\'s trace, and an error behind a sold-out product',
      'passed loading the page: one trace per request to the shop, none for another origin',
      'passed a Buy click: the order on the page, one SERVER span and two queries behind it',
      'passed Refresh fires three requests: three traces in order, and no N+1 behind the order list',
      'passed a sold-out product: the error on the page, an error span with the exception behind it',
    ])
  })

  test('failures read as under vitest: an assertion on a click\'s trace, and a late span failing its test', { timeout: 120_000 }, async () => {
    const run = await runPlaywright(fixturesConfig, ['test/playwright/fixtures/failing.pw.ts'])
    expect(run.code).toBe(1)
    const failures = Object.fromEntries(run.tests.map((t) => [t.title, `${t.status}\n${stable(t.errors.join('\n'))}`]))
    expect(failures).toMatchSnapshot()
  })

  test('-u records the baseline under the test\'s title path, the next run compares with it, and tracewright/playwright-reporter reports both', { timeout: 180_000 }, async () => {
    const file = join(scratch, 'baseline.json')
    const env = { TRACEWRIGHT_PLAYWRIGHT_BASELINE: file }
    const spec = 'test/playwright/fixtures/baseline.pw.ts'
    const missing = await runPlaywright(fixturesConfig, [spec], env)
    expect(missing.code).toBe(1)
    expect(missing.tests[0]?.errors.join('\n')).toContain(`No baseline recorded for "reports > GET /report keeps its shape" in ${file}.\nRecord one with \`npx playwright test ${spec} -u\``)
    // Relative to the config's directory, as vitest's reporter names a spec relative to its root.
    const title = 'baseline.pw.ts > reports > GET /report keeps its shape'
    expect(missing.output).toContain(`Missing baselines\n  ✗ ${title}: no baseline recorded: run npx playwright test -u to record it in`)
    const recorded = await runPlaywright(fixturesConfig, [spec, '-u'], env)
    expect(recorded.code, recorded.output).toBe(0)
    expect(recorded.output).toContain(`Recorded (update mode)\n  ● ${title}: recorded the baseline in `)
    const written = JSON.parse(await readFile(file, 'utf8')) as { tests: Record<string, { runs: number }> }
    expect(Object.keys(written.tests)).toEqual(['reports > GET /report keeps its shape'])
    expect(written.tests['reports > GET /report keeps its shape']?.runs).toBe(10)
    const compared = await runPlaywright(fixturesConfig, [spec], env)
    expect(compared.code, compared.output).toBe(0)
    expect(compared.output).toContain(`tracewright baselines  1 compared\n\n✓ ${title}\n  against `)
    expect(compared.output).toContain(': 0 structural changes, 0 slower span keys')
  })
})

describe('matcher conformance: every matcher behaves the same on Playwright\'s expect', () => {
  test('each case passes or fails as under vitest, with the same message', { timeout: 120_000 }, async () => {
    const file = join(scratch, 'vitest-outcomes.json')
    await writeFile(file, JSON.stringify(runCases(expect as unknown as CaseExpect)))
    const run = await runPlaywright(fixturesConfig, ['test/matchers/conformance/conformance.pw.ts'], { [VITEST_OUTCOMES_ENV]: file })
    expect(run.tests.filter((t) => t.status !== 'passed').map((t) => `${t.title}\n${t.errors.join('\n')}`)).toEqual([])
    expect(run.tests).toHaveLength(MATCHER_CASES.length + 1)
    expect(run.code).toBe(0)
  })
})
