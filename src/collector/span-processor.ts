import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { Attributes as OtelAttributes, Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'
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

  // Both run for every span started in-process: no closure or iterator per call.
  onStart(span: Span, parentContext: Context): void {
    const { traceId, spanId } = span.spanContext()
    const resource = this.#resourceOf?.(parentContext)
    if (resource !== undefined) this.#openResources.set(spanId, resource)
    const routes = this.#route(traceId)
    if (routes === undefined) return
    if (!isRouteList(routes)) return routes.store.markStarted(traceId, spanId, span.name)
    for (const route of routes) route.store.markStarted(traceId, spanId, span.name)
  }

  onEnd(span: ReadableSpan): void {
    const context = span.spanContext()
    const own = this.#openResources.size === 0 ? undefined : this.#openResources.get(context.spanId)
    if (own !== undefined) this.#openResources.delete(context.spanId)
    const routes = this.#route(context.traceId)
    if (routes === undefined) return
    if (!isRouteList(routes)) return routes.store.add(toCapturedSpan(span, own ?? routes.resource))
    for (const route of routes) route.store.add(toCapturedSpan(span, own ?? route.resource))
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

function isRouteList(routes: SpanRoute | readonly SpanRoute[]): routes is readonly SpanRoute[] {
  return Array.isArray(routes)
}

/**
 * Converts an ended SDK `ReadableSpan` into the normalised {@link CapturedSpan}. `resource` is
 * merged over the span's own resource attributes (the in-process harness names the service this
 * way). A span whose start the JS SDK took itself (truncated to the millisecond) gets the precise
 * instant instead, its end and events moved with it; a start the caller gave is kept. The captured
 * span shares the SDK span's attributes object, which no longer changes once the span has ended.
 */
export function toCapturedSpan(span: ReadableSpan, resource: Attributes = {}): CapturedSpan {
  const context = span.spanContext()
  // The JS SDK records its own starts truncated to the millisecond; moved to the precise instant.
  const shift = startCorrectionNs(span)
  const start = hrTimeToNanos(span.startTime, shift)
  const end = hrTimeToNanos(span.endTime, shift)
  // The same value as nanosToMs(start, end), from plain numbers: a span shorter than 104 days has a
  // duration in ns that a double holds exactly, and bigint arithmetic costs more per span.
  const durationNs = (span.endTime[0] - span.startTime[0]) * 1e9 + (span.endTime[1] - span.startTime[1])
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
    durationMs: durationNs > 0 ? durationNs / 1e6 : 0,
    status: message ? { code: STATUS_NAMES[span.status.code], message } : PLAIN_STATUS[span.status.code],
    // The SDK's own object: it holds no undefined values (setAttribute refuses them) and takes no
    // writes once the span has ended, so a copy would only cost an object and a key walk per span.
    attributes: span.attributes as Attributes,
    events: span.events.length === 0 ? NO_EVENTS : span.events.map((e) => ({ name: e.name, time: hrTimeToNanos(e.time, shift), attributes: copyAttributes(e.attributes) })),
    links: span.links.length === 0 ? NO_LINKS : span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: copyAttributes(l.attributes) })),
    resource: mergedResource(span.resource.attributes, resource),
    scope: capturedScope(scope),
  } as { -readonly [K in keyof CapturedSpan]: CapturedSpan[K] }
  if (parentSpanId !== undefined) captured.parentSpanId = parentSpanId
  return captured
}

// A tracer's spans share its scope object: one captured scope per tracer, not per span.
const scopes = new WeakMap<object, CapturedSpan['scope']>()

function capturedScope(scope: ReadableSpan['instrumentationScope']): CapturedSpan['scope'] {
  let captured = scopes.get(scope)
  if (captured === undefined) {
    captured = Object.freeze(scope.version === undefined ? { name: scope.name } : { name: scope.name, version: scope.version })
    scopes.set(scope, captured)
  }
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

let lastMerge: { own: OtelAttributes; override: Attributes; merged: Attributes } | undefined

function mergedResource(own: OtelAttributes, override: Attributes): Attributes {
  if (lastMerge !== undefined && lastMerge.own === own && lastMerge.override === override) return lastMerge.merged
  lastMerge = { own, override, merged: mergedResourceOf(own, override) }
  return lastMerge.merged
}

function mergedResourceOf(own: OtelAttributes, override: Attributes): Attributes {
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
