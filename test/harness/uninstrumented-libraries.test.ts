// The trap: a spec that imports an app using pg, with no `tracewright/instrument` set-up. pg loads
// unpatched, its queries make no spans, and a count of them passes on zero; the harness must say so.
import { channel } from 'node:diagnostics_channel'
import { request as httpRequest } from 'node:http'
import pg from 'pg'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { startService, Trace } from 'tracewright'
import { recordInstrumentation, uninstrumentedLibraries } from '../../src/harness/library-check.js'

describe('a known client library loaded without its instrumentation', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  test('startService warns, naming the library and the set-up that fixes it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const pool = new pg.Pool()
    const svc = await startService({ app: (_req, res) => res.end(String(typeof pool.query)) })
    try {
      const { trace } = await svc.request('GET /')
      expect(trace).toHaveSpanCount({ attributes: { 'db.system.name': 'postgresql' } }, 0)
      expect(warn).toHaveBeenCalledTimes(1)
      const message = String(warn.mock.calls[0]?.[0])
      expect(message).toMatch(/^tracewright: pg is loaded in the test process without OpenTelemetry instrumentation/)
      expect(message).toContain(`setupFiles: ['tracewright/instrument', 'tracewright/vitest']`)
    } finally {
      await svc.stop()
      await pool.end()
    }
  })

  test('a count expecting queries on such a trace points at the missing instrumentation', async () => {
    const svc = await startService({ app: (_req, res) => res.end() })
    try {
      const { trace } = await svc.request('GET /')
      expect(() => expect(trace).toHaveSpanCount({ attributes: { 'db.system.name': 'postgresql' } }, 1))
        .toThrow(/not instrumented: in-process, list 'tracewright\/instrument' first/)
    } finally {
      await svc.stop()
    }
  })

  test('outgoing fetch and node:http calls that left no span are called out once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const downstream = await startService({ app: (_req, res) => res.end('down') })
    const svc = await startService({
      app: async (req, res) => {
        if (req.url === '/fetch') await (await fetch(downstream.url)).text()
        else await new Promise((resolve) => httpRequest(downstream.url, (r) => r.resume().on('end', resolve)).end())
        res.end('ok')
      },
    })
    try {
      // Nothing instruments fetch or node:http in this file, so both are watched.
      expect(channel('undici:request:create').hasSubscribers).toBe(true)
      expect(channel('http.client.request.start').hasSubscribers).toBe(true)
      const { trace } = await svc.request('GET /fetch')
      expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, 0)
      const calls = warn.mock.calls.map((call) => String(call[0])).filter((m) => m.includes('outgoing HTTP call'))
      expect(calls).toEqual([expect.stringMatching(/^tracewright: while handling GET \/fetch the app made 1 outgoing HTTP call \(fetch, undici or node:http\), but its trace has no CLIENT span/)])
      // Once per process: the next uninstrumented call (node:http this time) stays quiet, and
      // with nothing left to say the watch is gone, so later requests pay nothing for it.
      expect(channel('undici:request:create').hasSubscribers).toBe(false)
      expect(channel('http.client.request.start').hasSubscribers).toBe(false)
      await svc.request('GET /http')
      expect(warn.mock.calls.filter((call) => String(call[0]).includes('outgoing HTTP call'))).toHaveLength(1)
    } finally {
      await svc.stop()
      await downstream.stop()
    }
  })

  test('an app that makes its own CLIENT spans for its calls is not warned about', async () => {
    const { trace: otelTrace } = await import('@opentelemetry/api')
    const { OutgoingCallWatch, uninstrumentedCallsMessage } = await import('../../src/harness/library-check.js')
    const watch = new OutgoingCallWatch()
    const downstream = await startService({ app: (_req, res) => res.end('down') })
    const svc = await startService({
      app: async (_req, res) => {
        await otelTrace.getTracer('app').startActiveSpan('GET', { kind: 2 }, async (span) => {
          await (await fetch(downstream.url)).text()
          span.end()
        })
        res.end('ok')
      },
    })
    try {
      const { trace } = await svc.request('GET /')
      const calls = watch.take(trace.traceId)
      expect(calls).toBe(1)
      expect(uninstrumentedCallsMessage(calls, trace, 'GET /')).toBeUndefined()
      // The same calls with the app's CLIENT span gone would be called out.
      const bare = new Trace(trace.spans().filter((span) => span.kind !== 'CLIENT'))
      expect(uninstrumentedCallsMessage(calls, bare, 'GET /')).toMatch(/made 1 outgoing HTTP call/)
    } finally {
      watch.stop()
      await svc.stop()
      await downstream.stop()
    }
  })

  test('instrumentation registered after the library loaded is named as too late', () => {
    recordInstrumentation()
    expect(uninstrumentedLibraries()).toContainEqual({ name: 'pg', loadedTooEarly: true })
  })
})
