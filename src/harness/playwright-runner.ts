import { recordingBaselines } from '../baseline/baseline-file.js'
import { noRunningTest, shellFile, TestRecord } from './test-runner.js'
import type { BaselineContext, TestRunnerAdapter } from './test-runner.js'

/** The part of Playwright Test's `TestInfo` the adapter reads. */
export interface PlaywrightTestInfo {
  readonly file: string
  /** The file, the describe blocks and the test's title. */
  readonly titlePath: readonly string[]
  /** The test's timeout, ms; 0 for none. */
  readonly timeout: number
  readonly config: { readonly updateSnapshots: string }
  attach(name: string, options: { body: string; contentType: string }): Promise<void>
}

/** The name of the attachment that carries what `toMatchBaseline` did to `tracewright/playwright-reporter`. */
export const BASELINE_ATTACHMENT = 'tracewright-baselines'

/** The Playwright adapter, and the two calls its per-test fixture makes around each test. */
export interface PlaywrightAdapter extends TestRunnerAdapter {
  testStarted(info: PlaywrightTestInfo): void
  /** Runs what the harness queued for the test and attaches the baseline results; rejects to fail the test. */
  testFinished(): Promise<void>
}

/**
 * The harness's view of Playwright Test (`tracewright/playwright`): an automatic fixture opens a
 * record of each test and closes it after the test's body. The baseline key is the test's title
 * path joined with ` > `, as vitest names a test; `-u` (`--update-snapshots`) records.
 */
export function createPlaywrightAdapter(): PlaywrightAdapter {
  let running: { record: TestRecord; info: PlaywrightTestInfo; meta: unknown[] } | undefined
  const baselineContext = (): BaselineContext | undefined => {
    if (running === undefined) return undefined
    const { info, meta } = running
    const mode = info.config.updateSnapshots
    return {
      testPath: info.file,
      testName: info.titlePath.slice(1).join(' > '),
      // Playwright's `-u` means 'changed'; 'all' re-records everything. Both record baselines.
      recording: mode === 'all' || mode === 'changed' || recordingBaselines(undefined),
      meta,
      recordCommand: `npx playwright test ${shellFile(info.file)} -u`,
    }
  }
  return {
    name: 'Playwright Test',
    currentTest: () => running?.record.test,
    onTestFinished: (fn) => {
      if (running === undefined) throw noRunningTest('Playwright')
      running.record.onFinished(fn)
    },
    baselineContext,
    testStarted(info) {
      running = { record: new TestRecord({ ...(info.timeout > 0 ? { timeout: info.timeout } : {}), result: { startTime: Date.now() } }), info, meta: [] }
    },
    async testFinished() {
      const finished = running
      running = undefined
      if (finished === undefined) return
      if (finished.meta.length > 0) {
        await finished.info.attach(BASELINE_ATTACHMENT, { body: JSON.stringify(finished.meta), contentType: 'application/json' })
      }
      await finished.record.finish()
    },
  }
}
