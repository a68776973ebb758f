import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { Attributes as OtelAttributes, Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { nanosToMs } from '../model/captured-span.js'
import type { AttributeValue, Attributes, CapturedSpan, SpanKindName, StatusCodeName } from '../model/captured-span.js'
import type { TraceStore } from './trace-store.js'
import { hrTimeToNanos, startCorrectionNs } from './precise-start.js'

const KIND_NAMES: Record<SpanKind, SpanKindName> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
}

const STATUS_NAMES: Record<SpanStatusCode, StatusCodeName> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
}

/** Picks the store a span belongs to, and the resource to record it with. */
export interface SpanRoute {
  readonly store: TraceStore
  readonly resource: Attributes
}

/**
 * An SDK span processor that hands every span to a {@link TraceStore} synchronously: `onStart`
 * marks the span open (so settling knows the trace is still busy) and `onEnd` converts it to a
 * {@link CapturedSpan}. Nothing is batched or exported.
 *
 * @example
 * ```ts
 * const store = new TraceStore()
 * const provider = new BasicTracerProvider({ spanProcessors: [new StoreSpanProcessor(() => ({ store, resource: {} }))] })
 * ```
 */
export class StoreSpanProcessor implements SpanProcessor {
  readonly #route: (traceId: string) => SpanRoute | readonly SpanRoute[] | undefined
  readonly #resourceOf: ((parentContext: Context) => Attributes | undefined) | undefined
  /** Resource picked from the context a span started in, until it ends. */
  readonly #openResources = new Map<string, Attributes>()

  /**
   * @param route the store(s) a trace's spans go to
   * @param resourceOf the resource a span gets from the context it starts in (several in-process
   * services in one test process each mark their request handling this way)
   */
  constructor(
    route: (traceId: string) => SpanRoute | readonly SpanRoute[] | undefined,
    resourceOf?: (parentContext: Context) => Attributes | undefined,
  ) {
    this.#route = route
    this.#resourceOf = resourceOf
  }

  onStart(span: Span, parentContext: Context): void {
    const { traceId, spanId } = span.spanContext()
    const resource = this.#resourceOf?.(parentContext)
    if (resource !== undefined) this.#openResources.set(spanId, resource)
    forEachRoute(this.#route(traceId), (route) => route.store.markStarted(traceId, spanId, span.name))
  }

  onEnd(span: ReadableSpan): void {
    const spanId = span.spanContext().spanId
    const own = this.#openResources.get(spanId)
    if (own !== undefined) this.#openResources.delete(spanId)
    const routes = this.#route(span.spanContext().traceId)
    forEachRoute(routes, (route) => route.store.add(toCapturedSpan(span, own ?? route.resource)))
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

function forEachRoute(routes: SpanRoute | readonly SpanRoute[] | undefined, fn: (route: SpanRoute) => void): void {
  if (routes === undefined) return
  if (Array.isArray(routes)) for (const route of routes as readonly SpanRoute[]) fn(route)
  else fn(routes as SpanRoute)
}

/**
 * Converts an SDK `ReadableSpan` into the normalised {@link CapturedSpan}. `resource` is merged
 * over the span's own resource attributes (the in-process harness names the service this way). A
 * span whose start the JS SDK took itself (truncated to the millisecond) gets the precise instant
 * instead, its end and events moved with it; a start the caller gave is kept.
 */
export function toCapturedSpan(span: ReadableSpan, resource: Attributes = {}): CapturedSpan {
  const context = span.spanContext()
  // The JS SDK records its own starts truncated to the millisecond; moved to the precise instant.
  const shift = startCorrectionNs(span)
  const start = hrTimeToNanos(span.startTime) + shift
  const end = hrTimeToNanos(span.endTime) + shift
  const parentSpanId = span.parentSpanContext?.spanId
  const message = span.status.message
  const scope = span.instrumentationScope
  // This runs for every span ended in-process: shared objects for what is usually the same (no
  // events, no links, a status without a message) keep it cheap.
  const captured = {
    traceId: context.traceId,
    spanId: context.spanId,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
    start,
    end,
    durationMs: nanosToMs(start, end),
    status: message ? { code: STATUS_NAMES[span.status.code], message } : PLAIN_STATUS[span.status.code],
    attributes: copyAttributes(span.attributes),
    events: span.events.length === 0 ? NO_EVENTS : span.events.map((e) => ({ name: e.name, time: hrTimeToNanos(e.time) + shift, attributes: copyAttributes(e.attributes) })),
    links: span.links.length === 0 ? NO_LINKS : span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: copyAttributes(l.attributes) })),
    resource: mergedResource(span.resource.attributes, resource),
    scope: scope.version === undefined ? { name: scope.name } : { name: scope.name, version: scope.version },
  } as { -readonly [K in keyof CapturedSpan]: CapturedSpan[K] }
  if (parentSpanId !== undefined) captured.parentSpanId = parentSpanId
  return captured
}

const NO_EVENTS: CapturedSpan['events'] = Object.freeze([])
const NO_LINKS: CapturedSpan['links'] = Object.freeze([])
const PLAIN_STATUS: Record<SpanStatusCode, CapturedSpan['status']> = {
  [SpanStatusCode.UNSET]: Object.freeze({ code: 'UNSET' }),
  [SpanStatusCode.OK]: Object.freeze({ code: 'OK' }),
  [SpanStatusCode.ERROR]: Object.freeze({ code: 'ERROR' }),
}

// Every span of a provider shares one resource; merge it with the service's once, not per span.
const mergedResources = new WeakMap<object, WeakMap<object, Attributes>>()

function mergedResource(own: OtelAttributes, override: Attributes): Attributes {
  let byOverride = mergedResources.get(own)
  if (byOverride === undefined) mergedResources.set(own, (byOverride = new WeakMap()))
  let merged = byOverride.get(override)
  if (merged === undefined) {
    merged = Object.freeze({ ...copyAttributes(own), ...override })
    byOverride.set(override, merged)
  }
  return merged
}

function copyAttributes(attributes: OtelAttributes | undefined): Attributes {
  const out: Record<string, AttributeValue> = {}
  if (attributes === undefined) return out
  for (const key of Object.keys(attributes)) {
    const value = attributes[key]
    if (value !== undefined) out[key] = value as AttributeValue
  }
  return out
}
