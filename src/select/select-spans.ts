import { JSONPath } from 'jsonpath-plus'
import { serviceOf } from '../model/captured-span.js'
import type { Attributes, AttributeValue, CapturedSpan } from '../model/captured-span.js'
import { SelectorError } from '../errors.js'
import { describeValue } from './describe.js'
import { isAsymmetricMatcher, SPAN_KINDS, SPAN_QUERY_KEYS, STATUS_CODES } from './selector.js'
import type { EventQuery, ScopeQuery, Selector, SpanQuery, TextMatcher } from './selector.js'
import type { Trace } from './trace.js'
import { resolveLinks, treeOf } from './trace-trees.js'
import type { ResolvedLink } from './trace-trees.js'

/** Equality used for attribute values; matchers pass vitest's `this.equals`. */
export type Equals = (actual: unknown, expected: unknown) => boolean

/** One field of a query that a span did not satisfy. */
export interface Mismatch {
  /** `name`, `kind`, `status`, `service`, `attributes["db.system.name"]`, `parent`, `ancestor`, `hasEvent` … */
  readonly field: string
  readonly expected: string
  readonly actual: string
}

/** A span that came close to a selector, with what differed. */
export interface Candidate {
  readonly span: CapturedSpan
  readonly mismatches: readonly Mismatch[]
  /** 0 (nothing alike) to 1 (matches). */
  readonly score: number
}

/**
 * Every span of `trace` matching `selector`, in start order.
 *
 * @example
 * ```ts
 * selectSpans(trace, { kind: 'CLIENT', attributes: { 'server.address': 'payments' } })
 * ```
 */
export function selectSpans(trace: Trace, selector: Selector, equals: Equals = defaultEquals): CapturedSpan[] {
  const match = compileSelector(selector, equals)
  return treeOf(trace).spans().filter((span) => match(span, trace))
}

/** True when `span` (a member of `trace`) matches `selector`. */
export function matchesSelector(span: CapturedSpan, trace: Trace, selector: Selector, equals: Equals = defaultEquals): boolean {
  return compileSelector(selector, equals)(span, trace)
}

type Matcher = (span: CapturedSpan, trace: Trace) => boolean

/**
 * Validates a selector once and returns a function testing spans against it. Throws
 * {@link SelectorError} for unknown query keys, bad kinds or statuses, or an invalid JSONPath.
 */
export function compileSelector(selector: Selector, equals: Equals = defaultEquals): Matcher {
  if (typeof selector === 'string') {
    if (selector.startsWith('$')) return compileJsonPath(selector)
    return (span) => span.name === selector
  }
  if (selector instanceof RegExp) {
    return (span) => testRegExp(selector, span.name)
  }
  if (typeof selector === 'function') {
    return (span, trace) => selector(span, trace) === true
  }
  if (typeof selector === 'object' && selector !== null && !Array.isArray(selector)) {
    const checks = compileQuery(selector, equals)
    return (span, trace) => {
      for (const check of checks) if (!check.test(span, trace)) return false
      return true
    }
  }
  throw new SelectorError(
    `Invalid selector ${describeValue(selector)}: expected a span name (string), a RegExp, an object query ` +
      `(${SPAN_QUERY_KEYS.join(', ')}), a predicate function or a JSONPath string starting with "$".`,
  )
}

/**
 * The spans closest to matching `selector`, best first, with what differs. Used to explain a
 * failed lookup; spans that match are left out.
 */
export function closestSpans(trace: Trace, selector: Selector, limit = 3, equals: Equals = defaultEquals): Candidate[] {
  const explain = compileExplainer(selector, equals)
  const out: Candidate[] = []
  for (const span of treeOf(trace).spans()) {
    const result = explain(span, trace)
    if (result.mismatches.length === 0) continue
    out.push({ span, ...result })
  }
  out.sort((a, b) => b.score - a.score || a.mismatches.length - b.mismatches.length)
  // For an object query every span is a candidate: even one that matches nothing shows, through
  // its mismatches, the values that were there. A bare name or RegExp needs some likeness.
  const isQuery = typeof selector === 'object' && selector !== null && !(selector instanceof RegExp)
  return (isQuery ? out : out.filter((c) => c.score > 0)).slice(0, limit)
}

