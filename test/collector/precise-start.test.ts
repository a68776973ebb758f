import { fileURLToPath } from 'node:url'
import { trace as otelTrace } from '@opentelemetry/api'
import { describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { CapturedSpan, Service, Trace } from 'tracewright'

// The JS SDK takes a span's start from Date.now(), a whole millisecond, and its end from that start
// plus a precise duration. Spans awaited one after another then appear, about every other pair, to
// overlap by a fraction of a millisecond. Both capture paths move such spans to the precise instant
// they started, so the order a process ran things in is the order of their timestamps.

const SPANS = 60
const spanService = fileURLToPath(new URL('../reliability/fixtures/span-service.mjs', import.meta.url))

/** Steps 0…n-1 of the trace, in step order. */
function steps(trace: Trace): CapturedSpan[] {
  return [...trace.spans(/^step \d+$/)].sort((a, b) => Number(a.attributes['step']) - Number(b.attributes['step']))
}

/** The pairs of consecutive steps whose timestamps say the later one started before the earlier ended. */
function outOfOrder(trace: Trace): string[] {
  const all = steps(trace)
  expect(all).toHaveLength(SPANS)
  return all.slice(1).flatMap((next, i) => {
    const previous = all[i] as CapturedSpan
    return next.start < previous.end ? [`step ${i + 1} starts ${Number(previous.end - next.start) / 1e3} µs before step ${i} ends`] : []
  })
}

async function withService<T>(svc: Service, work: (svc: Service) => Promise<T>): Promise<T> {
  try {
    return await work(svc)
  } finally {
    await svc.stop()
  }
}

describe('the JS SDK\'s millisecond starts are made precise', () => {
  test('in-process: spans ended one after another never appear to overlap', async () => {
    const tracer = () => otelTrace.getTracer('precise-start-test')
    await withService(await startService({
      app: (_req, res) => {
        for (let i = 0; i < SPANS; i++) tracer().startSpan(`step ${i}`, { attributes: { step: i } }).end()
        res.end()
      },
    }), async (svc) => {
      const { trace } = await svc.request('GET /')
      expect(outOfOrder(trace)).toEqual([])
      // Not whole milliseconds any more: the precise instants.
      expect(steps(trace).filter((s) => s.start % 1_000_000n !== 0n).length).toBeGreaterThan(SPANS / 2)
    })
  })

  test('child process with the harness processor: the same, after export over OTLP', async () => {
    await withService(await startService({
      command: [process.execPath, spanService], env: { SPAN_CHANNEL: '1' }, ready: { log: 'listening' },
    }), async (svc) => {
      const { trace } = await svc.request(`GET /work?spans=${SPANS}`)
      expect(outOfOrder(trace)).toEqual([])
    })
  })

  test('a start the caller gave is kept as given', async () => {
    const given: [number, number] = [1_700_000_000, 123_000_000]
    await withService(await startService({
      app: (_req, res) => {
        otelTrace.getTracer('precise-start-test').startSpan('given', { startTime: given }).end([1_700_000_000, 223_000_000])
        res.end()
      },
    }), async (svc) => {
      const { trace } = await svc.request('GET /')
      const span = trace.span('given')
      expect(span.start).toBe(1_700_000_000_123_000_000n)
      expect(span.end).toBe(1_700_000_000_223_000_000n)
    })
  })
})
