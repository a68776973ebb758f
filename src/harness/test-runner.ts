import { relative } from 'node:path'
import { recordingBaselines } from '../baseline/baseline-file.js'
import type { RunningTest } from './test-deadline.js'

/** The test that is running, as the harness sees it: one object per test (a key for its traces). */
export interface CurrentTest extends RunningTest {
  /** Runs beside other tests of the same file: its requests cannot be told apart from theirs. */
  readonly concurrent?: boolean
}

/** What the matchers' `this` carries that a runner may fill in (vitest and Jest do; Playwright does not). */
export interface MatcherStateLike {
  readonly testPath?: string | undefined
  readonly currentTestName?: string | undefined
  readonly snapshotState?: unknown
  readonly task?: { readonly meta?: object } | undefined
}

/** Where `toMatchBaseline` keys the running test's baseline, and whether it records. */
export interface BaselineContext {
  /** The spec file, absolute. */
  readonly testPath: string
  /** The test's full name, the key in the baseline file. */
  readonly testName: string
  /** `-u` (or the runner's update mode) or `TRACEWRIGHT_UPDATE_BASELINES=1`. */
  readonly recording: boolean
  /** Where a reporter reads what `toMatchBaseline` did in this test, when the runner keeps per-test data. */
  readonly meta?: unknown[]
  /** The command that re-records this spec file's baselines. */
  readonly recordCommand: string
}

/**
 * The runner-specific part of the harness: one implementation per test runner (vitest, Jest,
 * Playwright Test), so the harness and the matchers never ask which runner they are in.
 */
export interface TestRunnerAdapter {
  /** The runner's name, for messages. */
  readonly name: string
  /** The running test, or undefined outside one (beforeAll, a plain script). */
  currentTest(): CurrentTest | undefined
  /** Runs `fn` once the running test's body is over; an error it throws fails that test. */
  onTestFinished(fn: () => void | Promise<void>): void
  /** The running test's baseline key; `state` is the matcher's `this`, when called from a matcher. */
  baselineContext(state?: MatcherStateLike): BaselineContext | undefined
}

// On globalThis, under a registered symbol: the set-up entry and the harness may be two copies of
// this module (Jest gives each test file its own module registry; a bundler may duplicate it).
const ADAPTER = Symbol.for('tracewright.test-runner')

let vitestAdapter: Promise<TestRunnerAdapter | undefined> | undefined

/** Makes `adapter` the one the harness asks, for this process (or Jest test file). */
export function setTestRunner(adapter: TestRunnerAdapter | undefined): void {
  (globalThis as Record<symbol, unknown>)[ADAPTER] = adapter
}

function registeredTestRunner(): TestRunnerAdapter | undefined {
  return (globalThis as Record<symbol, unknown>)[ADAPTER] as TestRunnerAdapter | undefined
}

/** The adapter a set-up entry registered, or vitest's inside a vitest worker, else undefined. */
export function loadTestRunner(): Promise<TestRunnerAdapter | undefined> {
  const registered = registeredTestRunner()
  if (registered !== undefined) return Promise.resolve(registered)
  // vitest needs no registration: its worker is recognisable, and vitest is loaded only there, so
  // the harness works the same outside any runner and never makes vitest a runtime requirement.
  if (!('__vitest_worker__' in globalThis)) return Promise.resolve(undefined)
  vitestAdapter ??= import('vitest').then((vitest) => createVitestAdapter(vitest as unknown as VitestHooks), () => undefined)
  return vitestAdapter
}

/** What the harness needs of vitest. */
interface VitestHooks {
  onTestFinished(fn: () => void | Promise<void>): void
  TestRunner: { getCurrentTest(): CurrentTest | undefined }
  expect: { getState(): MatcherStateLike }
}

function createVitestAdapter(vitest: VitestHooks): TestRunnerAdapter {
  return {
    name: 'vitest',
    currentTest: () => vitest.TestRunner.getCurrentTest(),
    onTestFinished: (fn) => vitest.onTestFinished(fn),
    baselineContext: (state = vitest.expect.getState()) => contextFromMatcherState(state, vitestRecordCommand),
  }
}

// The file goes before `-u`: vitest reads `-u <file>` as an update mode named like the file, and
// then runs every spec.
const vitestRecordCommand = (file: string): string => `npx vitest run ${file} -u`

/**
 * The running test's baseline context, from a matcher (`state` is its `this`). Synchronous, as
 * matchers are: a registered adapter answers, else the matcher state does, as vitest fills it in.
 */
export function currentBaselineContext(state: MatcherStateLike): BaselineContext | undefined {
  const registered = registeredTestRunner()
  return registered === undefined ? contextFromMatcherState(state, vitestRecordCommand) : registered.baselineContext(state)
}

/**
 * The baseline context of a runner whose `expect` state names the test (vitest, Jest): the spec
 * file, the test's full name and the snapshot update mode.
 */
export function contextFromMatcherState(state: MatcherStateLike, command: (file: string) => string): BaselineContext | undefined {
  const { testPath, currentTestName } = state
  if (testPath === undefined || currentTestName === undefined) return undefined
  // vitest keeps per-test data in `task.meta`, where tracewright/reporter reads it; Jest has none.
  const meta = state.task?.meta as { tracewright?: unknown[] } | undefined
  const entries = meta === undefined ? undefined : (meta.tracewright ??= [])
  return {
    testPath,
    testName: currentTestName,
    recording: recordingBaselines(state.snapshotState),
    ...(entries === undefined ? {} : { meta: entries }),
    recordCommand: command(shellFile(testPath)),
  }
}

/**
 * The running test of a runner without `onTestFinished` (Jest, Playwright Test): its adapter
 * opens a record when the test starts and closes it when the test's body is over, running what
 * the harness queued for it. The first error queued work throws is rethrown, to fail the test.
 */
export class TestRecord {
  readonly test: CurrentTest
  readonly #finish: Array<() => void | Promise<void>> = []

  constructor(test: CurrentTest) {
    this.test = test
  }

  onFinished(fn: () => void | Promise<void>): void {
    this.#finish.push(fn)
  }

  async finish(): Promise<void> {
    const errors: unknown[] = []
    for (const fn of this.#finish) {
      try {
        await fn()
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) throw errors[0]
  }
}

/** The error of a harness call that needs a running test between tests. */
export function noRunningTest(runner: string): Error {
  return new Error(`no ${runner} test is running`)
}

/** A spec file as a command-line argument: relative to the working directory, quoted when it has a space. */
export function shellFile(testPath: string): string {
  const file = relative(process.cwd(), testPath) || testPath
  return file.includes(' ') ? JSON.stringify(file) : file
}