/** What differs between `span` and `selector` (empty when it matches). */
export function explainMismatch(span: CapturedSpan, trace: Trace, selector: Selector, equals: Equals = defaultEquals): Mismatch[] {
  return [...compileExplainer(selector, equals)(span, trace).mismatches]
}

/** A one-line description of a selector, for messages. */
export function describeSelector(selector: Selector): string {
  if (typeof selector === 'string') return selector.startsWith('$') ? `JSONPath ${selector}` : JSON.stringify(selector)
  if (typeof selector === 'function') return selector.name ? `predicate ${selector.name}` : 'a predicate function'
  return describeValue(selector)
}

function compileExplainer(selector: Selector, equals: Equals): (span: CapturedSpan, trace: Trace) => { mismatches: Mismatch[]; score: number } {
  if (typeof selector === 'object' && selector !== null && !(selector instanceof RegExp)) {
    const checks = compileQuery(selector, equals)
    return (span, trace) => {
      const mismatches: Mismatch[] = []
      // The name says most about which span was meant, so it weighs as much as two other fields;
      // a near-miss on it earns part of that.
      let earned = 0
      let possible = 0
      for (const check of checks) {
        const weight = check.field === 'name' ? 2 : 1
        possible += weight
        if (check.test(span, trace)) {
          earned += weight
          continue
        }
        mismatches.push({ field: check.field, expected: check.expected, actual: check.actual(span, trace) })
        if (check.field === 'name') earned += weight * 0.5 * nameSimilarity(selector.name, span.name)
      }
      return { mismatches, score: possible === 0 ? 1 : earned / possible }
    }
  }
  const match = compileSelector(selector, equals)
  return (span, trace) => {
    if (match(span, trace)) return { mismatches: [], score: 1 }
    const score = typeof selector === 'string' && !selector.startsWith('$')
      ? nameSimilarity(selector, span.name)
      : selector instanceof RegExp ? nameSimilarity(selector.source, span.name) * 0.8 : 0
    return { mismatches: [{ field: 'name', expected: describeSelector(selector), actual: JSON.stringify(span.name) }], score }
  }
}

interface Check {
  readonly field: string
  readonly expected: string
  test(span: CapturedSpan, trace: Trace): boolean
  actual(span: CapturedSpan, trace: Trace): string
}

