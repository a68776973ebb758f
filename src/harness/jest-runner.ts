import { contextFromMatcherState } from './test-runner.js'
import type { CurrentTest, MatcherStateLike, TestRunnerAdapter } from './test-runner.js'

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

/** The running test's timeout as jest-circus will apply it: the test's own, else the configured one. */
function jestTimeout(state: CircusState | undefined): number | undefined {
  return state?.currentlyRunningTest?.timeout || state?.testTimeout
}

/**
 * The harness's view of Jest (`tracewright/jest`). Jest has no `onTestFinished`, so the adapter
 * registers one `beforeEach` that opens a record of the test and one `afterEach` that runs what
 * the harness queued for it; an error thrown there fails that test, as in vitest.
 */
export function createJestAdapter(jest: JestGlobals): TestRunnerAdapter {
  let running: { test: CurrentTest; finish: Array<() => void | Promise<void>> } | undefined
  jest.beforeEach(() => {
    const state = circusState()
    const timeout = jestTimeout(state)
    running = {
      test: {
        ...(timeout === undefined ? {} : { timeout }),
        result: { startTime: Date.now() },
        ...(state?.currentlyRunningTest?.concurrent === true ? { concurrent: true } : {}),
      },
      finish: [],
    }
  })
  jest.afterEach(async () => {
    const finished = running
    running = undefined
    if (finished === undefined) return
    const errors: unknown[] = []
    for (const fn of finished.finish) {
      try {
        await fn()
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) throw errors[0]
  })
  return {
    name: 'jest',
    currentTest: () => running?.test,
    onTestFinished: (fn) => {
      if (running === undefined) throw new Error('no Jest test is running')
      running.finish.push(fn)
    },
    baselineContext: (state = jest.expect.getState()) => contextFromMatcherState(state, (file) => `npx jest ${file} -u`),
  }
}
