import { describe, expect, expectTypeOf, test } from 'vitest'
import type { CapturedSpan, Trace } from 'tracewright'
import type { SpanCount, ExceptionMatch } from 'tracewright/matchers'
import type { TracewrightMatchers } from 'tracewright/vitest'

declare const trace: Trace
declare const span: CapturedSpan

describe('toHaveSpan', () => {
  test('accepts every selector form', () => {
    expect(trace).toHaveSpan('GET /orders/:id')
    expect(trace).toHaveSpan(/SELECT/)
    expect(trace).toHaveSpan("$.attributes['db.query.text']")
    expect(trace).toHaveSpan({ name: 'GET', kind: 'CLIENT', status: 'ERROR', service: 'orders' })
    expect(trace).toHaveSpan({ kind: ['SERVER', 'CLIENT'] })
    expect(trace).toHaveSpan({ status: { code: 'ERROR', message: /503/ } })
    expect(trace).toHaveSpan({ attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 200, 'error.type': undefined, 'order.skus': ['KB-01'] } })
    expect(trace).toHaveSpan({ name: expect.stringMatching(/^SELECT/), attributes: { 'order.total': expect.closeTo(1, 2) } })
    expect(trace).toHaveSpan({ parent: { kind: 'SERVER' }, ancestor: 'GET /orders/:id', hasEvent: { name: 'exception', attributes: { 'exception.type': 'Error' } } })
    expect(trace).toHaveSpan((s, t) => s.durationMs > 10 && t.parent(s) !== undefined)
    expect(trace).not.toHaveSpan('DELETE')
  })

  test('rejects what is not a selector', () => {
    // @ts-expect-error: not a span kind
    expect(trace).toHaveSpan({ kind: 'server-ish' })
    // @ts-expect-error: lower-case kinds are accepted at run time only
    expect(trace).toHaveSpan({ kind: 'server' })
    // @ts-expect-error: a number is not a selector
    expect(trace).toHaveSpan(42)
    // @ts-expect-error: unknown query key
    expect(trace).toHaveSpan({ route: '/orders/:id' })
    // @ts-expect-error: not a status code
    expect(trace).toHaveSpan({ status: 'FAILED' })
    // @ts-expect-error: attribute values are scalars or arrays
    expect(trace).toHaveSpan({ attributes: { 'http.route': { path: '/x' } } })
    // @ts-expect-error: a selector is required
    expect(trace).toHaveSpan()
  })
})

describe('toHaveSpanCount', () => {
  test('accepts a number or bounds', () => {
    expect(trace).toHaveSpanCount('SELECT items', 1)
    expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, { min: 1 })
    expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, { max: 3 })
    expect(trace).toHaveSpanCount(/SELECT/, { min: 1, max: 3 })
    expectTypeOf<SpanCount>().toEqualTypeOf<number | { readonly min?: number; readonly max?: number }>()
  })

  test('rejects other counts', () => {
    // @ts-expect-error: a string is not a count
    expect(trace).toHaveSpanCount('x', '3')
    // @ts-expect-error: unknown bound
    expect(trace).toHaveSpanCount('x', { exactly: 3 })
    // @ts-expect-error: the count is required
    expect(trace).toHaveSpanCount('x')
  })
})

describe('span matchers', () => {
  test('toHaveAttribute(key, value?)', () => {
    expect(span).toHaveAttribute('http.route')
    expect(span).toHaveAttribute('http.route', '/orders/:id')
    expect(span).toHaveAttribute('http.response.status_code', 200)
    expect(span).toHaveAttribute('retried', true)
    expect(span).toHaveAttribute('order.skus', ['KB-01', 'MS-02'])
    expect(span).toHaveAttribute('db.query.text', /WHERE/)
    expect(span).toHaveAttribute('db.query.text', expect.stringContaining('WHERE'))
    // @ts-expect-error: the key is a string
    expect(span).toHaveAttribute(42)
    // @ts-expect-error: objects are not attribute values
    expect(span).toHaveAttribute('http.route', { path: '/x' })
  })

  test("toHaveStatus('OK' | 'ERROR' | 'UNSET', message?)", () => {
    expect(span).toHaveStatus('OK')
    expect(span).toHaveStatus('UNSET')
    expect(span).toHaveStatus('ERROR', 'inventory answered 503')
    expect(span).toHaveStatus('ERROR', /503/)
    expect(span).toHaveStatus('ERROR', expect.stringContaining('503'))
    // @ts-expect-error: not a status code
    expect(span).toHaveStatus('FAILED')
    // @ts-expect-error: a message is text
    expect(span).toHaveStatus('ERROR', 503)
    // @ts-expect-error: the code is required
    expect(span).toHaveStatus()
  })

  test('toHaveEvent and toHaveRecordedException', () => {
    expect(span).toHaveEvent('cache.miss')
    expect(span).toHaveEvent(/cache/)
    expect(span).toHaveEvent({ name: 'retry', attributes: { attempt: 2 } })
    expect(span).toHaveRecordedException()
    expect(span).toHaveRecordedException('boom')
    expect(span).toHaveRecordedException(RangeError)
    expect(span).toHaveRecordedException({ type: 'RangeError', message: /range/ })
    expectTypeOf(TypeError).toExtend<ExceptionMatch>()
    // @ts-expect-error: unknown key in an event query
    expect(span).toHaveEvent({ title: 'retry' })
    // @ts-expect-error: a number is not an exception match
    expect(span).toHaveRecordedException(42)
  })

  test('relations and budgets', () => {
    expect(span).toBeChildOf({ kind: 'SERVER' })
    expect(span).toBeChildOf(trace.root)
    expect(span).toBeDescendantOf('GET /orders/:id')
    expect(span).toCompleteWithin(200)
    expect(trace).toCompleteWithin(200)
    expect(span).toHaveSelfTimeWithin(20)
    // @ts-expect-error: a budget is a number of milliseconds
    expect(span).toCompleteWithin('200ms')
    // @ts-expect-error: a number is not a parent selector
    expect(span).toBeChildOf(1)
  })

  test('every matcher is on the Matchers interface and returns the assertion result', () => {
    expectTypeOf(expect(trace).toHaveSpan('x')).toEqualTypeOf<void>()
    expectTypeOf<keyof TracewrightMatchers>().toEqualTypeOf<
      | 'toBeConnected'
      | 'toFollowTraceConventions'
      | 'toHaveSpan'
      | 'toHaveSpanCount'
      | 'toCompleteWithin'
      | 'toHaveAttribute'
      | 'toHaveStatus'
      | 'toHaveEvent'
      | 'toHaveRecordedException'
      | 'toBeChildOf'
      | 'toBeDescendantOf'
      | 'toBeOnCriticalPath'
      | 'toHaveSelfTimeWithin'
      | 'toMatchBaseline'
      | 'toHaveLink'
      | 'toStartAfter'
      | 'toEndBefore'
      | 'toRunInParallel'
      | 'toHaveLog'
      | 'toMatchTraceTree'
    >()
  })
})
