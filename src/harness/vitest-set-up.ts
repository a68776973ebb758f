import { UsageError } from '../errors.js'

// Where vitest keeps the matchers `expect.extend` registered: one object per process, by symbol.
const JEST_MATCHERS_OBJECT = Symbol.for('$$jest-matchers-object')

/**
 * In a vitest worker whose `expect` lacks tracewright's matchers, throws a {@link UsageError}
 * naming the set-up. Without it, the first `expect(trace).toHaveSpan(…)` fails with chai's
 * "Invalid Chai property: toHaveSpan", which names neither tracewright nor the fix.
 */
export function assertMatchersRegistered(): void {
  if (!('__vitest_worker__' in globalThis)) return
  const registry = (globalThis as Record<symbol, unknown>)[JEST_MATCHERS_OBJECT] as { matchers?: Record<string, unknown> } | undefined
  // No registry at all: not vitest's expect after all; nothing to check against.
  if (registry?.matchers === undefined || 'toHaveSpan' in registry.matchers) return
  throw new UsageError(
    'Failed to start service: tracewright\'s matchers are not registered in this vitest run, so `expect(trace).toHaveSpan(…)` would fail with "Invalid Chai property: toHaveSpan". ' +
      'Please add the set-up file to vitest.config: `test: { setupFiles: [\'tracewright/instrument\', \'tracewright/vitest\'] }` ' +
      '(or call `expect.extend(tracewrightMatchers)` from \'tracewright/matchers\' before starting the service).',
  )
}
