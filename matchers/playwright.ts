/**
 * The Playwright Test entry: a `test` whose fixtures start the services under test once per worker
 * and give each test `traces`, which returns the backend traces of a browser action, and an
 * `expect` with every tracewright matcher.
 *
 * @example
 * ```ts
 * import { expect, test } from 'tracewright/playwright'
 *
 * test.use({ serviceOptions: { shop: { command: ['node', '--import', 'tracewright/register', 'server.mjs'], ready: { http: '/health' } } } })
 *
 * test('one SERVER span per click', async ({ page, services, traces }) => {
 *   await page.goto(services.shop.url)
 *   const [buy] = await traces.of(() => page.getByRole('button', { name: 'Buy' }).click())
 *   await expect(page.getByRole('listitem')).toHaveCount(1)
 *   expect(buy).toHaveSpanCount({ kind: 'SERVER' }, 1)
 * })
 * ```
 */
import '../src/node-version.js'
import { expect as playwrightExpect, test as base } from '@playwright/test'
import type { ExpectMatcherState, MatcherReturnType } from '@playwright/test'
import { BrowserTraces } from '../src/harness/browser-traces.js'
import { createPlaywrightAdapter } from '../src/harness/playwright-runner.js'
import { startService } from '../src/harness/start-service.js'
import type { StartServiceOptions } from '../src/harness/start-service.js'
import { setTestRunner } from '../src/harness/test-runner.js'
import type { Service } from '../src/harness/types.js'
import type { AsymmetricMatcherLike } from '../src/select/selector.js'
import { tracewrightMatchers } from './index.js'
import type { TracewrightMatchers } from './types.js'

export { BrowserTraces } from '../src/harness/browser-traces.js'
export type { TracesOfOptions } from '../src/harness/browser-traces.js'
export type { TracewrightMatchers } from './types.js'

/** The matchers as Playwright's `expect.extend` types them: each signature as under vitest. */
type PlaywrightMatchers = {
  [K in keyof TracewrightMatchers]: (this: ExpectMatcherState, received: unknown, ...args: Parameters<TracewrightMatchers[K]>) => MatcherReturnType
}

const extended = playwrightExpect.extend(tracewrightMatchers as unknown as PlaywrightMatchers)

/**
 * Playwright types its asymmetric matchers as plain records, which selectors cannot tell from an
 * attribute object; these signatures come first, and type the same objects as selectors take them.
 */
interface TypedAsymmetricMatchers {
  stringMatching(pattern: string | RegExp): AsymmetricMatcherLike
  stringContaining(text: string): AsymmetricMatcherLike
  any(type: unknown): AsymmetricMatcherLike
  anything(): AsymmetricMatcherLike
  closeTo(value: number, digits?: number): AsymmetricMatcherLike
}

/**
 * Playwright's `expect` with tracewright's matchers. The matchers are typed against vitest's
 * matcher state; they read only what Playwright's has too (isNot, utils), which
 * test/playwright/playwright.test.ts checks on every matcher.
 */
// The cast only retypes: the asymmetric matchers Playwright returns do have `asymmetricMatch`.
export const expect = extended as TypedAsymmetricMatchers & typeof extended

const adapter = createPlaywrightAdapter()
setTestRunner(adapter)

/** Worker-scoped option: the services to start, by name, as `startService` takes them. */
export interface TracewrightWorkerOptions {
  serviceOptions: Readonly<Record<string, StartServiceOptions>>
}

/** Worker-scoped fixture: the started services, by the names `serviceOptions` gave them. */
export interface TracewrightWorkerFixtures {
  services: Readonly<Record<string, Service>>
}

/** Test-scoped fixtures. */
export interface TracewrightTestFixtures {
  /** The backend traces of the page's actions: `await traces.of(() => page.click(…))`. */
  traces: BrowserTraces
  /** Connects the harness to the running test (automatic). */
  tracewrightTest: void
}

/**
 * Playwright's `test` with the tracewright fixtures. The services start once per worker, before
 * the first test that uses `services` or `traces`, and stop when the worker ends.
 */
export const test = base.extend<TracewrightTestFixtures, TracewrightWorkerOptions & TracewrightWorkerFixtures>({
  serviceOptions: [{}, { scope: 'worker', option: true }],
  services: [async ({ serviceOptions }, use) => {
    const started: Record<string, Service> = {}
    try {
      for (const [name, options] of Object.entries(serviceOptions)) started[name] = await startService({ name, ...options })
      await use(started)
    } finally {
      for (const service of Object.values(started).reverse()) await service.stop()
    }
  }, { scope: 'worker' }],
  tracewrightTest: [async ({}, use, testInfo) => {
    adapter.testStarted(testInfo)
    await use()
    await adapter.testFinished()
  }, { auto: true }],
  traces: async ({ page, services }, use) => {
    const traces = new BrowserTraces(page, Object.values(services))
    await traces.start()
    await use(traces)
    await traces.close()
  },
})