function compileQuery(query: SpanQuery, equals: Equals): Check[] {
  const unknown = Object.keys(query).filter((k) => !(SPAN_QUERY_KEYS as readonly string[]).includes(k))
  if (unknown.length > 0) {
    throw new SelectorError(
      `Unknown selector key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} in ${describeValue(query)}. ` +
        `Allowed keys: ${SPAN_QUERY_KEYS.join(', ')}.` +
        (unknown.some((k) => k.includes('.')) ? ' Span attributes go under `attributes`, e.g. { attributes: { "http.route": "/x" } }.' : ''),
    )
  }
  const checks: Check[] = []
  if (query.name !== undefined) {
    const expected = query.name
    assertTextMatcher('name', expected)
    checks.push({
      field: 'name',
      expected: describeValue(expected),
      test: (span) => matchText(expected, span.name, equals),
      actual: (span) => JSON.stringify(span.name),
    })
  }
  if (query.kind !== undefined) {
    const kinds = (Array.isArray(query.kind) ? query.kind : [query.kind]).map((k: unknown) => normaliseEnum('kind', k, SPAN_KINDS))
    checks.push({
      field: 'kind',
      expected: kinds.join(' | '),
      test: (span) => kinds.includes(span.kind),
      actual: (span) => span.kind,
    })
  }
  if (query.status !== undefined) {
    const status = query.status
    if (typeof status !== 'string' && (typeof status !== 'object' || status === null || Array.isArray(status))) {
      throw new SelectorError(`Invalid selector: status must be a status code (${STATUS_CODES.join(', ')}) or { code, message }, got ${describeValue(status)}.`)
    }
    const code = typeof status === 'string' ? normaliseEnum('status', status, STATUS_CODES)
      : status.code === undefined ? undefined : normaliseEnum('status.code', status.code, STATUS_CODES)
    const message = typeof status === 'object' ? status.message : undefined
    if (typeof status === 'object') {
      const extra = Object.keys(status).filter((k) => k !== 'code' && k !== 'message')
      if (extra.length) throw new SelectorError(`Unknown key ${JSON.stringify(extra[0])} in status ${describeValue(status)}. Allowed keys: code, message.`)
    }
    checks.push({
      field: 'status',
      expected: typeof status === 'string' ? String(code) : describeValue(status),
      test: (span) => (code === undefined || span.status.code === code) &&
        (message === undefined || matchText(message, span.status.message ?? '', equals)),
      actual: (span) => span.status.message ? `${span.status.code} ${JSON.stringify(span.status.message)}` : span.status.code,
    })
  }
  if (query.service !== undefined) {
    const expected = query.service
    assertTextMatcher('service', expected)
    checks.push({
      field: 'service',
      expected: describeValue(expected),
      test: (span) => matchText(expected, serviceOf(span), equals),
      actual: (span) => JSON.stringify(serviceOf(span)),
    })
  }
  if (query.attributes !== undefined) checks.push(...attributeChecks('attributes', query.attributes, (span) => span.attributes, equals))
  if (query.resource !== undefined) checks.push(...attributeChecks('resource', query.resource, (span) => span.resource, equals))
  if (query.scope !== undefined) checks.push(scopeCheck(query.scope, equals))
  if (query.linkedTo !== undefined) checks.push(linkCheck(query.linkedTo, equals))
  if (query.parent !== undefined) {
    const parentMatch = compileSelector(query.parent, equals)
    checks.push({
      field: 'parent',
      expected: describeSelector(query.parent),
      test: (span, trace) => {
        const parent = treeOf(trace).parent(span)
        return parent !== undefined && parentMatch(parent, trace)
      },
      actual: (span, trace) => {
        const parent = treeOf(trace).parent(span)
        return parent === undefined ? '(no parent in trace)' : `${JSON.stringify(parent.name)} ${parent.kind}`
      },
    })
  }
  if (query.ancestor !== undefined) {
    const ancestorMatch = compileSelector(query.ancestor, equals)
    checks.push({
      field: 'ancestor',
      expected: describeSelector(query.ancestor),
      test: (span, trace) => treeOf(trace).ancestors(span).some((a) => ancestorMatch(a, trace)),
      actual: (span, trace) => {
        const names = treeOf(trace).ancestors(span).map((a) => JSON.stringify(a.name))
        return names.length ? names.join(' < ') : '(no ancestors in trace)'
      },
    })
  }
  if (query.hasEvent !== undefined) {
    const eventMatch = compileEventQuery(query.hasEvent, equals)
    checks.push({
      field: 'hasEvent',
      expected: describeValue(query.hasEvent),
      test: (span) => span.events.some(eventMatch),
      actual: (span) => span.events.length ? span.events.map((e) => JSON.stringify(e.name)).join(', ') : '(no events)',
    })
  }
  return checks
}

// `attributes` and `resource` are both maps of dotted keys to expected values, read off the span.
function attributeChecks(field: 'attributes' | 'resource', expectedMap: unknown, read: (span: CapturedSpan) => Attributes, equals: Equals): Check[] {
  if (typeof expectedMap !== 'object' || expectedMap === null || Array.isArray(expectedMap)) {
    throw new SelectorError(`Invalid selector: ${field} must be an object of attribute name to expected value, got ${describeValue(expectedMap)}.`)
  }
  return Object.entries(expectedMap).map(([key, expected]): Check => ({
    field: `${field}[${JSON.stringify(key)}]`,
    expected: expected === undefined ? '(absent)' : describeValue(expected),
    test: (span) => expected === undefined ? !(key in read(span)) : matchAttribute(expected, read(span)[key], equals),
    actual: (span) => key in read(span) ? describeValue(read(span)[key]) : '(absent)',
  }))
}

