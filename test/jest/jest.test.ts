import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MATCHER_NAMES } from '../../src/harness/vitest-set-up.js'
import { MATCHER_CASES, runCases, VITEST_OUTCOMES_ENV } from '../matchers/conformance/cases.js'
import { runRunner, withoutIdsAndTimings } from '../fixtures/run-runner.js'
import type { CaseExpect } from '../matchers/conformance/cases.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js')
const config = join(root, 'examples', 'jest', 'jest.config.js')
// Reporters are loaded by Jest untransformed: the built one (npm test builds first).
const reporters = ['--reporters=default', `--reporters=${join(root, 'dist', 'src', 'report', 'jest-reporter', 'index.js')}`]

/** One test of Jest's `--json` result. */
interface JestAssertion {
  readonly fullName: string
  readonly status: 'passed' | 'failed' | 'pending' | 'todo'
  readonly failureMessages: readonly string[]
}

interface JestRun {
  readonly code: number
  readonly output: string
  readonly tests: readonly JestAssertion[]
}

let scratch: string
beforeAll(async () => { scratch = await mkdtemp(join(tmpdir(), 'tracewright-jest-')) })
afterAll(() => rm(scratch, { recursive: true, force: true }))

/**
 * Runs Jest (native ES modules) on `args` with the example's config, as a user's `npx jest` would,
 * and reads its JSON result. `--forceExit` is not passed: a service left running hangs the run.
 */
async function runJest(args: readonly string[], env: Readonly<Record<string, string>> = {}, configFile = config): Promise<JestRun> {
  const result = join(scratch, `result-${Math.random().toString(36).slice(2)}.json`)
  const argv = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, '-c', configFile, '--ci', '--json', `--outputFile=${result}`, ...args]
  const { code, output } = await runRunner(argv, root, env)
  const json = JSON.parse(await readFile(result, 'utf8')) as { testResults: { assertionResults: JestAssertion[] }[] }
  return { code, output, tests: json.testResults.flatMap((file) => file.assertionResults) }
}

/** A failure message as a snapshot can hold it: no colours, no stack, no ids or timings. */
function stable(message: string): string {
  return withoutIdsAndTimings(stripVTControlCharacters(message).split('\n').filter((line) => !/^\s+at /.test(line)).join('\n'))
}

