// toHaveSpan on a 10,000-span trace captured through the real SDK. Target: ≤ 2 ms a call.
// The matcher function is called directly (its message is lazy, so a passing or failing call
// costs the search only), with vitest's equality stood in by the selector engine's own.
import { ROOT_CONTEXT, SpanKind, trace as otelTrace } from '@opentelemetry/api'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import type { MatcherState } from 'vitest'
import { StoreSpanProcessor, TraceStore } from '../dist/src/index.js'
import type { Selector, Trace } from '../dist/src/index.js'
import { toHaveSpan } from '../dist/matchers/index.js'
import { printTable } from './report.ts'

export const SPANS = 10_000

/** The 10,000-span trace every in-memory bench uses: a SERVER root over 99 queries and 99 groups of 99 spans. */
export function buildTrace(): Trace {
  const store = new TraceStore()
  const provider = new BasicTracerProvider({ spanProcessors: [new StoreSpanProcessor(() => ({ store, resource: { 'service.name': 'bench' } }))] })
  const tracer = provider.getTracer('bench')
  const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders' } })
  const rootContext = otelTrace.setSpan(ROOT_CONTEXT, root)
  let parentContext = rootContext
  for (let i = 1; i < SPANS; i++) {
    const span = tracer.startSpan(i % 10 === 0 ? 'GET inventory' : 'SELECT items', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT * FROM items WHERE id = ${i}`, 'item.index': i },
    }, i % 100 === 0 ? rootContext : parentContext)
    span.end()
    if (i % 100 === 0) parentContext = otelTrace.setSpan(rootContext, span)
  }
  root.end()
  return store.trace(root.spanContext().traceId)
}

const state = { isNot: false, equals: (a: unknown, b: unknown) => Object.is(a, b), customTesters: [] } as unknown as MatcherState

export function benchToHaveSpan(): { worstMedianMs: number } {
  const trace = buildTrace()
  if (trace.size !== SPANS) throw new Error(`built ${trace.size} spans, wanted ${SPANS}`)
  const cases: [string, Selector, boolean][] = [
    ['exact name', 'GET /orders', true],
    ['RegExp on the name', /inventory$/, true],
    ['object query: kind + attribute', { kind: 'CLIENT', attributes: { 'item.index': 9_999 } }, true],
    ['object query with parent', { name: 'GET inventory', parent: { kind: 'SERVER' } }, true],
    ['no match (fails; message not built)', { name: 'DELETE items' }, false],
  ]
  const rows: [string, number[]][] = []
  for (const [label, selector, expected] of cases) {
    const times: number[] = []
    for (let i = 0; i < 220; i++) {
      const t0 = process.hrtime.bigint()
      const result = toHaveSpan.call(state, trace, selector)
      const t1 = process.hrtime.bigint()
      if (result.pass !== expected) throw new Error(`${label}: pass ${result.pass}`)
      if (i >= 20) times.push(Number(t1 - t0) / 1e6)
    }
    rows.push([label, times])
  }
  const medians = rows.map(([, t]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)] as number)
  const worst = Math.max(...medians)
  printTable(`toHaveSpan on a ${SPANS.toLocaleString('en')}-span trace`, rows, `slowest median: ${worst.toFixed(3)} ms (target ≤ 2 ms)`)
  return { worstMedianMs: worst }
}

if (import.meta.url === `file://${process.argv[1]}`) benchToHaveSpan()
