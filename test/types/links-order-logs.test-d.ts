import { describe, expect, expectTypeOf, test } from 'vitest'
import type { CapturedSpan, LinkedTraces, ResolvedLink, ScopeQuery, SpanQuery, TextMatcher, Trace, WaitForSpanOptions } from 'tracewright'
import type { LinkAttributes, LogQuery, TimeOrderOptions } from 'tracewright/matchers'

declare const trace: Trace
declare const span: CapturedSpan

describe('selector keys: resource, scope, linkedTo', () => {
  test('take attribute matchers, a scope name or { name, version }, and any selector', () => {
    expect(trace).toHaveSpan({ resource: { 'service.version': '2.4.0', 'deployment.environment.name': undefined } })
    expect(trace).toHaveSpan({ resource: { 'service.version': expect.stringMatching(/^2\./) } })
    expect(trace).toHaveSpan({ scope: '@opentelemetry/instrumentation-pg' })
    expect(trace).toHaveSpan({ scope: { name: /amqplib/, version: expect.any(String) } })
    expect(trace).toHaveSpan({ kind: 'CONSUMER', linkedTo: { kind: 'PRODUCER', linkedTo: (s) => s.links.length === 0 } })
    expectTypeOf<ScopeQuery>().toEqualTypeOf<{ readonly name?: TextMatcher; readonly version?: TextMatcher }>()
    // @ts-expect-error: resource values are attribute values or matchers, not objects
    expect(trace).toHaveSpan({ resource: { 'service.version': { major: 2 } } })
    // @ts-expect-error: a scope is a name or { name, version }
    expect(trace).toHaveSpan({ scope: 42 })
    // @ts-expect-error: linkedTo takes a selector
    expect(trace).toHaveSpan({ linkedTo: 42 })
  })

  test('a trace resolves links and finds the traces linking to it', () => {
    expectTypeOf(trace.links(span)).toEqualTypeOf<readonly ResolvedLink[]>()
    expectTypeOf<ResolvedLink['span']>().toEqualTypeOf<CapturedSpan | undefined>()
    expectTypeOf(trace.linkingTraces()).toEqualTypeOf<readonly Trace[]>()
    expectTypeOf<LinkedTraces['trace']>().returns.toEqualTypeOf<Trace | undefined>()
    expectTypeOf<WaitForSpanOptions['linked']>().toEqualTypeOf<boolean | undefined>()
  })
})

describe('toHaveLink and toBeConnected({ links })', () => {
  test('take a selector or a span, and link attributes', () => {
    expect(span).toHaveLink({ kind: 'PRODUCER' })
    expect(span).toHaveLink(span, { 'messaging.message.id': expect.any(String), 'x.absent': undefined })
    expect(span).not.toHaveLink('orders publish')
    expect(trace).toBeConnected({ links: true })
    expect(trace).toBeConnected()
    expectTypeOf<LinkAttributes>().toEqualTypeOf<Readonly<Record<string, SpanQuery['attributes'] extends Readonly<Record<string, infer V>> | undefined ? V : never>>>()
    // @ts-expect-error: a number is not a link target
    expect(span).toHaveLink(7)
    // @ts-expect-error: links is a boolean
    expect(trace).toBeConnected({ links: 'yes' })
  })
})

describe('ordering and parallelism', () => {
  test('toStartAfter, toEndBefore, toRunInParallel take a selector (or span) and a skew tolerance', () => {
    expect(span).toStartAfter({ name: 'reserve', kind: 'CLIENT' })
    expect(span).toEndBefore(span, { skewToleranceMs: 5 })
    expect(trace).toRunInParallel({ name: 'GET', kind: 'CLIENT' })
    expect(trace).not.toRunInParallel(/INSERT/, { skewToleranceMs: 0 })
    expectTypeOf<TimeOrderOptions>().toEqualTypeOf<{ readonly skewToleranceMs?: number }>()
    // @ts-expect-error: the tolerance is a number of milliseconds
    expect(span).toStartAfter('reserve', { skewToleranceMs: '5ms' })
    // @ts-expect-error: toRunInParallel takes a selector, not a span list
    expect(trace).toRunInParallel([span, span])
  })
})

describe('toHaveLog', () => {
  test('takes severity, body and attributes, each a value or a matcher', () => {
    expect(trace).toHaveLog({ severity: 'warn', body: /retrying/ })
    expect(span).toHaveLog({ body: expect.stringContaining('charged'), attributes: { orderId: 42, secret: undefined } })
    expect(trace).not.toHaveLog({ severity: expect.stringMatching(/^ERROR/) })
    expectTypeOf<keyof LogQuery>().toEqualTypeOf<'severity' | 'body' | 'attributes'>()
    // @ts-expect-error: unknown key
    expect(trace).toHaveLog({ level: 'warn' })
    // @ts-expect-error: a query object, not a string
    expect(trace).toHaveLog('retrying')
  })
})
