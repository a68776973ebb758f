import type { AttributeValue, Attributes, CapturedSpan, SpanKindName, StatusCodeName } from '../../model/captured-span.js'
import { Trace } from '../../select/trace.js'
import { treeOf } from '../../select/trace-trees.js'

/** An OTLP `AnyValue` in the OTLP/JSON encoding. */
export type OtlpJsonValue =
  | { readonly stringValue: string }
  | { readonly boolValue: boolean }
  | { readonly intValue: string }
  | { readonly doubleValue: number }
  | { readonly arrayValue: { readonly values: readonly OtlpJsonValue[] } }
  | Record<string, never>

/** An OTLP `KeyValue` in the OTLP/JSON encoding. */
export interface OtlpJsonKeyValue {
  readonly key: string
  readonly value: OtlpJsonValue
}

/**
 * An `ExportTraceServiceRequest` in the OTLP/JSON encoding (ids as hex, times as decimal strings
 * of nanoseconds, enums as numbers), as `POST /v1/traces` with `content-type: application/json`
 * takes it.
 */
export interface OtlpJsonTraces {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpJsonKeyValue[] }
    readonly scopeSpans: readonly {
      readonly scope: { readonly name: string; readonly version?: string }
      readonly spans: readonly Record<string, unknown>[]
    }[]
  }[]
}

const KIND: Readonly<Record<SpanKindName, number>> = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 }
const STATUS: Readonly<Record<StatusCodeName, number>> = { UNSET: 0, OK: 1, ERROR: 2 }

/**
 * Exports captured traces as OTLP/JSON, to load them into any OpenTelemetry backend (Jaeger,
 * Tempo, an OpenTelemetry Collector's `otlpjsonfile` receiver) or to keep them with a CI run.
 * Spans are grouped by resource and instrumentation scope as an SDK would send them.
 *
 * @example
 * ```ts
 * const { trace } = await svc.request('GET /orders/42')
 * writeFileSync('trace.otlp.json', JSON.stringify(toOtlpJson([trace])))
 * ```
 */
export function toOtlpJson(traces: Iterable<Trace | CapturedSpan>): OtlpJsonTraces {
  const resources = new Map<string, { attributes: Attributes; scopes: Map<string, { name: string; version?: string; spans: Record<string, unknown>[] }> }>()
  for (const item of traces) {
    const spans = item instanceof Trace ? treeOf(item).spans() : [item]
    for (const span of spans) {
      const resourceId = JSON.stringify(Object.entries(span.resource).sort(([a], [b]) => a.localeCompare(b)))
      let resource = resources.get(resourceId)
      if (resource === undefined) resources.set(resourceId, (resource = { attributes: span.resource, scopes: new Map() }))
      const scopeId = `${span.scope.name}\u0000${span.scope.version ?? ''}`
      let scope = resource.scopes.get(scopeId)
      if (scope === undefined) {
        resource.scopes.set(scopeId, (scope = { name: span.scope.name, ...(span.scope.version === undefined ? {} : { version: span.scope.version }), spans: [] }))
      }
      scope.spans.push(toOtlpSpan(span))
    }
  }
  return {
    resourceSpans: [...resources.values()].map((resource) => ({
      resource: { attributes: toKeyValues(resource.attributes) },
      scopeSpans: [...resource.scopes.values()].map(({ spans, ...scope }) => ({ scope, spans })),
    })),
  }
}

function toOtlpSpan(span: CapturedSpan): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    name: span.name,
    kind: KIND[span.kind],
    startTimeUnixNano: span.start.toString(),
    endTimeUnixNano: span.end.toString(),
    attributes: toKeyValues(span.attributes),
    events: span.events.map((event) => ({ timeUnixNano: event.time.toString(), name: event.name, attributes: toKeyValues(event.attributes) })),
    links: span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: toKeyValues(link.attributes) })),
    status: { code: STATUS[span.status.code], ...(span.status.message === undefined ? {} : { message: span.status.message }) },
  }
}

function toKeyValues(attributes: Attributes): OtlpJsonKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(value) }))
}

function toAnyValue(value: AttributeValue | string | number | boolean | null): OtlpJsonValue {
  if (value === null) return {}
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value }
  return { arrayValue: { values: (value as readonly (string | number | boolean | null)[]).map(toAnyValue) } }
}
