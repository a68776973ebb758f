import { describe, expectTypeOf, test as vitestTest } from 'vitest'
import type { Page } from '@playwright/test'
import type { CapturedSpan, Service, Trace, TraceSamples } from 'tracewright'
import { expect, test } from 'tracewright/playwright'
import type { BrowserTraces, TracesOfOptions } from 'tracewright/playwright'

declare const trace: Trace
declare const span: CapturedSpan
declare const samples: TraceSamples

describe('tracewright/playwright', () => {
  vitestTest('Playwright\'s expect has every matcher, negated too, beside its own', () => {
    expect(trace).toHaveSpan({ name: expect.stringMatching(/^SELECT/), kind: 'CLIENT' })
    expect(trace).not.toHaveSpanCount('SELECT items', { min: 2 })
    expect(trace).toBeConnected()
    expect(span).toHaveAttribute('http.route', '/orders/:id')
    expect(span).toHaveStatus('ERROR', /sold out/)
    expect(span).toHaveRecordedException({ type: 'SoldOutError' })
    expect(span).toBeChildOf({ kind: 'SERVER' })
    expect(samples).toMatchBaseline({ durations: false })
    expectTypeOf(expect(trace).toHaveSpan).returns.toEqualTypeOf<MatcherResult>()
    // @ts-expect-error: not a status code
    expect(span).toHaveStatus('FAILED')
    // @ts-expect-error: a selector is required
    expect(trace).toHaveSpan()
  })

  vitestTest('the fixtures: services by name, traces.of returning traces, serviceOptions as startService takes them', () => {
    test.use({ serviceOptions: { shop: { command: ['node', 'server.mjs'], ready: { http: '/health' } }, api: { app: (_req, res) => res.end() } } })
    // @ts-expect-error: a service needs an app or a command
    test.use({ serviceOptions: { shop: { name: 'shop' } } })
    test('an action', async ({ page, services, traces }) => {
      expectTypeOf(page).toEqualTypeOf<Page>()
      expectTypeOf(services).toEqualTypeOf<Readonly<Record<string, Service>>>()
      expectTypeOf(traces).toEqualTypeOf<BrowserTraces>()
      expectTypeOf(traces.of).parameter(1).toEqualTypeOf<TracesOfOptions | undefined>()
      expectTypeOf(await traces.of(() => page.click('button'))).toEqualTypeOf<Trace[]>()
    })
  })
})

type MatcherResult = ReturnType<ReturnType<typeof expect<Trace>>['toBeConnected']>
