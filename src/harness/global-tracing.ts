import { context, createContextKey, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { StoreSpanProcessor } from '../collector/span-processor.js'
import type { SpanRoute } from '../collector/span-processor.js'
import type { Attributes } from '../model/captured-span.js'
import { ServiceStartError } from '../errors.js'

/**
 * The one tracer provider, context manager and propagator that in-process services share while any
 * of them runs. OpenTelemetry's globals hold one provider per process, so two in-process services
 * in one test file register once and spans are routed to the right service by trace id.
 */
interface Registration {
  readonly provider: BasicTracerProvider
  readonly contextManager: AsyncLocalStorageContextManager
  readonly services: Set<SpanRoute>
  readonly routes: Map<string, SpanRoute>
}

let registration: Registration | undefined

// Shared by every in-process service: the bound is on all their claims together.
const MAX_CLAIMED_TRACES = 100_000

/**
 * Context key under which an in-process service's entry span leaves its resource, so every span
 * started while handling that service's request is recorded as that service's.
 */
export const SERVICE_RESOURCE = createContextKey('tracewright.service-resource')

/** A service's handle on the shared registration. */
export interface TracingLease {
  /** Routes every span of `traceId` to this service. */
  claim(traceId: string): void
  /** Stops routing `traceId` (the service released the trace). */
  unclaim(traceId: string): void
  /** Releases the lease; the last one unregisters the globals. */
  release(): void
}

/** Registers the shared globals if needed and returns a lease for one service. */
export function leaseGlobalTracing(route: SpanRoute): TracingLease {
  registration ??= register()
  const reg = registration
  reg.services.add(route)
  // The routing table keeps insertion order, so its first entry is the oldest claim: bounding it
  // like the store bounds its traces costs one lookup per request.
  const forget = (traceId: string): void => {
    if (reg.routes.get(traceId) === route) reg.routes.delete(traceId)
  }
  return {
    claim(traceId) {
      reg.routes.set(traceId, route)
      if (reg.routes.size > MAX_CLAIMED_TRACES) reg.routes.delete(reg.routes.keys().next().value as string)
    },
    unclaim: forget,
    release() {
      if (!reg.services.delete(route)) return
      for (const [traceId, owner] of reg.routes) if (owner === route) reg.routes.delete(traceId)
      if (reg.services.size === 0 && registration === reg) unregister(reg)
    },
  }
}

// One provider for the life of the test process. Registered globally only while a service runs,
// but never shut down: an app's module-level `trace.getTracer()` is a proxy that binds to the first
// real tracer it meets and keeps it, so after a stop and a new start the same provider must still
// be the one recording. With no service running its spans are routed nowhere.
let sharedProvider: { provider: BasicTracerProvider; services: Set<SpanRoute>; routes: Map<string, SpanRoute> } | undefined

function getSharedProvider(): NonNullable<typeof sharedProvider> {
  if (sharedProvider) return sharedProvider
  const services = new Set<SpanRoute>()
  const routes = new Map<string, SpanRoute>()
  const processor = new StoreSpanProcessor((traceId) => {
    const route = routes.get(traceId)
    if (route !== undefined) return route
    // A span of a trace no harness request started (a timer, a startup task, a request sent with
    // another client): with one service it is that service's; with several, each gets a copy
    // rather than the span being lost.
    if (services.size === 1) return services.values().next().value
    return [...services]
  }, (parentContext) => parentContext.getValue(SERVICE_RESOURCE) as Attributes | undefined)
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [processor] })
  sharedProvider = { provider, services, routes }
  return sharedProvider
}

function register(): Registration {
  const { provider, services, routes } = getSharedProvider()
  const contextManager = new AsyncLocalStorageContextManager().enable()
  const ok = trace.setGlobalTracerProvider(provider) &&
    context.setGlobalContextManager(contextManager) &&
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }))
  if (!ok) {
    trace.disable()
    context.disable()
    propagation.disable()
    contextManager.disable()
    throw new ServiceStartError(
      'Failed to start an in-process service: another OpenTelemetry tracer provider, context manager or propagator is already registered in this process. ' +
        'Please remove the other SDK set-up from the test process (or start the service as a child process with `command`).',
    )
  }
  return { provider, contextManager, services, routes }
}

function unregister(reg: Registration): void {
  trace.disable()
  context.disable()
  propagation.disable()
  reg.contextManager.disable()
  reg.routes.clear()
  registration = undefined
}
