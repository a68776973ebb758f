import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { trace as otelTrace } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCollector, startService, TraceStore, UsageError } from 'tracewright'
import type { Service } from 'tracewright'
import { TraceLimitError } from '../../src/collector/trace-store.js'
import { reportFigures } from './helpers.js'

/*
 * The store is bounded (spans per trace, traces held) and hitting a bound is never silent: the
 * request whose trace lost spans, or was released while it was still awaited, fails with the
 * numbers and the option to raise. Traces are released once the test that made them is over.
 */

const run = promisify(execFile)
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const loadSources = fixture('load-sources.mjs')

/** An in-process app that makes `?spans=N` child spans, each after `?wait=MS`. */
const spansApp = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> => {
  const url = new URL(req.url ?? '/', 'http://x')
  const spans = Number(url.searchParams.get('spans') ?? 0)
  const wait = Number(url.searchParams.get('wait') ?? 0)
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  for (let i = 0; i < spans; i++) otelTrace.getTracer('limits').startActiveSpan(`step ${i}`, (span) => span.end())
  res.end('ok')
}

describe('maxSpansPerTrace', () => {
  test('in-process: a request whose trace has more spans fails with TraceLimitError naming the numbers and the option', async () => {
    const svc = await startService({ app: spansApp, maxSpansPerTrace: 10 })
    try {
      const error = await svc.request('GET /?spans=25').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceLimitError)
      expect((error as TraceLimitError).code).toBe('ERR_TRACEWRIGHT_TRACE_LIMIT')
      expect((error as Error).message).toMatch(/more spans than maxSpansPerTrace \(10\), so \d+ spans? (was|were) dropped after the first 10/)
      expect((error as Error).message).toContain('Please raise maxSpansPerTrace (startService({ maxSpansPerTrace }) or startCollector({ maxSpansPerTrace }))')
      // Under the bound, the same service answers as usual.
      const { trace } = await svc.request('GET /?spans=8')
      expect(trace.spans()).toHaveLength(9)
    } finally {
      await svc.stop()
    }
  })

  test('child process: the same through the OTLP receiver', async () => {
    const svc = await startService({ command: [process.execPath, fixture('span-service.mjs')], ready: { log: 'listening' }, maxSpansPerTrace: 10 })
    try {
      const error = await svc.request('GET /work?spans=25').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceLimitError)
      expect((error as Error).message).toMatch(/maxSpansPerTrace \(10\).*dropped.*Please raise maxSpansPerTrace/s)
      expect(svc.store.droppedSpanCount((error as Error).message.match(/trace ([0-9a-f]{32})/)?.[1] ?? '')).toBeGreaterThan(0)
    } finally {
      await svc.stop()
    }
  })

  test('waitForSpan on a trace that drops late spans fails at once with the numbers, instead of timing out', async () => {
    const svc = await startService({
      maxSpansPerTrace: 3,
      app: (_req, res) => {
        res.end()
        setTimeout(() => {
          for (let i = 0; i < 5; i++) otelTrace.getTracer('limits').startActiveSpan(`late ${i}`, (span) => span.end())
        }, 20)
      },
    })
    try {
      const { trace } = await svc.request('GET /')
      const started = performance.now()
      const error = await svc.waitForSpan(trace, 'late 4', { timeoutMs: 5_000 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceLimitError)
      expect((error as Error).message).toMatch(/maxSpansPerTrace \(3\), so 1 span was dropped after the first 3/)
      expect(performance.now() - started).toBeLessThan(1_000)
    } finally {
      await svc.stop()
    }
  })
})

