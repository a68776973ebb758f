import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { contextFromMatcherState, noRunningTest, TestRecord } from './test-runner.js'
import type { MatcherStateLike, TestRunnerAdapter } from './test-runner.js'

/** What the Jest adapter needs of Jest: its hooks and its `expect` (from `@jest/globals`). */
export interface JestGlobals {
  beforeEach(fn: () => void): void
  afterEach(fn: () => Promise<void>): void
  readonly expect: { getState(): MatcherStateLike }
}

/**
 * The directory `tracewright/jest-reporter` set for this run: Jest's reporters run in the parent
 * process and get no per-test data from a worker, so what `toMatchBaseline` did is written here,
 * one JSON line per test, and the reporter reads it when the run ends.
 */
export const JEST_REPORT_DIR_ENV = 'TRACEWRIGHT_JEST_REPORT_DIR'

/** One line of a worker's file in {@link JEST_REPORT_DIR_ENV}. */
export interface JestBaselineLine {
  readonly testPath: string
  readonly testName: string
  readonly entries: readonly unknown[]
}

/** The part of jest-circus's state the adapter reads: the running test's own timeout and the default. */
interface CircusState {
  readonly testTimeout?: number
  readonly currentlyRunningTest?: { readonly timeout?: number; readonly concurrent?: boolean } | null
}

/**
 * jest-circus's state, which holds the running test's timeout. Jest has no public API for it, and
 * keeps it on the global under an unregistered symbol, found here by its description; undefined
 * when a later Jest moves it, and waits then keep their configured time.
 */
function circusState(): CircusState | undefined {
  const symbol = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL')
  return symbol === undefined ? undefined : (globalThis as Record<symbol, CircusState | undefined>)[symbol]
}

/**
 * The harness's view of Jest (`tracewright/jest`). Jest has no `onTestFinished`, so the adapter
 * registers one `beforeEach` that opens a record of the test and one `afterEach` that runs what
 * the harness queued for it; an error thrown there fails that test, as in vitest.
 */
export function createJestAdapter(jest: JestGlobals): TestRunnerAdapter {
  let running: TestRecord | undefined
  let meta: unknown[] = []
  jest.beforeEach(() => {
    meta = []
    const state = circusState()
    // The test's own timeout, else the configured one, as jest-circus applies them.
    const timeout = state?.currentlyRunningTest?.timeout || state?.testTimeout
    running = new TestRecord({
      ...(timeout === undefined ? {} : { timeout }),
      result: { startTime: Date.now() },
      ...(state?.currentlyRunningTest?.concurrent === true ? { concurrent: true } : {}),
    })
  })
  jest.afterEach(async () => {
    const finished = running
    running = undefined
    writeBaselineLine(jest.expect.getState(), meta)
    await finished?.finish()
  })
  return {
    name: 'jest',
    currentTest: () => running?.test,
    onTestFinished: (fn) => {
      if (running === undefined) throw noRunningTest('Jest')
      running.onFinished(fn)
    },
    baselineContext: (state = jest.expect.getState()) => {
      const context = contextFromMatcherState(state, (file) => `npx jest ${file} -u`)
      return context === undefined ? undefined : { ...context, meta }
    },
  }
}

function writeBaselineLine(state: MatcherStateLike, entries: readonly unknown[]): void {
  const dir = process.env[JEST_REPORT_DIR_ENV]
  const { testPath, currentTestName } = state
  if (dir === undefined || entries.length === 0 || testPath === undefined || currentTestName === undefined) return
  const line: JestBaselineLine = { testPath, testName: currentTestName, entries }
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`)
}
