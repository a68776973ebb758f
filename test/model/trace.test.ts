import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace as otelTrace, TraceFlags } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { describe, expect, test } from 'vitest'
import { renderTrace, selfTimeMs, SpanLookupError, toCapturedSpan, Trace, traceOf } from 'tracewright'
import type { CapturedSpan } from 'tracewright'
import {
  buildTrace,
  CountingIdGenerator,
  FIXTURE_SCOPE,
  fixtureSpanId,
  fixtureTraceId,
  hrTimeAt,
  INVENTORY_STACK,
  nanosAt,
  ordersTrace,
  SDK_RESOURCE,
} from '../fixtures/build-trace.js'
import { checkoutTrace } from '../fixtures/checkout-trace.js'
import { errorOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const names = (spans: readonly CapturedSpan[]): string[] => spans.map((s) => s.name)

describe('the tree', () => {
  test('root, roots and size', () => {
    expect(trace.root.name).toBe('GET /orders/:id')
    expect(trace.root.parentSpanId).toBeUndefined()
    expect(names(trace.roots)).toEqual(['GET /orders/:id'])
    expect(trace.size).toBe(8)
    expect(trace.traceId).toBe(fixtureTraceId(1))
  })

  test('spans() are in start order', () => {
    expect(names(trace.spans())).toEqual(['GET /orders/:id', 'SELECT orders', 'SELECT items', 'SELECT items', 'SELECT items', 'GET', 'GET /stock/:sku', 'compute total'])
  })

  test('spans starting together are ordered by name, whatever order they arrive in', () => {
    const spans = buildTrace({ name: 'p', startMs: 0, endMs: 5, children: [{ name: 'b', startMs: 1, endMs: 2 }, { name: 'a', startMs: 1, endMs: 2 }] }).spans()
    expect(names(new Trace([...spans].reverse()).spans())).toEqual(['p', 'a', 'b'])
  })

  test('children, in start order; of the root by default', () => {
    const kids = ['SELECT orders', 'SELECT items', 'SELECT items', 'SELECT items', 'GET', 'compute total']
    expect(names(trace.children(trace.root))).toEqual(kids)
    expect(names(trace.children())).toEqual(kids)
    expect(names(trace.children(trace.span('GET')))).toEqual(['GET /stock/:sku'])
    expect(trace.children(trace.span('compute total'))).toEqual([])
  })

  test('descendants, depth first; of the root by default', () => {
    const all = ['SELECT orders', 'SELECT items', 'SELECT items', 'SELECT items', 'GET', 'GET /stock/:sku', 'compute total']
    expect(names(trace.descendants())).toEqual(all)
    expect(names(trace.descendants(trace.root))).toEqual(all)
    expect(names(trace.descendants(trace.span('GET')))).toEqual(['GET /stock/:sku'])
    expect(trace.descendants(trace.span('GET /stock/:sku'))).toEqual([])
  })

  test('parent and ancestors, nearest first', () => {
    const stock = trace.span('GET /stock/:sku')
    expect(trace.parent(stock)?.name).toBe('GET')
    expect(trace.parent(trace.root)).toBeUndefined()
    expect(names(trace.ancestors(stock))).toEqual(['GET', 'GET /orders/:id'])
    expect(trace.ancestors(trace.root)).toEqual([])
  })

  test('spanById', () => {
    expect(trace.spanById(fixtureSpanId(6))?.name).toBe('GET')
    expect(trace.spanById('ffffffffffffffff')).toBeUndefined()
  })

  test('spans handed out remember their trace', () => {
    const span = trace.span('SELECT orders')
    expect(traceOf(span)).toBe(trace)
    const handmade = { ...span }
    expect(traceOf(handmade)).toBeUndefined()
  })
})

describe('a trace whose parent is missing', () => {
  const broken = buildTrace([
    { name: 'GET /orders/:id', kind: 'SERVER', startMs: 0, endMs: 10, remoteParentSpanId: 'aaaaaaaaaaaaaaaa', children: [{ name: 'SELECT orders', kind: 'CLIENT', startMs: 1, endMs: 3 }] },
    { name: 'write audit record', startMs: 12, endMs: 20, remoteParentSpanId: 'bbbbbbbbbbbbbbbb' },
  ])

  test('has two roots; the earliest is the root', () => {
    expect(names(broken.roots)).toEqual(['GET /orders/:id', 'write audit record'])
    expect(broken.root.name).toBe('GET /orders/:id')
    expect(broken.root.parentSpanId).toBe('aaaaaaaaaaaaaaaa')
    expect(broken.parent(broken.root)).toBeUndefined()
    expect(broken.ancestors(broken.span('write audit record'))).toEqual([])
    expect(broken.durationMs).toBe(20)
  })

  test('renders each root with a note about the missing parent', () => {
    expect(broken.toString()).toMatchSnapshot()
  })
})

describe('an empty trace', () => {
  test('has no root', () => {
    const empty = buildTrace([])
    expect(empty.size).toBe(0)
    expect(empty.roots).toEqual([])
    expect(empty.durationMs).toBe(0)
    const error = errorOf(() => empty.root)
    expect(error).toBeInstanceOf(SpanLookupError)
    expect(error.message).toBe(`Trace ${fixtureTraceId(1)} has no spans, so it has no root span.`)
    expect(() => new Trace([]).root).toThrowError(new SpanLookupError('Trace (no id) has no spans, so it has no root span.'))
    expect(empty.toString()).toBe(`trace ${fixtureTraceId(1)} · 0 spans · 0.00 ms\n(no spans captured)`)
  })
})

describe('durations and self time', () => {
  test('durationMs of a trace runs from the earliest start to the latest end', () => {
    expect(trace.durationMs).toBe(48)
    const spill = buildTrace({ name: 'handler', startMs: 5, endMs: 10, children: [{ name: 'background', startMs: 8, endMs: 30 }] })
    expect(spill.durationMs).toBe(25)
    expect(spill.root.durationMs).toBe(5)
  })

  test('durationMs keeps sub-millisecond precision', () => {
    expect(buildTrace({ name: 'tick', startMs: 0.25, endMs: 0.5 }).root.durationMs).toBe(0.25)
  })

  test('self time of the orders root: 48 ms minus 36 ms covered by its children', () => {
    expect(trace.selfTimeMs(trace.root)).toBe(12)
    expect(trace.selfTimeMs(trace.span('GET'))).toBe(4)
    expect(trace.selfTimeMs(trace.span('compute total'))).toBe(8)
  })

  test('overlapping children are counted once', () => {
    const t = buildTrace({ name: 'p', startMs: 0, endMs: 20, children: [
      { name: 'a', startMs: 2, endMs: 8 },
      { name: 'b', startMs: 5, endMs: 10 },
      { name: 'c', startMs: 10, endMs: 12 },
      { name: 'd', startMs: 3, endMs: 4 },
    ] })
    // covered: 2–12
    expect(t.selfTimeMs(t.root)).toBe(10)
  })

  test('children outside the span are clipped to it or ignored', () => {
    const t = buildTrace({ name: 'p', startMs: 10, endMs: 20, children: [
      { name: 'before', startMs: 0, endMs: 5 },
      { name: 'straddles start', startMs: 8, endMs: 12 },
      { name: 'straddles end', startMs: 18, endMs: 25 },
      { name: 'after', startMs: 21, endMs: 30 },
    ] })
    // covered: 10–12 and 18–20
    expect(t.selfTimeMs(t.root)).toBe(6)
    const covered = buildTrace({ name: 'p', startMs: 10, endMs: 20, children: [{ name: 'all of it', startMs: 0, endMs: 30 }] })
    expect(covered.selfTimeMs(covered.root)).toBe(0)
  })

  test('only direct children count, and the exported helper agrees', () => {
    const t = buildTrace({ name: 'p', startMs: 0, endMs: 10, children: [{ name: 'c', startMs: 0, endMs: 2, children: [{ name: 'g', startMs: 1, endMs: 9 }] }] })
    expect(t.selfTimeMs(t.root)).toBe(8)
    expect(selfTimeMs(t.root, t.children(t.root))).toBe(8)
    expect(selfTimeMs(t.root, [])).toBe(10)
  })
})

describe('criticalPath()', () => {
  const checkout = checkoutTrace()
  const steps = (path: ReturnType<Trace['criticalPath']>): [string, string, number][] =>
    path.map((s) => [s.span.name, s.span.spanId, Math.round(s.contributionMs * 1000) / 1000])

  test('the chain the entry span waited for, in start order, contributions adding up to its duration', () => {
    const path = checkout.criticalPath()
    expect(steps(path)).toEqual([
      ['POST /checkout', fixtureSpanId(1), 11],
      ['SELECT cart', fixtureSpanId(2), 8],
      ['GET', fixtureSpanId(5), 4],
      ['GET /stock/:sku', fixtureSpanId(6), 54],
      ['POST', fixtureSpanId(8), 4],
      ['POST /charge', fixtureSpanId(9), 19],
    ])
    expect(path.reduce((sum, s) => sum + s.contributionMs, 0)).toBeCloseTo(checkout.root.durationMs, 9)
  })

  test('spans on the path remember their trace, like every span a trace hands out', () => {
    const bare = checkoutTrace()
    const first = bare.criticalPath()[1]?.span as CapturedSpan
    expect(traceOf(first)).toBe(bare)
  })

  test('from a span: the path inside that span only', () => {
    const slow = checkout.span({ kind: 'CLIENT', attributes: { 'url.full': 'http://inventory/stock/B' } })
    expect(steps(checkout.criticalPath(slow))).toEqual([['GET', fixtureSpanId(5), 4], ['GET /stock/:sku', fixtureSpanId(6), 54]])
  })

  test('from a span of another trace: a SpanLookupError that says so', () => {
    const other = buildTrace({ name: 'GET /orders/:id', startMs: 0, endMs: 5 }, { traceNumber: 2 })
    const error = errorOf(() => checkout.criticalPath(other.root))
    expect(error).toBeInstanceOf(SpanLookupError)
    expect(error.message).toBe(`Failed to compute the critical path from span ${fixtureSpanId(1)} ("GET /orders/:id"): it is not part of trace ${checkout.traceId}. Please pass a span of this trace, e.g. trace.span(selector).`)
  })

  test('an empty trace has an empty path', () => {
    expect(new Trace([]).criticalPath()).toEqual([])
  })
})

describe('toString()', () => {
  test('renders the tree with kinds, services, durations and errors', () => {
    expect(trace.toString()).toMatchSnapshot()
  })

  test('renderTrace marks spans, limits the lines and appends logs', () => {
    const withLogs = new Trace(trace.spans(), {
      traceId: trace.traceId,
      logs: [
        { traceId: trace.traceId, spanId: fixtureSpanId(6), time: nanosAt(34), severity: 'ERROR', body: 'inventory answered 503', source: 'otlp' },
        { traceId: trace.traceId, time: 0n, body: 'listening', source: 'stdout' },
      ],
    })
    const marks = new Map([[fixtureSpanId(8), { label: 'look here', notes: ['a note'] }]])
    expect(renderTrace(withLogs, { maxSpans: 3, marks })).toMatchSnapshot()
    expect(renderTrace(withLogs, { logs: false })).not.toContain('logs:')
  })
})

describe('toCapturedSpan', () => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    idGenerator: new CountingIdGenerator(7),
    resource: resourceFromAttributes(SDK_RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer(FIXTURE_SCOPE.name, FIXTURE_SCOPE.version)
  const parent = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, startTime: hrTimeAt(0) }, ROOT_CONTEXT)
  const child = tracer.startSpan('GET', {
    kind: SpanKind.CLIENT,
    startTime: hrTimeAt(1.5),
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503, retried: true, 'order.skus': ['KB-01', 'MS-02'] },
    links: [{ context: { traceId: fixtureTraceId(9), spanId: fixtureSpanId(3), traceFlags: TraceFlags.SAMPLED }, attributes: { 'link.reason': 'batch' } }],
  }, otelTrace.setSpan(ROOT_CONTEXT, parent))
  child.addEvent('retry', { attempt: 2 }, hrTimeAt(2))
  child.recordException({ name: 'Error', message: 'inventory answered 503', stack: INVENTORY_STACK }, hrTimeAt(3))
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'inventory answered 503' })
  child.end(hrTimeAt(4.25))
  parent.setStatus({ code: SpanStatusCode.OK })
  parent.end(hrTimeAt(5))
  const unversioned = provider.getTracer('bare-scope').startSpan('bare', { startTime: hrTimeAt(0) }, ROOT_CONTEXT)
  unversioned.end(hrTimeAt(1))
  const [readableChild, readableParent, readableBare] = exporter.getFinishedSpans()
  if (readableChild === undefined || readableParent === undefined || readableBare === undefined) throw new Error('the SDK did not export three spans')

  test('maps every field of an SDK span', () => {
    const captured = toCapturedSpan(readableChild, { 'service.name': 'orders' })
    expect(captured).toStrictEqual({
      traceId: fixtureTraceId(7),
      spanId: fixtureSpanId(2),
      parentSpanId: fixtureSpanId(1),
      name: 'GET',
      kind: 'CLIENT',
      start: nanosAt(1.5),
      end: nanosAt(4.25),
      durationMs: 2.75,
      status: { code: 'ERROR', message: 'inventory answered 503' },
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503, retried: true, 'order.skus': ['KB-01', 'MS-02'] },
      events: [
        { name: 'retry', time: nanosAt(2), attributes: { attempt: 2 } },
        {
          name: 'exception',
          time: nanosAt(3),
          attributes: { 'exception.type': 'Error', 'exception.message': 'inventory answered 503', 'exception.stacktrace': INVENTORY_STACK },
        },
      ],
      links: [{ traceId: fixtureTraceId(9), spanId: fixtureSpanId(3), attributes: { 'link.reason': 'batch' } }],
      resource: { 'service.name': 'orders', 'host.name': 'fixture-host' },
      scope: { name: 'tracewright-fixture', version: '1.0.0' },
    })
  })

  test('times are exact bigint nanoseconds', () => {
    const captured = toCapturedSpan(readableChild)
    expect(typeof captured.start).toBe('bigint')
    expect(captured.start).toBe(1_700_000_000_001_500_000n)
    expect(captured.end - captured.start).toBe(2_750_000n)
  })

  test('a root span has no parentSpanId key, an OK status has no message key', () => {
    const captured = toCapturedSpan(readableParent)
    expect(captured).not.toHaveProperty('parentSpanId')
    expect(captured.status).toStrictEqual({ code: 'OK' })
    expect(captured.kind).toBe('SERVER')
    expect(captured.durationMs).toBe(5)
  })

  test('without an override the SDK resource is kept; a scope without version has no version key', () => {
    const captured = toCapturedSpan(readableBare)
    expect(captured.resource).toStrictEqual({ ...SDK_RESOURCE })
    expect(captured.scope).toStrictEqual({ name: 'bare-scope' })
    expect(captured.kind).toBe('INTERNAL')
    expect(captured.status).toStrictEqual({ code: 'UNSET' })
    expect(captured.attributes).toStrictEqual({})
    expect(captured.events).toEqual([])
    expect(captured.links).toEqual([])
  })

  test('the fixture goes through the same conversion: the route resource wins, context resource per subtree', () => {
    expect(trace.root.resource).toStrictEqual({ 'service.name': 'orders', 'host.name': 'fixture-host' })
    expect(trace.span('GET /stock/:sku').resource).toStrictEqual({ 'service.name': 'inventory', 'host.name': 'fixture-host' })
    expect(trace.root.scope).toStrictEqual({ name: 'tracewright-fixture', version: '1.0.0' })
  })
})

