import { fileURLToPath } from 'node:url'
import { trace as otelTrace } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { Service } from 'tracewright'
import { envInt, forEachLimited, percentile, reportFigures } from './helpers.js'

/*
 * Isolation under load: many concurrent tests send TRACEWRIGHT_LOAD_REQUESTS requests in all
 * (default 10,000: half through one in-process service, half through one child process with its
 * own SDK exporting over OTLP) and every trace must hold exactly its own request's spans: none
 * lost, none from another request. Each request makes 1–4 child spans tagged with a marker only
 * it knows. Settle lag (from the entry span's end to the trace being handed to the test) is
 * reported. Then clock skew: a child span that starts before its parent.
 */

const REQUESTS = envInt('TRACEWRIGHT_LOAD_REQUESTS', 10_000)
const TESTS_PER_MODE = envInt('TRACEWRIGHT_LOAD_TESTS', 20)
const IN_FLIGHT_PER_TEST = 10
const PER_TEST = Math.ceil(REQUESTS / 2 / TESTS_PER_MODE)

const spanService = fileURLToPath(new URL('./fixtures/span-service.mjs', import.meta.url))
const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))

/** The in-process twin of fixtures/span-service.mjs: `?spans=N` marked child spans, `?skew=MS`. */
const inProcessApp = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> => {
  const url = new URL(req.url ?? '/', 'http://x')
  const marker = String(req.headers['x-marker'] ?? '')
  const spans = Number(url.searchParams.get('spans') ?? 1)
  const skew = Number(url.searchParams.get('skew') ?? 0)
  const tracer = otelTrace.getTracer('load')
  // Skew is measured from the entry span's start (an SDK span's start time is [seconds, nanoseconds]).
  const entryStart = (otelTrace.getActiveSpan() as unknown as { startTime?: [number, number] } | undefined)?.startTime
  const started = entryStart === undefined ? Date.now() : entryStart[0] * 1000 + entryStart[1] / 1e6
  for (let i = 0; i < spans; i++) {
    // Yield between spans so concurrent requests interleave their spans in the store.
    await new Promise((resolve) => setImmediate(resolve))
    tracer.startSpan(`step ${i}`, { attributes: { marker, step: i }, ...(i === 0 && skew > 0 ? { startTime: started - skew } : {}) }).end()
  }
  res.end(marker)
}

const modes = [
  ['in-process', () => startService({ app: inProcessApp, name: 'load-in-process' })],
  ['child process', () => startService({ command: [process.execPath, spanService], ready: { log: 'listening' }, name: 'load-child' })],
] as const

describe.each(modes)('%s: concurrent tests through one service and collector', (mode, start) => {
  let svc: Service
  const tally = { requests: 0, spans: 0, lost: 0, foreign: 0, settleMs: [] as number[], started: 0 }

  beforeAll(async () => {
    svc = await start()
    tally.started = performance.now()
  })
  afterAll(() => svc?.stop())

  test.concurrent.each(Array.from({ length: TESTS_PER_MODE }, (_, i) => i))(`test %i sends ${PER_TEST} requests, ${IN_FLIGHT_PER_TEST} at a time`, async (t) => {
    await forEachLimited(Array.from({ length: PER_TEST }, (_, i) => i), IN_FLIGHT_PER_TEST, async (i) => {
      const marker = `${mode}-${t}-${i}`
      const children = 1 + (i % 4)
      const { response, trace } = await svc.request(`GET /work?spans=${children}`, { headers: { 'x-marker': marker } })
      tally.settleMs.push(Number(nowNs() - trace.root.end) / 1e6)
      expect(response.text).toBe(marker)
      const marked = trace.spans({ attributes: { marker: expect.anything() } })
      const own = marked.filter((s) => s.attributes['marker'] === marker && s.traceId === trace.traceId)
      const steps = own.filter((s) => s.name.startsWith('step '))
      tally.requests++
      tally.spans += trace.size
      tally.lost += children - steps.length
      tally.foreign += marked.length - own.length
      expect(steps).toHaveLength(children)
      expect(marked.length - own.length).toBe(0)
      expect(trace.roots).toHaveLength(1)
    })
  }, 120_000)

  test('the store holds exactly the spans of the requests sent, each trace one request\'s', () => {
    const seconds = (performance.now() - tally.started) / 1000
    let stored = 0
    let mixed = 0
    for (const traceId of svc.store.traceIds()) {
      const spans = svc.store.spans(traceId)
      stored += spans.length
      const markers = new Set(spans.map((s) => s.attributes['marker']).filter((m) => m !== undefined))
      if (markers.size > 1) mixed++
    }
    reportFigures(`load, ${mode}`, {
      tests: TESTS_PER_MODE, requests: tally.requests, spans: tally.spans, lost: tally.lost, misattributed: tally.foreign,
      tracesMixingRequests: mixed, requestsPerSecond: tally.requests / seconds,
      settleP50Ms: percentile(tally.settleMs, 50), settleP95Ms: percentile(tally.settleMs, 95),
      settleP99Ms: percentile(tally.settleMs, 99), settleMaxMs: percentile(tally.settleMs, 100),
    })
    expect(tally.requests).toBe(PER_TEST * TESTS_PER_MODE)
    expect(tally.lost).toBe(0)
    expect(tally.foreign).toBe(0)
    expect(mixed).toBe(0)
    expect(stored).toBe(tally.spans)
  })
})

describe.each(modes)('%s: a child span that starts before its parent (clock skew)', (_mode, start) => {
  let svc: Service
  beforeAll(async () => {
    svc = await start()
  })
  afterAll(() => svc?.stop())

  test.each([1, 5, 20])('by %i ms: the tree, root, durations and self times stay right', async (skew) => {
    const { trace } = await svc.request(`GET /work?spans=3&skew=${skew}`, { headers: { 'x-marker': 'skew' } })
    const early = trace.span('step 0')
    const root = trace.root
    expect(root.kind).toBe('SERVER')
    expect(trace.roots).toEqual([root])
    expect(early).toBeChildOf(root)
    expect(early.start < root.start).toBe(true)
    expect(Number(root.start - early.start) / 1e6).toBeGreaterThanOrEqual(skew - 1)
    expect(trace.children(root).map((s) => s.name).sort()).toEqual(['step 0', 'step 1', 'step 2'])
    for (const span of trace.spans()) {
      expect(span.durationMs).toBeGreaterThanOrEqual(0)
      expect(span.durationMs).toBeCloseTo(Number(span.end - span.start) / 1e6, 6)
      expect(trace.selfTimeMs(span)).toBeGreaterThanOrEqual(0)
      expect(trace.selfTimeMs(span)).toBeLessThanOrEqual(span.durationMs)
    }
    // The trace runs from the earliest start (the skewed child) to the latest end.
    const spans = trace.spans()
    const latestEnd = spans.reduce((end, s) => (s.end > end ? s.end : end), 0n)
    expect(spans.every((s) => s.start >= early.start)).toBe(true)
    expect(trace.durationMs).toBeCloseTo(Number(latestEnd - early.start) / 1e6, 3)
    expect(trace.durationMs).toBeGreaterThanOrEqual(root.durationMs)
    expect(trace.toString()).toMatch(/GET[\s\S]*step 0/)
  })
})