describe('maxTraces', () => {
  test('traces nobody waits for are released first; a request whose trace is released while awaited fails, the others lose nothing', async () => {
    const svc = await startService({ app: spansApp, maxTraces: 3 })
    try {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => svc.request('GET /?spans=4&wait=100')))
      const failed = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as Error)
      const passed = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<Service['request']>>>).value)
      expect(failed).toHaveLength(3)
      for (const error of failed) {
        expect(error).toBeInstanceOf(TraceLimitError)
        expect(error.message).toMatch(/more than maxTraces \(3\) traces were held at once, so it was released to make room \(\d+ traces? released so far\).*Please raise maxTraces/s)
      }
      for (const { trace } of passed) expect(trace.spans()).toHaveLength(5)
      // Finished requests' traces make room for new ones without failing anybody.
      for (let i = 0; i < 6; i++) expect((await svc.request('GET /?spans=1')).trace.spans()).toHaveLength(2)
      reportFigures('maxTraces', { concurrent: 6, maxTraces: 3, failedLoudly: failed.length, passedWhole: passed.length, evicted: svc.store.evictedTraceCount })
    } finally {
      await svc.stop()
    }
  })

  test('the bounds are options of startService ({ app } and { command }) and startCollector, checked up front', async () => {
    await expect(startService({ app: spansApp, maxSpansPerTrace: 0 })).rejects.toThrow(UsageError)
    await expect(startService({ app: spansApp, maxTraces: 1.5 })).rejects.toThrow(/maxTraces must be a positive integer, got 1.5/)
    await expect(startCollector({ maxTraces: -1 })).rejects.toThrow(/maxTraces must be a positive integer/)
    await expect(startCollector({ store: new TraceStore(), maxTraces: 5 })).rejects.toThrow(/pass them to `new TraceStore/)
    const collector = await startCollector({ grpc: false, maxSpansPerTrace: 7, maxTraces: 9 })
    try {
      expect([collector.store.maxSpansPerTrace, collector.store.maxTraces]).toEqual([7, 9])
      await expect(startService({ command: [process.execPath, fixture('span-service.mjs')], ready: { log: 'listening' }, collector, maxTraces: 5 }))
        .rejects.toThrow(/give them to startCollector/)
    } finally {
      await collector.stop()
    }
  })
})

describe('releasing traces once their test is over', () => {
  let svc: Service
  let fromBeforeAll = ''
  let fromFirstTest = ''
  let seenByFailedHook: boolean | undefined

  beforeAll(async () => {
    svc = await startService({ app: spansApp })
    fromBeforeAll = (await svc.request('GET /?spans=1')).trace.traceId
  })
  afterAll(() => svc.stop())

  test('a test makes a request', async () => {
    fromFirstTest = (await svc.request('GET /?spans=1')).trace.traceId
    expect(svc.store.has(fromFirstTest)).toBe(true)
  })

  test('the next test no longer holds it once it uses the service; a request made in beforeAll is kept', async () => {
    await svc.request('GET /?spans=1')
    expect(svc.store.has(fromFirstTest)).toBe(false)
    expect(svc.store.has(fromBeforeAll)).toBe(true)
  })

  test.fails('a failing test\'s onTestFailed hooks still see its traces', async ({ onTestFailed }) => {
    const { trace } = await svc.request('GET /?spans=1')
    onTestFailed(() => {
      seenByFailedHook = svc.store.trace(trace.traceId).spans().length === 2
    })
    expect(trace.spans()).toHaveLength(99)
  })

  test('(checks the hook above)', () => {
    expect(seenByFailedHook).toBe(true)
  })

  let fromConcurrentTest = ''
  test.concurrent('a concurrent test makes a request', async () => {
    fromConcurrentTest = (await svc.request('GET /?spans=1')).trace.traceId
  })

  test('concurrent tests keep their traces (vitest cannot tell them apart here), bounded by maxTraces', async () => {
    await svc.request('GET /?spans=1')
    expect(svc.store.has(fromConcurrentTest)).toBe(true)
  })

  test('outside vitest the harness never loads it, and maxTraces bounds what is kept', async () => {
    const { stdout } = await run(process.execPath, ['--import', loadSources, fixture('harness-script.mjs'), 'limits'])
    expect(JSON.parse(stdout)).toEqual({ inVitest: false, held: 5, evicted: 15, lastFiveKept: true })
  }, 30_000)
})
