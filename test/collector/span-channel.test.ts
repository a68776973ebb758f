import { createConnection } from 'node:net'
import type { Socket } from 'node:net'
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api'
import type { Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { QuietWindow } from '../../src/collector/quiet-window.js'
import { RootFlushProcessor } from '../../src/collector/root-flush-processor.js'
import { settleTrace } from '../../src/collector/settle.js'
import { startCollector } from '../../src/collector/start-collector.js'
import type { Collector } from '../../src/collector/start-collector.js'
import { newHarnessIds } from '../../src/harness/traced-request.js'
import { TraceStore } from '../../src/collector/trace-store.js'
import { TraceTimeoutError } from '../../src/errors.js'
import type { CapturedSpan } from '../../src/model/captured-span.js'

/*
 * The exact rule over the span channel, with the real pieces of a `tracewright/register` process
 * (its RootFlushProcessor, the official OTLP exporter, a socket to the collector's channel) but
 * driven span by span, so the order of events is the test's to choose. Two providers stand for two
 * service processes, each with its own connection.
 */

let collector: Collector
const processes: Array<{ provider: BasicTracerProvider; socket: Socket; tracer: Tracer }> = []

function serviceProcess(name: string): { provider: BasicTracerProvider; socket: Socket; tracer: Tracer } {
  const socket = createConnection(collector.spanChannel.path)
  const exporter = new OTLPTraceExporter({ url: `${collector.endpoint}/v1/traces` })
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name }),
    spanProcessors: [new RootFlushProcessor(exporter, socket)],
  })
  const made = { provider, socket, tracer: provider.getTracer(name) }
  processes.push(made)
  return made
}

