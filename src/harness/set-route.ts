import { context, trace } from '@opentelemetry/api'
import { getRPCMetadata, RPCType } from '@opentelemetry/core'

/**
 * Tells the entry SERVER span of the current request which route handled it, for frameworks whose
 * instrumentation does not (Fastify, Koa's router, Hono): the span gets `http.route` and is named
 * `METHOD route`, whether the harness made it or the http instrumentation did.
 *
 * @example
 * ```ts
 * fastify.addHook('onRequest', async (request) => setRoute(request.routeOptions.url))
 * ```
 */
export function setRoute(route: string | undefined): void {
  if (route === undefined || route === '') return
  const active = context.active()
  const metadata = getRPCMetadata(active)
  // The metadata holds the entry span even while a child span is active; the http instrumentation
  // names its span from the metadata's route, the harness from either.
  if (metadata?.type === RPCType.HTTP) {
    metadata.route = route
    metadata.span.setAttribute('http.route', route)
    return
  }
  trace.getSpan(active)?.setAttribute('http.route', route)
}
