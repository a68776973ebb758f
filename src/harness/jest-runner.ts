import { contextFromMatcherState, noRunningTest, TestRecord } from './test-runner.js'
import type { MatcherStateLike, TestRunnerAdapter } from './test-runner.js'

/** What the Jest adapter needs of Jest: its hooks and its `expect` (from `@jest/globals`). */
export interface JestGlobals {
  beforeEach(fn: () => void): void
  afterEach(fn: () => Promise<void>): void
  readonly expect: { getState(): MatcherStateLike }
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
  jest.beforeEach(() => {
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
    await finished?.finish()
  })
  return {
    name: 'jest',
    currentTest: () => running?.test,
    onTestFinished: (fn) => {
      if (running === undefined) throw noRunningTest('Jest')
      running.onFinished(fn)
    },
    baselineContext: (state = jest.expect.getState()) => contextFromMatcherState(state, (file) => `npx jest ${file} -u`),
  }
}
