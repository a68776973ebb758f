import { request } from 'undici'
import { context } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startService, TraceTimeoutError } from 'tracewright'
import type { Service } from 'tracewright'

// svc.startTrace(): the trace of a request someone else sends (tracewright/playwright's browser
// pages), here a plain undici request carrying the traceparent it hands out.
describe('svc.startTrace()', () => {
  let svc: Service
  beforeAll(async () => { svc = await startService({ app: (_req, res) => res.end('ok'), name: 'foreign' }) })
  afterAll(() => svc?.stop())

  // Sent outside any tracing of the test process, as a browser's request is.
  const send = (traceparent?: string) => context.with(suppressTracing(context.active()), () =>
    request(`${svc.url}/hello`, { headers: traceparent === undefined ? {} : { traceparent } }).then((r) => r.body.text()))

  test('a request carrying its traceparent yields that trace, with the service\'s SERVER span under the harness\'s span', async () => {
    const foreign = svc.startTrace()
    expect(foreign.traceparent).toMatch(new RegExp(`^00-${foreign.traceId}-[0-9a-f]{16}-01$`))
    expect(await send(foreign.traceparent)).toBe('ok')
    const trace = await foreign.settled()
    expect(trace.traceId).toBe(foreign.traceId)
    expect(trace).toHaveSpanCount({ kind: 'SERVER', service: 'foreign' }, 1)
    expect(trace.root.parentSpanId).toBe(foreign.traceparent.slice(36, 52))
  })

  test('two traces started side by side stay apart', async () => {
    const [a, b] = [svc.startTrace(), svc.startTrace()]
    expect(a.traceId).not.toBe(b.traceId)
    await Promise.all([send(a.traceparent), send(b.traceparent)])
    const [ta, tb] = await Promise.all([a.settled(), b.settled()])
    expect(ta.spans().map((s) => s.traceId)).toEqual([a.traceId])
    expect(tb.spans().map((s) => s.traceId)).toEqual([b.traceId])
  })

  test('a trace whose request was never sent fails settling with a TraceTimeoutError naming it', async () => {
    await send()
    const unsent = svc.startTrace()
    const error = await unsent.settled(300).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(TraceTimeoutError)
    expect((error as Error).message).toContain(unsent.traceId)
  })
})
