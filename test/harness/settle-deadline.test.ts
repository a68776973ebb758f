import { fileURLToPath } from 'node:url'
import { trace as otelTrace } from '@opentelemetry/api'
import { describe, expect, test } from 'vitest'
import { startService, TraceTimeoutError } from 'tracewright'
import { deadlineMargin, explainTimeout, waitBudget } from '../../src/harness/test-deadline.js'

const plainService = fileURLToPath(new URL('../fixtures/services/plain-esm.mjs', import.meta.url))

describe('settling inside the test\'s own timeout', () => {
  // The trap: the child-process settle timeout (10 s) outlived vitest's 5 s test timeout, so a
  // service started without the register hook ended in a bare "Test timed out in 5000ms".
  test('a service that exports nothing fails the request with the diagnosis, before vitest\'s 5 s timeout', async () => {
    const svc = await startService({ command: [process.execPath, plainService], ready: { http: '/health' }, name: 'uninstrumented' })
    try {
      const error = await svc.request('GET /hello').then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      const message = (error as Error).message
      expect(message).toContain('Likely causes:')
      expect(message).toContain('no spans ever arrived from this service: is it instrumented, e.g. `--import tracewright/register`')
      expect(message).toMatch(/the wait was cut to \d+ ms to end inside the test's 5000 ms timeout/)
    } finally {
      await svc.stop()
    }
  }, 5000)

  test('an in-process service\'s very first request is cut to the test\'s timeout too', async () => {
    // A span the app starts and never ends: the trace never settles.
    const svc = await startService({ app: (_req, res) => { otelTrace.getTracer('app').startSpan('never ends'); res.end() }, settleTimeoutMs: 60_000 })
    try {
      const error = await svc.request('GET /').then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toContain('"never ends"')
      expect((error as Error).message).toMatch(/the wait was cut to \d+ ms to end inside the test's 1500 ms timeout/)
    } finally {
      await svc.stop()
    }
  }, 1500)

  test('an in-process span that never comes fails waitForSpan inside the test\'s timeout, naming the cut', async () => {
    const svc = await startService({ app: (_req, res) => res.end() })
    try {
      const { trace } = await svc.request('GET /')
      const error = await svc.waitForSpan(trace, 'never', { timeoutMs: 60_000 }).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toMatch(/the wait was cut to \d+ ms to end inside the test's 2000 ms timeout/)
    } finally {
      await svc.stop()
    }
  }, 2000)

  test('the budget keeps the configured wait when the test has time, and cuts it a margin before the deadline', () => {
    const now = 1_000_000
    expect(waitBudget(1000, { timeout: 5000, result: { startTime: now } }, now)).toEqual({ ms: 1000 })
    expect(waitBudget(10_000, { timeout: 5000, result: { startTime: now - 1000 } }, now)).toEqual({ ms: 3500, testTimeoutMs: 5000 })
    expect(waitBudget(10_000, undefined, now)).toEqual({ ms: 10_000 })
    expect(waitBudget(10_000, { timeout: 0, result: { startTime: now } }, now)).toEqual({ ms: 10_000 })
    expect(deadlineMargin(1000)).toBe(100)
  })

  test('the diagnosis names the likeliest cause the harness can tell', () => {
    const timeout = new TraceTimeoutError('Failed to settle trace abc within 1000 ms.')
    const causes = (facts: Parameters<typeof explainTimeout>[1]): string => explainTimeout(timeout, facts).message
    expect(causes({ budget: { ms: 1000 }, serviceSpans: 0, traceSpans: 0, exported: true }))
      .toContain('- no spans ever arrived from this service: is it instrumented, e.g. `--import tracewright/register`')
    expect(causes({ budget: { ms: 1000 }, serviceSpans: 12, traceSpans: 0, exported: true }))
      .toContain('- spans arrive from this service, but none for this request\'s trace: does the service continue the incoming `traceparent`')
    expect(causes({ budget: { ms: 800, testTimeoutMs: 1000 }, serviceSpans: 12, traceSpans: 3, exported: true }))
      .toMatch(/Likely causes:\n- the wait was cut to 800 ms to end inside the test's 1000 ms timeout/)
    // Nothing the harness can add: the settle error stands as it is.
    expect(explainTimeout(timeout, { budget: { ms: 1000 }, serviceSpans: 12, traceSpans: 3, exported: true })).toBe(timeout)
  })
})
