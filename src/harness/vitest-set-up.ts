import { UsageError } from '../errors.js'

// Where vitest and Jest keep the matchers `expect.extend` registered, and vitest its global `expect`, by symbol.
const JEST_MATCHERS_OBJECT = Symbol.for('$$jest-matchers-object')
const GLOBAL_EXPECT = Symbol.for('expect-global')

/** The names of tracewright's matchers (`tracewright/matchers`; a test keeps the two in step). */
export const MATCHER_NAMES = [
  'toBeConnected', 'toFollowTraceConventions', 'toHaveSpan', 'toHaveSpanCount', 'toCompleteWithin', 'toHaveAttribute', 'toHaveStatus',
  'toHaveEvent', 'toHaveRecordedException', 'toBeChildOf', 'toBeDescendantOf', 'toHaveSelfTimeWithin', 'toMatchBaseline',
  'toHaveLink', 'toStartAfter', 'toEndBefore', 'toRunInParallel', 'toHaveLog',
  'toBeOnCriticalPath', 'toMatchTraceTree',
] as const

/** The runners whose set-up file the stand-ins can name. */
export type SetUpRunner = 'vitest' | 'jest'

const SET_UP: Readonly<Record<SetUpRunner, string>> = {
  vitest: 'Please add the set-up file to vitest.config: `test: { setupFiles: [\'tracewright/instrument\', \'tracewright/vitest\'] }` ' +
    '(or call `expect.extend(tracewrightMatchers)` from \'tracewright/matchers\').',
  jest: 'Please add the set-up file to the Jest config: `setupFilesAfterEnv: [\'tracewright/jest\']`.',
}

/** The error a tracewright matcher throws when `tracewright/vitest` (or `tracewright/jest`) was not set up. */
export function matchersMissingError(matcher: string, runner: SetUpRunner = 'vitest'): UsageError {
  return new UsageError(
    `Failed to run ${matcher}(): tracewright's matchers are not registered in this ${runner === 'jest' ? 'Jest' : 'vitest'} run. ${SET_UP[runner]}`,
  )
}

/** vitest or Jest, told by what each keeps on the global; undefined in any other runner or none. */
function setUpRunner(): SetUpRunner | undefined {
  if ('__vitest_worker__' in globalThis) return 'vitest'
  // jest-circus's state, under a symbol of its own (see jest-runner.ts).
  if (Object.getOwnPropertySymbols(globalThis).some((s) => s.description === 'JEST_STATE_SYMBOL')) return 'jest'
  return undefined
}

/**
 * In a vitest worker or a Jest test file whose `expect` lacks tracewright's matchers, registers
 * stand-ins that throw {@link matchersMissingError}: without them, `expect(trace).toHaveSpan(…)`
 * fails with chai's "Invalid Chai property: toHaveSpan" (or Jest's "is not a function"), which
 * names neither tracewright nor the fix. A spec that uses no matcher is not affected, and
 * `expect.extend` with the real ones later replaces them.
 */
export function explainMissingMatchers(): void {
  const runner = setUpRunner()
  if (runner === undefined) return
  const scope = globalThis as Record<string | symbol, unknown>
  const registry = scope[JEST_MATCHERS_OBJECT] as { matchers?: Record<string, unknown> } | undefined
  const expect = scope[runner === 'vitest' ? GLOBAL_EXPECT : 'expect'] as { extend?: (matchers: Record<string, () => never>) => void } | undefined
  if (registry?.matchers === undefined || typeof expect?.extend !== 'function' || 'toHaveSpan' in registry.matchers) return
  expect.extend(Object.fromEntries(MATCHER_NAMES.map((name) => [name, () => { throw matchersMissingError(name, runner) }])))
}
