import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { trace as otelTrace } from '@opentelemetry/api'
import { startService, TraceTimeoutError } from 'tracewright'
import type { Service } from 'tracewright'

// What `tracewright/jest` connects besides the matchers: Jest has no onTestFinished and no public
// test timeout, so these are the parts its adapter supplies.
describe('the harness under Jest', () => {
  let svc: Service
  let earlier: string | undefined

  beforeAll(async () => {
    svc = await startService({ app: (_req, res) => { otelTrace.getTracer('app').startActiveSpan('work', (span) => span.end()); res.end() } })
  })
  afterAll(() => svc?.stop())

  test('a test\'s traces stay in the store while it runs', async () => {
    const { trace } = await svc.request('GET /first')
    earlier = trace.traceId
    expect(svc.store.has(earlier)).toBe(true)
  })

  test('and are released once it is over, at the next request', async () => {
    expect(earlier).toBeDefined()
    const { trace } = await svc.request('GET /second')
    expect(svc.store.has(earlier as string)).toBe(false)
    expect(svc.store.has(trace.traceId)).toBe(true)
  })

  test('a trace that never settles fails inside the test\'s own timeout, saying so', async () => {
    const stuck = await startService({ app: (_req, res) => { otelTrace.getTracer('app').startSpan('never ends'); res.end() }, settleTimeoutMs: 60_000 })
    try {
      const error = await stuck.request('GET /').then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toMatch(/the wait was cut to \d+ ms to end inside the test's 1500 ms timeout/)
    } finally {
      await stuck.stop()
    }
  }, 1500)
})
