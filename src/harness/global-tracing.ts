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
  readonly services: ServiceRoutes
}

let registration: Registration | undefined

/**
 * Context key under which an in-process service's entry span leaves its resource, so every span
 * started while handling that service's request is recorded as that service's.
 */
export const SERVICE_RESOURCE = createContextKey('tracewright.service-resource')

/** A service's handle on the shared registration. */
export interface TracingLease {
  /** Releases the lease; the last one unregisters the globals. */
  release(): void
}

/**
 * The in-process services running, as the span processor reads them for every span: the one
 * service when there is one (the common case costs no look-up), else the list to ask which holds
 * a trace. Replaced, never changed in place, when a service starts or stops.
 */
interface ServiceRoutes {
  list: readonly SpanRoute[]
}

/** Registers the shared globals if needed and returns a lease for one service. */
export function leaseGlobalTracing(route: SpanRoute): TracingLease {
  registration ??= register()
  const reg = registration
  reg.services.list = [...reg.services.list, route]
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      reg.services.list = reg.services.list.filter((other) => other !== route)
      if (reg.services.list.length === 0 && registration === reg) unregister(reg)
    },
  }
}

/**
 * True while more than one in-process service runs: only then must a request's context say whose
 * spans it makes (see {@link SERVICE_RESOURCE}); with one, every span is that service's.
 */
export function severalInProcessServices(): boolean {
  return (registration?.services.list.length ?? 0) > 1
}

/**
 * Which service's store a span of `traceId` goes to. A trace belongs to the service whose store
 * holds it: a harness request begins its trace in its service's store before it is sent, so a call
 * from one in-process service into another stays in the caller's trace. A span of a trace no store
 * holds (a timer, a startup task, a request sent with another client) is the one service's, or,
 * with several, each gets a copy rather than the span being lost.
 */
export function routeSpan(services: readonly SpanRoute[], traceId: string): SpanRoute | readonly SpanRoute[] | undefined {
  if (services.length <= 1) return services[0]
  for (const service of services) if (service.store.has(traceId)) return service
  return services
}

// One provider for the life of the test process. Registered globally only while a service runs,
// but never shut down: an app's module-level `trace.getTracer()` is a proxy that binds to the first
// real tracer it meets and keeps it, so after a stop and a new start the same provider must still
// be the one recording. With no service running its spans are routed nowhere.
let sharedProvider: { provider: BasicTracerProvider; services: ServiceRoutes } | undefined

function getSharedProvider(): NonNullable<typeof sharedProvider> {
  if (sharedProvider) return sharedProvider
  const services: ServiceRoutes = { list: [] }
  const processor = new StoreSpanProcessor(
    (traceId) => routeSpan(services.list, traceId),
    (parentContext) => parentContext.getValue(SERVICE_RESOURCE) as Attributes | undefined,
  )
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [processor] })
  sharedProvider = { provider, services }
  return sharedProvider
}

function register(): Registration {
  const { provider, services } = getSharedProvider()
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
  return { provider, contextManager, services }
}

function unregister(reg: Registration): void {
  trace.disable()
  context.disable()
  propagation.disable()
  reg.contextManager.disable()
  registration = undefined
}
