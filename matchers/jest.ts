/**
 * The Jest set-up entry: registers every tracewright matcher on Jest's `expect` and connects the
 * harness to Jest (traces released after each test, waits cut to the test's timeout, baselines
 * keyed by spec file and test name, `jest -u` records them). Importing it also adds the matcher
 * types to `expect` from `@jest/globals`.
 *
 * @example
 * ```js
 * // jest.config.js
 * export default { setupFilesAfterEnv: ['tracewright/jest'] }
 * ```
 */
import '../src/node-version.js'
import { afterEach, beforeEach, expect } from '@jest/globals'
import { createJestAdapter } from '../src/harness/jest-runner.js'
import { setTestRunner } from '../src/harness/test-runner.js'
import { tracewrightMatchers } from './index.js'
import type { TracewrightMatchers } from './types.js'

export type { TracewrightMatchers } from './types.js'

// The matchers are typed against vitest's matcher state; they read only what Jest's has too
// (isNot, utils, equals, customTesters, testPath, currentTestName, snapshotState), which
// test/jest/jest.test.ts's conformance run checks.
expect.extend(tracewrightMatchers as unknown as Parameters<typeof expect.extend>[0])
setTestRunner(createJestAdapter({ beforeEach, afterEach, expect }))

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends TracewrightMatchers<R> {}
}
