import type { AttributeValue, CapturedSpan, SpanKindName, StatusCodeName } from '../model/captured-span.js'
import type { Trace } from './trace.js'

/**
 * Anything with `asymmetricMatch`, such as vitest's `expect.stringMatching(...)`,
 * `expect.any(Number)` or `expect.closeTo(...)`. tracewright calls it without importing vitest.
 */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean
}

/** What a string field of a span may be compared with: the exact value, a RegExp or a matcher. */
export type TextMatcher = string | RegExp | AsymmetricMatcherLike

/** An expected attribute value: exact (arrays compared element-wise), a RegExp for strings, or a matcher. */
export type AttributeMatcher = AttributeValue | RegExp | AsymmetricMatcherLike

/** An event a span must have: its name, or its name and some of its attributes. */
export type EventQuery = TextMatcher | { readonly name?: TextMatcher; readonly attributes?: Readonly<Record<string, AttributeMatcher>> }

/**
 * An object query. Every given key must match; omitted keys match anything.
 *
 * @example
 * ```ts
 * trace.span({ kind: 'CLIENT', service: 'orders', attributes: { 'db.system.name': 'postgresql' } })
 * trace.spans({ name: /SELECT/, parent: { kind: 'SERVER' } })
 * ```
 */
export interface SpanQuery {
  readonly name?: TextMatcher
  readonly kind?: SpanKindName | readonly SpanKindName[]
  readonly status?: StatusCodeName | { readonly code?: StatusCodeName; readonly message?: TextMatcher }
  /** `service.name` of the span's resource. */
  readonly service?: TextMatcher
  /** Each listed attribute must be present and equal; `undefined` as a value means "must be absent". */
  readonly attributes?: Readonly<Record<string, AttributeMatcher | undefined>>
  /** The span's direct parent must match this selector. */
  readonly parent?: Selector
  /** Some ancestor of the span must match this selector. */
  readonly ancestor?: Selector
  /** The span must have an event matching this. */
  readonly hasEvent?: EventQuery
  /**
   * Resource attributes of the process that emitted the span, like `attributes`:
   * `{ 'service.version': '2.4.0' }`; `undefined` as a value means "must be absent".
   */
  readonly resource?: Readonly<Record<string, AttributeMatcher | undefined>>
  /** The instrumentation scope that made the span: its name, or `{ name, version }`. */
  readonly scope?: TextMatcher | ScopeQuery
  /**
   * The span must have a link to a span matching this selector: one in the same trace, or in
   * another trace the store holds (a batch consumer linking to the producers of its messages).
   */
  readonly linkedTo?: Selector
}

/** An instrumentation scope a span must come from; omitted keys match anything. */
export interface ScopeQuery {
  readonly name?: TextMatcher
  readonly version?: TextMatcher
}

/** A function deciding whether a span matches. It is given the span's trace for relatives. */
export type SpanPredicate = (span: CapturedSpan, trace: Trace) => boolean

/**
 * Picks spans out of a trace:
 * - a string is an exact span name (a string starting with `$` is a JSONPath over the span as JSON:
 *   the span matches when the path yields at least one value; script filters are disabled);
 * - a RegExp is tested against the span name;
 * - a {@link SpanQuery} object;
 * - a {@link SpanPredicate}.
 *
 * @example
 * ```ts
 * trace.span('GET /orders/:id')
 * trace.span(/^SELECT/)
 * trace.span({ kind: 'SERVER' })
 * trace.span((s) => s.durationMs > 100)
 * trace.spans("$.attributes['db.query.text']")
 * ```
 */
export type Selector = string | RegExp | SpanQuery | SpanPredicate

/** Keys an object query accepts, in the order they are documented. */
export const SPAN_QUERY_KEYS = ['name', 'kind', 'status', 'service', 'attributes', 'parent', 'ancestor', 'hasEvent', 'resource', 'scope', 'linkedTo'] as const

export const SPAN_KINDS: readonly SpanKindName[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']
export const STATUS_CODES: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR']

/** True for vitest's (or any library's) asymmetric matchers. */
export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcherLike {
  return typeof value === 'object' && value !== null &&
    typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function'
}
