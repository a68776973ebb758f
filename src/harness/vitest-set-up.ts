import { UsageError } from '../errors.js'

// Where vitest keeps the matchers `expect.extend` registered, and its global `expect`, by symbol.
const JEST_MATCHERS_OBJECT = Symbol.for('$$jest-matchers-object')
const GLOBAL_EXPECT = Symbol.for('expect-global')

/** The names of tracewright's matchers (`tracewright/matchers`; a test keeps the two in step). */
export const MATCHER_NAMES = [
  'toBeConnected', 'toFollowTraceConventions', 'toHaveSpan', 'toHaveSpanCount', 'toCompleteWithin', 'toHaveAttribute', 'toHaveStatus',
  'toHaveEvent', 'toHaveRecordedException', 'toBeChildOf', 'toBeDescendantOf', 'toHaveSelfTimeWithin', 'toMatchBaseline',
  'toHaveLink', 'toStartAfter', 'toEndBefore', 'toRunInParallel', 'toHaveLog',
  'toBeOnCriticalPath', 'toMatchTraceTree',
] as const

/** The error a tracewright matcher throws when `tracewright/vitest` was not set up. */
export function matchersMissingError(matcher: string): UsageError {
  return new UsageError(
    `Failed to run ${matcher}(): tracewright's matchers are not registered in this vitest run. ` +
      'Please add the set-up file to vitest.config: `test: { setupFiles: [\'tracewright/instrument\', \'tracewright/vitest\'] }` ' +
      '(or call `expect.extend(tracewrightMatchers)` from \'tracewright/matchers\').',
  )
}

/**
 * In a vitest worker whose `expect` lacks tracewright's matchers, registers stand-ins that throw
 * {@link matchersMissingError}: without them, `expect(trace).toHaveSpan(…)` fails with chai's
 * "Invalid Chai property: toHaveSpan", which names neither tracewright nor the fix. A spec that
 * uses no matcher is not affected, and `expect.extend` with the real ones later replaces them.
 */
export function explainMissingMatchers(): void {
  if (!('__vitest_worker__' in globalThis)) return
  const scope = globalThis as Record<symbol, unknown>
  const registry = scope[JEST_MATCHERS_OBJECT] as { matchers?: Record<string, unknown> } | undefined
  const expect = scope[GLOBAL_EXPECT] as { extend?: (matchers: Record<string, () => never>) => void } | undefined
  if (registry?.matchers === undefined || typeof expect?.extend !== 'function' || 'toHaveSpan' in registry.matchers) return
  expect.extend(Object.fromEntries(MATCHER_NAMES.map((name) => [name, () => { throw matchersMissingError(name) }])))
}