/** A context whose active span is a remote parent, as the propagator makes it from a traceparent. */
function remoteParent(traceId: string, spanId: string): ReturnType<typeof trace.setSpanContext> {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(async () => {
  collector = await startCollector({ grpc: false })
})
afterAll(async () => {
  for (const { provider, socket } of processes) {
    await provider.shutdown()
    socket.destroy()
  }
  await collector.stop()
})

describe('settling over the span channel', () => {
  test('settles when the entry process says its spans are exported, with every span in, not before', async () => {
    const { tracer } = serviceProcess('entry')
    const { traceId, spanId } = newHarnessIds()
    collector.store.begin(traceId)
    const entry = tracer.startSpan('GET /work', {}, remoteParent(traceId, spanId))
    const inEntry = trace.setSpan(ROOT_CONTEXT, entry)
    const children = Array.from({ length: 600 }, (_, i) => tracer.startSpan(`step ${i}`, {}, inEntry))
    let settledAt = 0
    const settled = settleTrace(collector.store, traceId, { harnessSpanId: spanId, quietMs: 0, missingParentGraceMs: 50, timeoutMs: 5000, onSettled: () => { settledAt = performance.now() } })
    for (const child of children) child.end()
    await tick(50)
    // Children ended and exported in pieces; the entry is open, so the trace is not settled.
    expect(settledAt).toBe(0)
    entry.end()
    const t = await settled
    expect(t.size).toBe(601)
    expect(collector.store.trace(traceId).size).toBe(601)
  })

  test('a downstream process that reported its root is waited for, though the entry process finished first', async () => {
    const upstream = serviceProcess('upstream')
    const downstream = serviceProcess('downstream')
    const { traceId, spanId } = newHarnessIds()
    collector.store.begin(traceId)
    const entry = upstream.tracer.startSpan('GET /checkout', {}, remoteParent(traceId, spanId))
    const call = upstream.tracer.startSpan('POST /pay', {}, trace.setSpan(ROOT_CONTEXT, entry))
    const server = downstream.tracer.startSpan('POST /pay', {}, remoteParent(traceId, call.spanContext().spanId))
    await tick(20)
    call.end()
    entry.end()
    let done = false
    const settled = settleTrace(collector.store, traceId, { harnessSpanId: spanId, quietMs: 0, missingParentGraceMs: 50, timeoutMs: 5000 }).then((t) => {
      done = true
      return t
    })
    await tick(150)
    expect(done).toBe(false)
    expect(collector.store.trace(traceId).size).toBe(2)
    server.end()
    const t = await settled
    expect(t.size).toBe(3)
  })

  test('a span that never ends fails with a TraceTimeoutError naming it', async () => {
    const { tracer } = serviceProcess('stuck')
    const { traceId, spanId } = newHarnessIds()
    collector.store.begin(traceId)
    const entry = tracer.startSpan('GET /stuck', {}, remoteParent(traceId, spanId))
    tracer.startSpan('never ends', {}, trace.setSpan(ROOT_CONTEXT, entry))
    entry.end()
    const settled = settleTrace(collector.store, traceId, { harnessSpanId: spanId, quietMs: 0, missingParentGraceMs: 50, timeoutMs: 400 })
    await expect(settled).rejects.toThrow(TraceTimeoutError)
    await expect(settled).rejects.toThrow(/"never ends"/)
  })
})

describe('the E line: the spans a finished process is still exporting', () => {
  const span = (traceId: string, spanId: string, parentSpanId: string): CapturedSpan => ({
    traceId, spanId, parentSpanId, name: spanId, kind: 'INTERNAL', start: 0n, end: 1n, durationMs: 0,
    status: { code: 'UNSET' }, attributes: {}, events: [], links: [], resource: {}, scope: { name: 'test' },
  })

  test('a process is done once the spans it named are stored, without its D line', () => {
    const store = new TraceStore()
    const { traceId, spanId: harness } = newHarnessIds()
    store.begin(traceId)
    store.reportRoot(traceId, 1, 'a'.repeat(16), harness, 'GET /work')
    store.reportExpected(traceId, 1, ['a'.repeat(16), 'b'.repeat(16)])
    expect(store.channelState(traceId, harness).allDone).toBe(false)
    store.add(span(traceId, 'b'.repeat(16), 'a'.repeat(16)))
    expect(store.channelState(traceId, harness).allDone).toBe(false)
    store.add(span(traceId, 'a'.repeat(16), harness))
    expect(store.channelState(traceId, harness).allDone).toBe(true)
  })

  test('a new local root of the same process owes its own line: spans named for the earlier root do not cover it', () => {
    const store = new TraceStore()
    const { traceId, spanId: harness } = newHarnessIds()
    store.begin(traceId)
    store.reportRoot(traceId, 1, 'a'.repeat(16), harness, 'GET /work')
    store.reportExpected(traceId, 1, ['a'.repeat(16)])
    store.reportRoot(traceId, 1, 'c'.repeat(16), 'd'.repeat(16), 'GET /again')
    store.add(span(traceId, 'a'.repeat(16), harness))
    expect(store.channelState(traceId, harness).allDone).toBe(false)
    store.reportDone(traceId, 1)
    expect(store.channelState(traceId, harness).allDone).toBe(true)
  })

  test('the real processor names every span of a finished trace, and the trace settles whole', async () => {
    const { tracer, socket } = serviceProcess('named')
    const lines: string[] = []
    const write = socket.write.bind(socket)
    socket.write = ((chunk: string, ...rest: never[]) => {
      lines.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof socket.write
    const { traceId, spanId } = newHarnessIds()
    collector.store.begin(traceId)
    const entry = tracer.startSpan('GET /named', {}, remoteParent(traceId, spanId))
    const inEntry = trace.setSpan(ROOT_CONTEXT, entry)
    const children = Array.from({ length: 3 }, (_, i) => tracer.startSpan(`step ${i}`, {}, inEntry))
    const settled = settleTrace(collector.store, traceId, { harnessSpanId: spanId, quietMs: 0, missingParentGraceMs: 50, timeoutMs: 5000 })
    for (const child of children) child.end()
    entry.end()
    const t = await settled
    expect(t.size).toBe(4)
    const named = lines.join('').split('\n').find((line) => line.startsWith(`E ${traceId} `))
    expect(named?.split(' ').slice(2).sort()).toEqual([entry, ...children].map((s) => s.spanContext().spanId).sort())
  })
})

describe('the learned quiet window', () => {
  test('holds the warm-up window for the first traces, then twice the longest recent straggle, between floor and cap', () => {
    const window = new QuietWindow({ floorMs: 5, warmupMs: 70, capMs: 1000 })
    expect(window.ms).toBe(70)
    for (let i = 0; i < 7; i++) window.observe(0)
    expect(window.ms).toBe(70)
    window.observe(1)
    expect(window.ms).toBe(5)
    window.observe(12)
    expect(window.ms).toBe(25)
    window.observe(5000)
    expect(window.ms).toBe(1000)
  })

  test('forgets a straggle once 128 newer ones were seen', () => {
    const window = new QuietWindow({ floorMs: 5, warmupMs: 0, capMs: 1000 })
    window.observe(40)
    for (let i = 0; i < 127; i++) window.observe(1)
    expect(window.ms).toBe(81)
    window.observe(1)
    expect(window.ms).toBe(5)
  })
})