describe('the Jest example (examples/jest), run by Jest', () => {
  test('passes: examples/orders/orders.spec.ts unchanged under Jest, the harness\'s per-test parts, a baseline', { timeout: 120_000 }, async () => {
    const run = await runJest(['examples/jest', 'examples/orders'])
    expect(run.code, run.output).toBe(0)
    expect(run.tests.map((t) => `${t.status} ${t.fullName}`).sort()).toEqual([
      'passed GET /orders/:id a failing downstream call is an error on the client span, not on the request',
      'passed GET /orders/:id an unknown order answers 404 without asking inventory',
      'passed GET /orders/:id reads the order and its items once each, then asks inventory per SKU',
      'passed GET /orders/:id the request waits for the slowest stock call, and the critical path says so',
      'passed GET /orders/:id the whole request, span by span: nothing missing, nothing extra',
      'passed GET /report keeps its shape and its speed',
      'passed POST /orders/:id/audit answers first and writes the audit record in the background, in the same trace',
      'passed exceptions toHaveRecordedException and toHaveEvent read the span events',
      'passed the N+1 variant is caught by toHaveSpanCount',
      'passed the harness under Jest a test\'s traces stay in the store while it runs',
      'passed the harness under Jest a trace that never settles fails inside the test\'s own timeout, saying so',
      'passed the harness under Jest and are released once it is over, at the next request',
    ])
  })

  test('a trace snapshot holds the same text under Jest as under vitest', async () => {
    // Each runner keeps its own file (their formats differ); the trace text inside must not.
    const entries = async (file: string): Promise<string[]> =>
      [...(await readFile(join(root, file), 'utf8')).matchAll(/^exports\[`[^`]*`\] = `\n([\s\S]*?)`;$/gm)].map((m) => m[1] as string)
    const vitestSnapshots = await entries('examples/orders/__snapshots__/orders.spec.ts.snap')
    const jestSnapshots = await entries('examples/orders/__jest_snapshots__/orders.spec.ts.snap')
    expect(vitestSnapshots.length).toBeGreaterThan(0)
    expect(jestSnapshots).toEqual(vitestSnapshots)
  })

  test('jest -u records the baseline under Jest\'s test name, the next run compares with it, and tracewright/jest-reporter reports both', { timeout: 120_000 }, async () => {
    const file = join(scratch, 'baseline.json')
    const env = { TRACEWRIGHT_JEST_BASELINE: file }
    const spec = 'examples/jest/baseline.jest.ts'
    const title = `${spec} > GET /report keeps its shape and its speed`
    const missing = await runJest([spec, ...reporters], env)
    expect(missing.code).toBe(1)
    expect(missing.tests[0]?.failureMessages.join('\n')).toContain(`No baseline recorded for "GET /report keeps its shape and its speed" in ${file}.\nRecord one with \`npx jest ${spec} -u\``)
    expect(missing.output).toContain(`Missing baselines\n  ✗ ${title}: no baseline recorded: run npx jest -u to record it in`)
    const recorded = await runJest([spec, '-u', ...reporters], env)
    expect(recorded.code, recorded.output).toBe(0)
    expect(recorded.output).toContain(`Recorded (update mode)\n  ● ${title}: recorded the baseline in `)
    const written = JSON.parse(await readFile(file, 'utf8')) as { tests: Record<string, { runs: number; keys: Record<string, unknown> }> }
    expect(Object.keys(written.tests)).toEqual(['GET /report keeps its shape and its speed'])
    expect(written.tests['GET /report keeps its shape and its speed']?.runs).toBe(20)
    const compared = await runJest([spec, ...reporters], env)
    expect(compared.code, compared.output).toBe(0)
    expect(compared.output).toContain(`tracewright baselines  1 compared\n\n✓ ${title}\n  against `)
    expect(compared.output).toContain(': 0 structural changes, 0 slower span keys')
  })

  test('failures read as under vitest: the matcher\'s message, and a late span failing its test', { timeout: 120_000 }, async () => {
    const run = await runJest(['--testMatch', '**/test/jest/fixtures/failing.jest-fails.ts'])
    expect(run.code).toBe(1)
    const failures = Object.fromEntries(run.tests.map((t) => [t.fullName, `${t.status}\n${stable(t.failureMessages.join('\n'))}`]))
    expect(failures).toMatchSnapshot()
  })
  test('without tracewright/jest, a matcher names the set-up that fixes it instead of "is not a function"', { timeout: 120_000 }, async () => {
    const run = await runJest([], {}, join(root, 'test', 'jest', 'fixtures', 'no-setup.config.js'))
    expect(run.code).toBe(1)
    const message = stripVTControlCharacters(run.tests[0]?.failureMessages.join('\n') ?? '')
    expect(message).toContain("UsageError: Failed to run toHaveSpan(): tracewright's matchers are not registered in this Jest run. Please add the set-up file to the Jest config: `setupFilesAfterEnv: ['tracewright/jest']`.")
    expect(message).not.toContain('is not a function')
  })
})

describe('matcher conformance: every matcher behaves the same under Jest', () => {
  test('the cases cover every matcher, passing and failing', () => {
    const outcomes = runCases(expect as unknown as CaseExpect)
    for (const name of MATCHER_NAMES) {
      const cases = outcomes.filter((_outcome, i) => MATCHER_CASES[i]?.matcher === name)
      expect(cases.some((o) => !o.pass), name).toBe(true)
      if (name !== 'toMatchBaseline') expect(cases.some((o) => o.pass), name).toBe(true)
    }
  })

  test('each case passes or fails under Jest exactly as under vitest, with the same message', { timeout: 120_000 }, async () => {
    const file = join(scratch, 'vitest-outcomes.json')
    await writeFile(file, JSON.stringify(runCases(expect as unknown as CaseExpect)))
    const run = await runJest(['test/matchers/conformance'], { [VITEST_OUTCOMES_ENV]: file })
    expect(run.tests.filter((t) => t.status !== 'passed').map((t) => `${t.fullName}\n${t.failureMessages.join('\n')}`)).toEqual([])
    expect(run.tests).toHaveLength(MATCHER_CASES.length + 1)
    expect(run.code).toBe(0)
  })
})
