import { describe, expect, test } from 'vitest'
import { closestSpans, explainMismatch, matchesSelector, selectSpans, SelectorError, SpanLookupError, TracewrightError } from 'tracewright'
import type { CapturedSpan, Selector, Trace } from 'tracewright'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { errorOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()

/** Names of the selected spans, in start order. */
function names(selector: Selector, from: Trace = trace): string[] {
  return selectSpans(from, selector).map((s) => s.name)
}

const ALL_QUERY_KEYS = 'Allowed keys: name, kind, status, service, attributes, parent, ancestor, hasEvent, resource, scope, linkedTo.'

describe('string selectors', () => {
  test('match the span name exactly', () => {
    expect(names('SELECT items')).toEqual(['SELECT items', 'SELECT items', 'SELECT items'])
    expect(names('GET')).toEqual(['GET'])
    expect(names('SELECT')).toEqual([])
    expect(names('select orders')).toEqual([])
  })
})

describe('RegExp selectors', () => {
  test('are tested against the span name', () => {
    expect(names(/^SELECT/)).toEqual(['SELECT orders', 'SELECT items', 'SELECT items', 'SELECT items'])
    expect(names(/^get\b/i)).toEqual(['GET /orders/:id', 'GET', 'GET /stock/:sku'])
  })

  test('a /g RegExp gives the same answer on every span and on every call', () => {
    const global = /SELECT/g
    for (let i = 0; i < 3; i++) expect(selectSpans(trace, global)).toHaveLength(4)
    const sticky = /items/gy
    expect(selectSpans(trace, { name: /SELECT items/g })).toHaveLength(3)
    expect(selectSpans(trace, { name: /SELECT items/g })).toHaveLength(3)
    expect(selectSpans(trace, sticky)).toHaveLength(0)
    const attribute = /postgresql/g
    for (let i = 0; i < 3; i++) expect(selectSpans(trace, { attributes: { 'db.system.name': attribute } })).toHaveLength(4)
  })
})

describe('object queries', () => {
  test('name: string, RegExp or asymmetric matcher', () => {
    expect(names({ name: 'compute total' })).toEqual(['compute total'])
    expect(names({ name: /stock/ })).toEqual(['GET /stock/:sku'])
    expect(names({ name: expect.stringContaining('orders') })).toEqual(['GET /orders/:id', 'SELECT orders'])
  })

  test('kind: one, several, and lower-case', () => {
    expect(names({ kind: 'SERVER' })).toEqual(['GET /orders/:id', 'GET /stock/:sku'])
    expect(names({ kind: ['SERVER', 'INTERNAL'] })).toEqual(['GET /orders/:id', 'GET /stock/:sku', 'compute total'])
    expect(names({ kind: 'internal' as never })).toEqual(['compute total'])
    expect(names({ kind: ['server', 'Internal'] as never })).toEqual(['GET /orders/:id', 'GET /stock/:sku', 'compute total'])
    expect(names({ kind: 'PRODUCER' })).toEqual([])
  })

  test('an unknown kind is a SelectorError naming the allowed kinds', () => {
    expect(() => selectSpans(trace, { kind: 'server-ish' as never })).toThrowError(new SelectorError('Invalid selector: kind must be one of INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER, got "server-ish".'))
  })

  test('status: a code string (any case) or { code, message }', () => {
    expect(names({ status: 'ERROR' })).toEqual(['GET', 'GET /stock/:sku'])
    expect(names({ status: 'error' as never })).toEqual(['GET', 'GET /stock/:sku'])
    expect(names({ status: 'UNSET' })).toHaveLength(6)
    expect(names({ status: { code: 'ERROR' } })).toEqual(['GET', 'GET /stock/:sku'])
    expect(names({ status: { code: 'ERROR', message: 'inventory answered 503' } })).toEqual(['GET'])
    expect(names({ status: { message: /503/ } })).toEqual(['GET'])
    expect(names({ status: { message: expect.stringContaining('answered') } })).toEqual(['GET'])
    expect(names({ status: { code: 'OK' } })).toEqual([])
  })

  test('status: unknown codes and keys are SelectorErrors', () => {
    expect(() => selectSpans(trace, { status: 'FAILED' as never })).toThrowError(/^Invalid selector: status must be one of UNSET, OK, ERROR, got "FAILED"\.$/)
    expect(() => selectSpans(trace, { status: { code: 'ERROR', reason: 'x' } as never })).toThrowError(SelectorError)
    expect(() => selectSpans(trace, { status: { code: 'ERROR', reason: 'x' } as never })).toThrowError(/Unknown key "reason" in status .*Allowed keys: code, message\./)
  })

  test('service: the resource service.name', () => {
    expect(names({ service: 'inventory' })).toEqual(['GET /stock/:sku'])
    expect(names({ service: /^ord/ })).toHaveLength(7)
    expect(names({ service: expect.stringMatching(/inv/) })).toEqual(['GET /stock/:sku'])
    expect(names({ service: 'payments' })).toEqual([])
  })

  test('attributes: exact values of every type', () => {
    expect(names({ attributes: { 'http.route': '/orders/:id' } })).toEqual(['GET /orders/:id'])
    expect(names({ attributes: { 'http.response.status_code': 503 } })).toEqual(['GET', 'GET /stock/:sku'])
    expect(names({ attributes: { 'http.response.status_code': '503' } })).toEqual([])
    expect(names({ attributes: { 'order.discounted': false } })).toEqual(['compute total'])
    expect(names({ attributes: { 'db.system.name': 'postgresql', 'db.collection.name': 'items' } })).toHaveLength(3)
  })

  test('attributes: arrays are compared element-wise and in order', () => {
    expect(names({ attributes: { 'order.skus': ['KB-01', 'MS-02'] } })).toEqual(['compute total'])
    expect(names({ attributes: { 'order.skus': ['MS-02', 'KB-01'] } })).toEqual([])
    expect(names({ attributes: { 'order.skus': ['KB-01'] } })).toEqual([])
    expect(names({ attributes: { 'order.skus': [expect.any(String), 'MS-02'] as never } })).toEqual(['compute total'])
  })

  test('attributes: a RegExp matches string values only', () => {
    expect(names({ attributes: { 'db.query.text': /FROM items/ } })).toHaveLength(3)
    expect(names({ attributes: { 'http.response.status_code': /503/ } })).toEqual([])
  })

  test('attributes: asymmetric matchers', () => {
    expect(names({ attributes: { 'http.response.status_code': expect.any(Number) } })).toEqual(['GET /orders/:id', 'GET', 'GET /stock/:sku'])
    expect(names({ attributes: { 'order.total': expect.closeTo(129.9, 1) } })).toEqual(['compute total'])
    expect(names({ attributes: { 'url.full': expect.stringContaining('/stock/KB-01') } })).toEqual(['GET'])
  })

  test('attributes: a listed attribute must be present, even for a matcher that accepts undefined', () => {
    expect(names({ attributes: { 'error.type': expect.not.stringContaining('5') } })).toEqual([])
  })

  test('attributes: undefined means the attribute must be absent', () => {
    expect(names({ attributes: { 'db.system.name': undefined } })).toEqual(['GET /orders/:id', 'GET', 'GET /stock/:sku', 'compute total'])
    expect(names({ kind: 'CLIENT', attributes: { 'error.type': undefined } })).toHaveLength(4)
  })

  test('attributes: anything but an object is a SelectorError', () => {
    expect(() => selectSpans(trace, { attributes: ['http.route'] as never })).toThrowError(/^Invalid selector: attributes must be an object of attribute name to expected value, got \["http\.route"\]\.$/)
  })

  test('parent: any selector for the direct parent', () => {
    expect(names({ parent: 'GET' })).toEqual(['GET /stock/:sku'])
    expect(names({ parent: { kind: 'SERVER' }, kind: 'INTERNAL' })).toEqual(['compute total'])
    expect(names({ parent: /^GET \/orders/ })).toHaveLength(6)
    expect(names({ parent: (s: CapturedSpan) => s.status.code === 'ERROR' })).toEqual(['GET /stock/:sku'])
    expect(names({ name: 'GET /orders/:id', parent: {} })).toEqual([])
  })

  test('ancestor: any selector for some ancestor', () => {
    expect(names({ ancestor: 'GET /orders/:id' })).toHaveLength(7)
    expect(names({ ancestor: { kind: 'CLIENT' } })).toEqual(['GET /stock/:sku'])
    expect(names({ kind: 'SERVER', ancestor: { kind: 'SERVER' } })).toEqual(['GET /stock/:sku'])
    expect(names({ ancestor: 'GET /stock/:sku' })).toEqual([])
  })

  test('hasEvent: a name, a RegExp, a matcher, or { name, attributes }', () => {
    expect(names({ hasEvent: 'exception' })).toEqual(['GET'])
    expect(names({ hasEvent: /^price\./ })).toEqual(['compute total'])
    expect(names({ hasEvent: expect.stringContaining('recalculated') })).toEqual(['compute total'])
    expect(names({ hasEvent: { name: 'price.recalculated', attributes: { currency: 'EUR' } } })).toEqual(['compute total'])
    expect(names({ hasEvent: { name: 'price.recalculated', attributes: { currency: 'USD' } } })).toEqual([])
    expect(names({ hasEvent: { attributes: { 'exception.message': /503/ } } })).toEqual(['GET'])
    expect(() => selectSpans(trace, { hasEvent: { name: 'x', at: 1 } as never })).toThrowError(/Unknown key "at" in event query/)
  })

  test('every key must match; an empty query matches every span', () => {
    expect(names({ name: 'GET', kind: 'CLIENT', status: 'ERROR', service: 'orders', parent: { kind: 'SERVER' }, hasEvent: 'exception' })).toEqual(['GET'])
    expect(names({ name: 'GET', kind: 'SERVER' })).toEqual([])
    expect(names({})).toHaveLength(8)
  })

  test('unknown keys are a SelectorError listing the allowed keys', () => {
    const error = errorOf(() => selectSpans(trace, { nam: 'GET', route: '/x' } as never))
    expect(error).toBeInstanceOf(SelectorError)
    expect(error).toBeInstanceOf(TracewrightError)
    expect(error).toMatchObject({ name: 'SelectorError', code: 'ERR_TRACEWRIGHT_SELECTOR' })
    expect(error.message).toBe(`Unknown selector keys "nam", "route" in { nam: "GET", route: "/x" }. ${ALL_QUERY_KEYS}`)
  })

  test('a dotted unknown key hints that attributes go under `attributes`', () => {
    expect(() => selectSpans(trace, { 'http.route': '/orders/:id' } as never)).toThrowError(new SelectorError(
      `Unknown selector key "http.route" in { "http.route": "/orders/:id" }. ${ALL_QUERY_KEYS} Span attributes go under \`attributes\`, e.g. { attributes: { "http.route": "/x" } }.`,
    ))
  })

  test('a name or service that is not text is a SelectorError', () => {
    expect(() => selectSpans(trace, { name: 42 } as never)).toThrowError(/^Invalid selector: name must be a string, a RegExp or an asymmetric matcher such as expect\.stringMatching\(\), got 42\.$/)
    expect(() => selectSpans(trace, { service: ['orders'] } as never)).toThrowError(/^Invalid selector: service must be/)
  })

  // `{ status: null }` crashes inside compileQuery with "Cannot read properties of null".
  test('a null status is a SelectorError, not a crash', () => {
    expect(() => selectSpans(trace, { status: null } as never)).toThrowError(SelectorError)
  })
})

describe('predicate selectors', () => {
  test('get the span and its trace', () => {
    const seen: [string, Trace][] = []
    const selected = selectSpans(trace, (span, within) => {
      seen.push([span.name, within])
      return within.parent(span)?.kind === 'CLIENT'
    })
    expect(selected.map((s) => s.name)).toEqual(['GET /stock/:sku'])
    expect(seen).toHaveLength(8)
    expect(seen.every(([, within]) => within === trace)).toBe(true)
  })

  test('only `true` selects: a truthy non-boolean does not', () => {
    expect(selectSpans(trace, ((span: CapturedSpan) => span.attributes['http.route']) as never)).toEqual([])
  })
})

describe('JSONPath selectors', () => {
  test('a path selects the spans where it yields a value', () => {
    expect(names("$.attributes['db.query.text']")).toEqual(['SELECT orders', 'SELECT items', 'SELECT items', 'SELECT items'])
    expect(names('$.status.message')).toEqual(['GET'])
    expect(names('$.events[0]')).toEqual(['GET', 'compute total'])
    expect(names("$.resource['service.name']")).toHaveLength(8)
    expect(names("$.attributes['no.such.key']")).toEqual([])
  })

  test('bigint times are exposed as decimal strings', () => {
    expect(names('$.start')).toHaveLength(8)
  })

  test('script filters are rejected with a SelectorError and never run', () => {
    const probe = globalThis as { tracewrightProbe?: unknown }
    delete probe.tracewrightProbe
    for (const path of ['$[?(@.name)]', '$..[?(globalThis.tracewrightProbe = 1)]', '$[(globalThis.tracewrightProbe = 2)]']) {
      const error = errorOf(() => selectSpans(trace, path))
      expect(error).toBeInstanceOf(SelectorError)
      expect(error.message).toMatch(/^Invalid JSONPath selector "\$.*\bdisabled\b/)
    }
    expect(probe.tracewrightProbe).toBeUndefined()
  })

  test('a script filter below a key is rejected with a SelectorError too', () => {
    const probe = globalThis as { tracewrightProbe?: unknown }
    delete probe.tracewrightProbe
    const error = errorOf(() => selectSpans(trace, '$.events[?(globalThis.tracewrightProbe = 3)]'))
    expect(probe.tracewrightProbe).toBeUndefined()
    expect(error).toBeInstanceOf(SelectorError)
  })

  // The up-front check looks for "?(" and "(@"; a bare script expression such as "[(1)]" below a
  // key passes it and the {} probe, so it is only refused once a span reaches it, and never on a
  // trace without one: `expect(emptyTrace).not.toHaveSpan('$.events[(1)]')` passes.
  test('a bare script expression below a key is refused before any span is tested', () => {
    const empty = buildTrace([])
    expect(() => selectSpans(trace, '$.events[(globalThis.tracewrightProbe = 4)]')).toThrowError(SelectorError)
    expect(() => selectSpans(empty, '$.events[(globalThis.tracewrightProbe = 4)]')).toThrowError(SelectorError)
    expect((globalThis as { tracewrightProbe?: unknown }).tracewrightProbe).toBeUndefined()
  })

  // jsonpath-plus reads an unclosed bracket leniently: "$.attributes['db.query.text'" becomes
  // $.attributes.db.query.text (never matches), "$.attributes[" becomes $.attributes (matches all).
  test('a malformed path is rejected instead of silently matching something else', () => {
    expect(() => selectSpans(trace, "$.attributes['db.query.text'")).toThrowError(SelectorError)
    expect(() => selectSpans(trace, '$.attributes[')).toThrowError(SelectorError)
  })

  // The jsonpath-plus message already ends with a full stop.
  test('the rejection message does not double the full stop', () => {
    expect(errorOf(() => selectSpans(trace, '$[?(@.name)]')).message).not.toContain('..')
  })
})

describe('invalid selectors', () => {
  test('anything else is a SelectorError describing the accepted forms', () => {
    for (const selector of [42, null, undefined, ['GET'], true]) {
      const error = errorOf(() => selectSpans(trace, selector as never))
      expect(error).toBeInstanceOf(SelectorError)
      expect(error.message).toMatch(/^Invalid selector .+: expected a span name \(string\), a RegExp, an object query \(name, kind, status, service, attributes, parent, ancestor, hasEvent, resource, scope, linkedTo\), a predicate function or a JSONPath string starting with "\$"\.$/)
    }
  })
})

describe('matchesSelector and explainMismatch', () => {
  test('test one span and say what differs', () => {
    const call = trace.span('GET')
    expect(matchesSelector(call, trace, { kind: 'CLIENT', status: 'ERROR' })).toBe(true)
    expect(matchesSelector(call, trace, { kind: 'SERVER' })).toBe(false)
    expect(explainMismatch(call, trace, { kind: 'CLIENT' })).toEqual([])
    expect(explainMismatch(call, trace, { kind: 'SERVER', status: 'OK', attributes: { 'http.route': '/x', 'error.type': undefined }, parent: { kind: 'CLIENT' }, hasEvent: 'retry' })).toEqual([
      { field: 'kind', expected: 'SERVER', actual: 'CLIENT' },
      { field: 'status', expected: 'OK', actual: 'ERROR "inventory answered 503"' },
      { field: 'attributes["http.route"]', expected: '"/x"', actual: '(absent)' },
      { field: 'attributes["error.type"]', expected: '(absent)', actual: '"503"' },
      { field: 'parent', expected: '{ kind: "CLIENT" }', actual: '"GET /orders/:id" SERVER' },
      { field: 'hasEvent', expected: '"retry"', actual: '"exception"' },
    ])
    expect(explainMismatch(trace.root, trace, { parent: 'x', ancestor: 'y' })).toEqual([
      { field: 'parent', expected: '"x"', actual: '(no parent in trace)' },
      { field: 'ancestor', expected: '"y"', actual: '(no ancestors in trace)' },
    ])
  })
})

describe('closestSpans', () => {
  test('ranks near names first and leaves matching spans out', () => {
    const candidates = closestSpans(trace, 'SELECT order', 5)
    expect(candidates.map((c) => c.span.name)).toEqual(['SELECT orders', 'SELECT items', 'SELECT items', 'SELECT items', 'GET /orders/:id'])
    expect(candidates[0]?.mismatches).toEqual([{ field: 'name', expected: '"SELECT order"', actual: '"SELECT orders"' }])
    const scores = candidates.map((c) => c.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    expect(closestSpans(trace, 'SELECT items').map((c) => c.span.name)).not.toContain('SELECT items')
  })

  test('fewer mismatched fields rank higher, and the limit applies', () => {
    const candidates = closestSpans(trace, { kind: 'CLIENT', status: 'ERROR', service: 'inventory' }, 2)
    expect(candidates).toHaveLength(2)
    expect(candidates[0]?.span.name).toBe('GET')
    expect(candidates[0]?.mismatches.map((m) => m.field)).toEqual(['service'])
    expect(candidates[1]?.span.name).toBe('GET /stock/:sku')
    expect(candidates[1]?.mismatches.map((m) => m.field)).toEqual(['kind'])
  })

  // An object query keeps even spans that match none of its fields: their mismatches show the
  // values that were there. A bare name needs some likeness to be a candidate.
  test('an object query lists candidates that match no field, with their values', () => {
    const near = closestSpans(trace, { kind: 'PRODUCER' })
    expect(near).toHaveLength(3)
    expect(near[0]?.mismatches).toEqual([{ field: 'kind', expected: 'PRODUCER', actual: near[0]?.span.kind }])
    expect(closestSpans(trace, 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz')).toEqual([])
  })

  // The name weighs as much as two other fields, so an exact name with a wrong kind (2 of 3)
  // outranks a right kind with a merely similar name (1 + similarity of 3).
  test('a span with the exact name outranks spans whose name only resembles it', () => {
    expect(closestSpans(trace, { name: 'SELECT orders', kind: 'SERVER' })[0]?.span.name).toBe('SELECT orders')
  })
})

describe('trace.span()', () => {
  test('returns the one match', () => {
    expect(trace.span({ kind: 'INTERNAL' }).name).toBe('compute total')
  })

  test('no match: a SpanLookupError with the closest candidates and the trace', () => {
    const error = errorOf(() => trace.span({ name: 'SELECT orders', service: 'inventory' }))
    expect(error).toBeInstanceOf(SpanLookupError)
    expect(error).toMatchObject({ code: 'ERR_TRACEWRIGHT_SPAN_LOOKUP' })
    expect(error.message).toMatchSnapshot()
  })

  test('several matches: a SpanLookupError listing them', () => {
    const error = errorOf(() => trace.span(/^SELECT/))
    expect(error).toBeInstanceOf(SpanLookupError)
    expect(error.message).toMatchSnapshot()
  })

  test('a predicate is described as such, and more than ten matches are summarised', () => {
    const wide = buildTrace({
      name: 'batch',
      startMs: 0,
      endMs: 20,
      children: Array.from({ length: 12 }, (_, i) => ({ name: 'write row', startMs: i, endMs: i + 1 })),
    })
    const message = errorOf(() => wide.span(function isRow(s: CapturedSpan) { return s.name === 'write row' })).message
    expect(message).toContain('Failed to pick one span matching predicate isRow: 12 spans match.')
    expect(message).toContain('  - write row (span 000000000000000b)\n  … and 2 more\n')
  })

  test('each candidate line says what was expected and what the span has', () => {
    expect(errorOf(() => trace.span('SELECT order')).message).toContain('  - SELECT orders: name expected "SELECT order", got "SELECT orders"')
  })
})