function scopeCheck(scope: TextMatcher | ScopeQuery, equals: Equals): Check {
  const byName = typeof scope === 'string' || scope instanceof RegExp || isAsymmetricMatcher(scope)
  if (!byName && (typeof scope !== 'object' || scope === null || Array.isArray(scope))) {
    throw new SelectorError(`Invalid selector: scope must be a scope name (string, RegExp or asymmetric matcher) or { name, version }, got ${describeValue(scope)}.`)
  }
  const query: ScopeQuery = byName ? { name: scope } : scope
  const extra = Object.keys(query).filter((k) => k !== 'name' && k !== 'version')
  if (extra.length) throw new SelectorError(`Unknown key ${JSON.stringify(extra[0])} in scope ${describeValue(scope)}. Allowed keys: name, version.`)
  if (query.name !== undefined) assertTextMatcher('scope.name', query.name)
  if (query.version !== undefined) assertTextMatcher('scope.version', query.version)
  return {
    field: 'scope',
    expected: describeValue(scope),
    test: (span) => (query.name === undefined || matchText(query.name, span.scope.name, equals)) &&
      (query.version === undefined || (span.scope.version !== undefined && matchText(query.version, span.scope.version, equals))),
    actual: (span) => `${JSON.stringify(span.scope.name)}${span.scope.version === undefined ? '' : ` ${span.scope.version}`}`,
  }
}

// A link may point into another trace; the target is matched in the trace it belongs to, so a
// nested `parent` or `service` reads that span's own relatives.
function linkCheck(selector: Selector, equals: Equals): Check {
  const match = compileSelector(selector, equals)
  return {
    field: 'linkedTo',
    expected: describeSelector(selector),
    test: (span, trace) => resolveLinks(trace, span).some((r) => r.span !== undefined && r.trace !== undefined && match(r.span, r.trace)),
    actual: (span, trace) => describeLinks(resolveLinks(trace, span)),
  }
}

/** `"publish" PRODUCER (orders)`, or `trace … span … (not captured)`, per link, for messages. */
export function describeLinks(links: readonly ResolvedLink[]): string {
  if (links.length === 0) return '(no links)'
  return links.map(({ link, span }) => span === undefined
    ? `trace ${link.traceId} span ${link.spanId} (not captured)`
    : `${JSON.stringify(span.name)} ${span.kind} (${serviceOf(span)})`).join(', ')
}

/** A test for one event against an event query (name, or name and attributes). */
export function compileEventQuery(query: EventQuery, equals: Equals = defaultEquals): (event: CapturedSpan['events'][number]) => boolean {
  if (typeof query === 'string' || query instanceof RegExp || isAsymmetricMatcher(query)) {
    return (event) => matchText(query, event.name, equals)
  }
  if (typeof query !== 'object' || query === null) {
    throw new SelectorError(`Invalid event query ${describeValue(query)}: expected an event name, a RegExp or { name, attributes }.`)
  }
  const extra = Object.keys(query).filter((k) => k !== 'name' && k !== 'attributes')
  if (extra.length) throw new SelectorError(`Unknown key ${JSON.stringify(extra[0])} in event query ${describeValue(query)}. Allowed keys: name, attributes.`)
  const { name, attributes } = query
  return (event) => (name === undefined || matchText(name, event.name, equals)) &&
    (attributes === undefined || Object.entries(attributes).every(([k, v]) => matchAttribute(v, event.attributes[k], equals)))
}

/** Compares a string field with an exact string, a RegExp or an asymmetric matcher. */
export function matchText(expected: unknown, actual: string, equals: Equals = defaultEquals): boolean {
  if (typeof expected === 'string') return expected === actual
  if (expected instanceof RegExp) return testRegExp(expected, actual)
  return equals(actual, expected)
}

/** Compares an attribute value with an exact value, a RegExp (strings only) or a matcher. */
export function matchAttribute(expected: unknown, actual: AttributeValue | undefined, equals: Equals = defaultEquals): boolean {
  // A listed attribute must be present, even for matchers like expect.not.stringMatching() that
  // would accept undefined; "must be absent" is spelled `undefined`.
  if (actual === undefined) return false
  if (expected instanceof RegExp) return typeof actual === 'string' && testRegExp(expected, actual)
  return equals(actual, expected)
}