describe('spans that start in the same millisecond', () => {
  // The JS SDK takes start times from Date.now(): awaited calls in quick succession share one.
  const at = (id: string, name: string, startMs: number, endMs: number, parent?: string): CapturedSpan => ({
    traceId: 'c'.repeat(32), spanId: id.padStart(16, '0'), ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
    name, kind: 'CLIENT', start: BigInt(startMs * 1e6), end: BigInt(Math.round(endMs * 1e6)), durationMs: endMs - startMs,
    status: { code: 'UNSET' }, attributes: {}, events: [], links: [], resource: {}, scope: { name: 't' },
  })

  test('keep the order they arrived in (the order they ended), whatever their names and ends, ancestors first', () => {
    const root = at('1', 'handler', 101, 110)
    // Ends computed from a truncated start can even invert: get "ends" before set.
    const set = at('2', 'set', 101, 101.6, '1')
    const get = at('3', 'get', 101, 101.3, '1')
    const incr = at('4', 'incr', 101, 101.9, '1')
    const deep = at('5', 'retry', 101, 101.8, '4')
    const trace = new Trace([set, get, deep, incr, root])
    expect(trace.spans().map((s) => s.name)).toEqual(['handler', 'set', 'get', 'incr', 'retry'])
    expect(trace.children(trace.root).map((s) => s.name)).toEqual(['set', 'get', 'incr'])
  })
})
