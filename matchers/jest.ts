/**
 * The Jest set-up entry: registers every tracewright matcher on Jest's `expect` and connects the
 * harness to Jest (traces released after each test, waits cut to the test's timeout, baselines
 * keyed by spec file and test name, `jest -u` records them) and the trace snapshot serializer.
 * Importing it also adds the matcher types to `expect` from `@jest/globals`.
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
import { traceSnapshotSerializer } from './trace-serializer.js'
import type { TracewrightMatchers } from './types.js'

export type { TracewrightMatchers } from './types.js'

// The matchers are typed against vitest's matcher state; they read only what Jest's has too
// (isNot, utils, equals, customTesters, testPath, currentTestName, snapshotState), which
// test/jest/jest.test.ts's conformance run checks.
expect.extend(tracewrightMatchers as unknown as Parameters<typeof expect.extend>[0])
setTestRunner(createJestAdapter({ beforeEach, afterEach, expect }))
// `expect(trace).toMatchSnapshot()` stores the same stable text tree as under vitest.
expect.addSnapshotSerializer(traceSnapshotSerializer)

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends TracewrightMatchers<R> {}
}
