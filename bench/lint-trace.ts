// lintTrace on a 10,000-span conforming trace captured through the real SDK (a SERVER span over
// rounds of a query, a downstream call and the downstream service's SERVER span), side by side with
// the bare minimum any linter does: one pass over every span reading every attribute. The ratio
// says what the 13 rules cost over that pass; the absolute time says whether a spec would notice.
import { ROOT_CONTEXT, SpanKind, trace as otelTrace } from '@opentelemetry/api'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { lintTrace, StoreSpanProcessor, TraceStore } from '../dist/src/index.js'
import type { Trace } from '../dist/src/index.js'
import { median, printTable } from './report.ts'

const SPANS = 10_000

function buildTrace(): Trace {
  const store = new TraceStore()
  const provider = new BasicTracerProvider({ spanProcessors: [new StoreSpanProcessor(() => ({ store, resource: { 'service.name': 'users' } }))] })
  const tracer = provider.getTracer('bench')
  const http = { 'http.request.method': 'GET', 'server.port': 8080, 'http.response.status_code': 200 }
  const root = tracer.startSpan('GET /users/:id', { kind: SpanKind.SERVER, attributes: { ...http, 'http.route': '/users/:id', 'url.path': '/users/8231', 'url.scheme': 'http', 'server.address': 'users' } })
  const rootContext = otelTrace.setSpan(ROOT_CONTEXT, root)
  for (let made = 1; made + 3 <= SPANS;) {
    tracer.startSpan('SELECT users', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT', 'db.collection.name': 'users', 'db.query.text': 'SELECT id, plan FROM users WHERE id = $1' },
    }, rootContext).end()
    const call = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { ...http, 'url.full': 'http://billing:8080/plans/8231', 'server.address': 'billing' } }, rootContext)
    tracer.startSpan('GET /plans/:userId', { kind: SpanKind.SERVER, attributes: { ...http, 'http.route': '/plans/:userId', 'url.path': '/plans/8231', 'server.address': 'billing' } }, otelTrace.setSpan(rootContext, call)).end()
    call.end()
    made += 3
  }
  root.end()
  return store.trace(root.spanContext().traceId)
}

/** What every linter does at least: visit each span and read each attribute. */
function bareScan(trace: Trace): number {
  let seen = 0
  for (const span of trace.spans()) {
    for (const key in span.attributes) if (span.attributes[key] !== undefined) seen++
    seen += span.name.length
  }
  return seen
}

export function benchLintTrace(): { medianMs: number; ratio: number } {
  const trace = buildTrace()
  const violations = lintTrace(trace)
  if (violations.length > 0) throw new Error(`the bench trace should lint clean; got ${violations[0]?.rule}: ${violations[0]?.message}`)
  const lint: number[] = []
  const bare: number[] = []
  // Interleaved, so a slow stretch of the shared machine hits both sides alike.
  for (let i = 0; i < 60; i++) {
    let t0 = process.hrtime.bigint()
    lintTrace(trace)
    let t1 = process.hrtime.bigint()
    if (i >= 10) lint.push(Number(t1 - t0) / 1e6)
    t0 = process.hrtime.bigint()
    bareScan(trace)
    t1 = process.hrtime.bigint()
    if (i >= 10) bare.push(Number(t1 - t0) / 1e6)
  }
  const medianMs = median(lint)
  const ratio = medianMs / median(bare)
  printTable(`lintTrace on a ${trace.size.toLocaleString('en')}-span trace`, [['lintTrace (13 rules)', lint], ['bare scan of every attribute', bare]],
    `lintTrace median ${medianMs.toFixed(2)} ms, ${ratio.toFixed(1)}× the bare scan`)
  return { medianMs, ratio }
}

if (import.meta.url === `file://${process.argv[1]}`) benchLintTrace()
