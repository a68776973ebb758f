import { trace as otelTrace } from '@opentelemetry/api'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { drawMeasureProgress, startService, TraceTimeoutError, UsageError } from 'tracewright'
import type { MeasureProgress } from 'tracewright'

const leaky = (_req: unknown, res: { end(): void }): void => {
  otelTrace.getTracer('test-app').startSpan('leaked span')
  res.end()
}

describe('time options carry their unit; the old names are deprecated aliases', () => {
  test('a settle timeout given by its old name still bounds the wait', async () => {
    const svc = await startService({ app: leaky, settleTimeout: 100 })
    try {
      const started = performance.now()
      const error = await svc.request('GET /').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toMatch(/within 100 ms/)
      // Not the 5,000 ms default: the alias was read.
      expect(performance.now() - started).toBeLessThan(4000)
    } finally {
      await svc.stop()
    }
  })

  test('request({ timeout }) and waitForSpan({ timeout }) still work as aliases of timeoutMs', async () => {
    const svc = await startService({ app: leaky })
    try {
      const error = await svc.request('GET /', { timeout: 100 }).catch((e: unknown) => e)
      expect((error as Error).message).toMatch(/within 100 ms/)
      const ok = await startService({ app: (_req, res) => res.end() })
      try {
        const { trace } = await ok.request('GET /')
        const missing = await ok.waitForSpan(trace, 'never', { timeout: 50 }).catch((e: unknown) => e)
        expect((missing as Error).message).toMatch(/within 50 ms\..*raise \{ timeoutMs \}/s)
      } finally {
        await ok.stop()
      }
    } finally {
      await svc.stop()
    }
  })

  test('a bad value is refused naming the …Ms option, and so are both names with different values', async () => {
    await expect(startService({ app: leaky, settleTimeoutMs: -1 })).rejects.toThrow(/^Failed to start service: settleTimeoutMs must be a number of milliseconds ≥ 0 such as 5000, got -1\.$/)
    await expect(startService({ app: leaky, requestTimeout: Number.NaN })).rejects.toThrow(/requestTimeoutMs must be a number of milliseconds ≥ 0/)
    const both = await startService({ app: leaky, settleTimeout: 100, settleTimeoutMs: 200 }).catch((e: unknown) => e)
    expect(both).toBeInstanceOf(UsageError)
    expect((both as Error).message).toMatch(/settleTimeoutMs and its deprecated alias settleTimeout are both given.*Please give only settleTimeoutMs\./)
    const svc = await startService({ app: (_req, res) => res.end() })
    try {
      const { trace } = await svc.request('GET /')
      await expect(svc.waitForSpan(trace, 'x', { timeoutMs: -5 })).rejects.toThrow(/Failed to wait for a span: timeoutMs must be/)
      await expect(svc.request('GET /', { timeoutMs: Number.POSITIVE_INFINITY })).rejects.toThrow(/Failed to send request: timeoutMs must be/)
    } finally {
      await svc.stop()
    }
  })
})

describe('measure() reports progress through onProgress, and writes nothing itself', () => {
  const tty = process.stderr.isTTY
  const ci = process.env['CI']
  afterEach(() => {
    process.stderr.isTTY = tty
    if (ci === undefined) delete process.env['CI']
    else process.env['CI'] = ci
    vi.restoreAllMocks()
  })

  test('every run is reported in order, warm-up first; stderr on a terminal stays untouched', async () => {
    // A terminal outside CI: where measure() used to draw its own progress line.
    process.stderr.isTTY = true
    delete process.env['CI']
    const written: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof process.stderr.write)
    const svc = await startService({ app: (_req, res) => res.end() })
    try {
      const seen: MeasureProgress[] = []
      const samples = await svc.measure('GET /', { runs: 2, warmup: 1, onProgress: (p) => seen.push(p) })
      expect(samples.runs).toBe(2)
      expect(seen).toEqual([
        { phase: 'warmup', done: 1, total: 3, finished: false },
        { phase: 'run', done: 2, total: 3, finished: false },
        { phase: 'run', done: 3, total: 3, finished: true },
      ])
    } finally {
      await svc.stop()
    }
    expect(written.filter((w) => w.includes('measuring'))).toEqual([])
  })

  test('drawMeasureProgress draws one line in place on a terminal, clears it at the end, and nothing off one', () => {
    delete process.env['CI']
    const terminal: string[] = []
    const draw = drawMeasureProgress({ isTTY: true, write: (t: string) => terminal.push(t) })
    draw({ phase: 'warmup', done: 1, total: 3, finished: false })
    draw({ phase: 'run', done: 2, total: 3, finished: false, verdicts: '1 slower, 2 open' })
    draw({ phase: 'run', done: 3, total: 3, finished: true })
    expect(terminal).toEqual(['\r\x1b[Ktracewright: measuring warm-up 1/3', '\r\x1b[Ktracewright: measuring run 2/3 · 1 slower, 2 open', '\r\x1b[K'])
    const log: string[] = []
    drawMeasureProgress({ isTTY: false, write: (t: string) => log.push(t) })({ phase: 'run', done: 1, total: 1, finished: true })
    expect(log).toEqual([])
  })
})