/** Deep equality for attribute values that honours asymmetric matchers on the expected side. */
export function defaultEquals(actual: unknown, expected: unknown): boolean {
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual)
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => defaultEquals(actual[i], v))
  }
  return Object.is(actual, expected)
}

function testRegExp(re: RegExp, value: string): boolean {
  // A /g or /y RegExp keeps state between calls; reset it so every span is tested from the start.
  re.lastIndex = 0
  return re.test(value)
}

function assertTextMatcher(field: string, value: unknown): void {
  if (typeof value === 'string' || value instanceof RegExp || isAsymmetricMatcher(value)) return
  throw new SelectorError(`Invalid selector: ${field} must be a string, a RegExp or an asymmetric matcher such as expect.stringMatching(), got ${describeValue(value)}.`)
}

function normaliseEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  const upper = typeof value === 'string' ? value.toUpperCase() : value
  if (typeof upper === 'string' && (allowed as readonly string[]).includes(upper)) return upper as T
  throw new SelectorError(`Invalid selector: ${field} must be one of ${allowed.join(', ')}, got ${describeValue(value)}.`)
}

function nameSimilarity(expected: unknown, actual: string): number {
  const wanted = typeof expected === 'string' ? expected : expected instanceof RegExp ? expected.source : undefined
  if (wanted === undefined || wanted.length === 0) return 0
  const a = wanted.toLowerCase()
  const b = actual.toLowerCase()
  if (b.includes(a) || a.includes(b)) return 0.9 * Math.min(a.length, b.length) / Math.max(a.length, b.length) + 0.1
  return 1 - levenshtein(a, b) / Math.max(a.length, b.length)
}

function levenshtein(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Math.max(a.length, b.length)
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
    }
    prev = cur
  }
  return prev[b.length] as number
}

// jsonpath-plus reads an unclosed bracket or quote leniently (`$.a['b` becomes `$.a.b`), which
// would turn a typo into a selector that silently matches nothing, or everything.
function unbalancedPart(path: string): string | undefined {
  let depth = 0
  let quote: string | undefined
  for (let i = 0; i < path.length; i++) {
    const c = path[i]
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === "'" || c === '"') quote = c
    else if (c === '[') depth++
    else if (c === ']' && --depth < 0) return `a "]" at position ${i + 1} closes nothing`
  }
  if (quote !== undefined) return `a ${quote} quote is never closed`
  if (depth > 0) return `${depth} "[" ${depth === 1 ? 'is' : 'are'} never closed`
  return undefined
}

const jsonOfSpan = new WeakMap<CapturedSpan, unknown>()

/** The span as plain JSON (bigints as decimal strings) for JSONPath queries and reports. */
export function spanToJson(span: CapturedSpan): unknown {
  let json = jsonOfSpan.get(span)
  if (json === undefined) {
    json = JSON.parse(JSON.stringify(span, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
    jsonOfSpan.set(span, json)
  }
  return json
}

function compileJsonPath(path: string): Matcher {
  const refuse = (reason: string, cause?: unknown): SelectorError => new SelectorError(
    `Invalid JSONPath selector ${JSON.stringify(path)}: ${reason.replace(/\.+$/, '')}. ` +
      'Script expressions such as ?(@.x > 1) or (@.length-1) are disabled, so nothing in a selector runs as code; ' +
      `select a value instead, e.g. "$.attributes['db.system.name']", or use an object query or a predicate.`,
    cause === undefined ? undefined : { cause },
  )
  // Refused up front, wherever they sit in the path: the library only meets a nested filter when
  // a document reaches it, and an empty probe document would not.
  if (/\?\s*\(|\(\s*@|\[\s*\(/.test(path)) throw refuse('it contains a script expression')
  const unbalanced = unbalancedPart(path)
  if (unbalanced) throw refuse(unbalanced)
  try {
    JSONPath({ path, json: {}, eval: false, wrap: true })
  } catch (error) {
    throw refuse((error as Error).message, error)
  }
  return (span) => {
    let result: unknown[]
    try {
      result = JSONPath({ path, json: spanToJson(span) as object, eval: false, wrap: true }) as unknown[]
    } catch (error) {
      throw refuse((error as Error).message, error)
    }
    return result.some((v) => v !== undefined && v !== null)
  }
}
