// The trap: a spec that imports an app using pg, with no `tracewright/instrument` set-up. pg loads
// unpatched, its queries make no spans, and a count of them passes on zero; the harness must say so.
import pg from 'pg'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { startService } from 'tracewright'
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

  test('instrumentation registered after the library loaded is named as too late', () => {
    recordInstrumentation()
    expect(uninstrumentedLibraries()).toContainEqual({ name: 'pg', loadedTooEarly: true })
  })
})
