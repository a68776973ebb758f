// The OpenTelemetry set-up the gateway and payments services share, as a service in any language
// has one: a tracer provider, a batch span processor and an OTLP exporter, registered globally
// with an AsyncLocalStorage context manager and the W3C trace-context propagator. Each service
// passes its own exporter; everything else comes from the `OTEL_*` environment the harness sets
// (endpoint, service name, batch delay), as it would in production.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { sendJson } from './json.mjs'

/**
 * Registers a tracer provider exporting through `exporter` and returns a tracer. On SIGTERM (how
 * the harness stops a service) the batch still queued is flushed before the process exits.
 */
export function startTracing(exporter, { service, scope }) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? service }),
    // The batch delay is read from OTEL_BSP_SCHEDULE_DELAY: the harness sets a short one.
    spanProcessors: [new BatchSpanProcessor(exporter)],
  })
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  process.once('SIGTERM', () => {
    void provider.shutdown().finally(() => process.exit(0))
  })
  return trace.getTracer(scope, '1.0.0')
}

/**
 * Runs `handle(span)` inside a SERVER span for `route`, continuing the caller's trace from the
 * request's `traceparent` header. The span ends when the response is done, with the
 * response status: a 4xx is the client's problem, so only a 5xx marks a server span as an error.
 * A handler that throws answers 500 and leaves the exception on the span.
 */
export function serveTraced(tracer, route, req, res, handle) {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers)
  const span = tracer.startSpan(`${req.method} ${route}`, {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': req.method,
      'http.route': route,
      'url.path': new URL(req.url, 'http://localhost').pathname,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': req.socket.localPort,
    },
  }, parent)
  let thrown
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode)
    if (res.statusCode >= 500) {
      span.setAttribute('error.type', thrown?.name ?? String(res.statusCode))
      span.setStatus({ code: SpanStatusCode.ERROR, message: thrown?.message ?? `answered ${res.statusCode}` })
    }
    span.end()
  })
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      await handle(span)
    } catch (error) {
      thrown = error
      span.recordException(error)
      if (!res.headersSent) sendJson(res, 500, { error: error.message })
    }
  })
}
