import { describe, expect, test } from 'vitest'
import { lintTrace, Trace, UsageError } from 'tracewright'
import type { CapturedSpan, CustomLintRule, LintConfig } from 'tracewright'
import { buildTrace } from '../fixtures/build-trace.js'
import type { SpanSpec } from '../fixtures/build-trace.js'
import { errorOf } from '../fixtures/failure-message.js'
import { goodTree, serverSpan, underServer } from './fixtures/traces.js'

// One error (an id in the entry span's name) and, below it, a warning (an un-namespaced key) and
// another error (an e-mail address).
const flawed = (): Trace => buildTrace(serverSpan({
  name: 'GET /users/8231',
  children: [
    { name: 'load profile', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { itemCount: 2 } },
    { name: 'notify', kind: 'INTERNAL', startMs: 3, endMs: 4, attributes: { 'mail.to': 'erin@example.com' } },
  ],
}, ['http.route']))

const summary = (trace: Trace, config?: LintConfig): string[] => lintTrace(trace, config).map((v) => `${v.severity} ${v.rule} ${v.span.name}`)

describe('lintTrace', () => {
  test('returns every violation at once: errors first, then in tree order', () => {
    expect(summary(flawed())).toEqual([
      'error span-name-cardinality GET /users/8231',
      'error http-attributes GET /users/8231',
      'error no-personal-data notify',
      'warning attribute-naming load profile',
    ])
  })

  test('tree order is depth first, not start order', () => {
    // "late child" starts after "sibling" but sits under the first child, so it comes before it.
    const trace = buildTrace(underServer(
      { name: 'first', kind: 'INTERNAL', startMs: 1, endMs: 9, status: 'ERROR', children: [{ name: 'late child', kind: 'INTERNAL', startMs: 6, endMs: 7, status: 'ERROR' }] },
      { name: 'sibling', kind: 'INTERNAL', startMs: 2, endMs: 3, status: 'ERROR' },
    ))
    expect(lintTrace(trace).map((v) => v.span.name)).toEqual(['first', 'late child', 'sibling'])
  })

  test('an empty trace has no violations', () => {
    expect(lintTrace(new Trace([]))).toEqual([])
  })

  test('each violation carries its rule, severity, span, message and, where there is one, the attribute', () => {
    const email = lintTrace(flawed()).find((v) => v.rule === 'no-personal-data')
    expect(email).toMatchObject({ rule: 'no-personal-data', severity: 'error', attribute: 'mail.to', span: { name: 'notify' } })
    expect(email?.message).toBe('INTERNAL span "notify": mail.to holds an e-mail address (e***@example.com); record an opaque user id (user.id) instead of the address')
  })

  test('a value that is not a Trace is a UsageError', () => {
    const error = errorOf(() => lintTrace({ spans: [] } as unknown as Trace))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toMatch(/^Failed to lint the trace: expected a Trace, received \{ spans: \[\] \}\. Please pass the `trace`/)
  })
})

describe('config', () => {
  test('rules can be turned off or made warnings', () => {
    expect(summary(flawed(), { rules: { 'span-name-cardinality': 'off', 'no-personal-data': 'warning', 'attribute-naming': { severity: 'error' } } })).toEqual([
      'error http-attributes GET /users/8231',
      'error attribute-naming load profile',
      'warning no-personal-data notify',
    ])
  })

  test('allow: a string or RegExp matches the attribute, or the span name when there is no attribute', () => {
    expect(summary(flawed(), { rules: { 'no-personal-data': { allow: ['mail.to'] }, 'span-name-cardinality': { allow: [/^GET \/users\//] } } })).toEqual([
      'error http-attributes GET /users/8231',
      'warning attribute-naming load profile',
    ])
  })

  test('allow: an object narrows by span, attribute, scope and service', () => {
    const allowed = (pattern: NonNullable<LintConfig['rules']>) => summary(flawed(), { rules: pattern }).filter((s) => s.includes('no-personal-data'))
    expect(allowed({ 'no-personal-data': { allow: [{ span: 'notify', attribute: 'mail.to' }] } })).toEqual([])
    expect(allowed({ 'no-personal-data': { allow: [{ span: 'other', attribute: 'mail.to' }] } })).toHaveLength(1)
    expect(allowed({ 'no-personal-data': { allow: [{ scope: 'tracewright-fixture' }] } })).toEqual([])
    expect(allowed({ 'no-personal-data': { allow: [{ service: /^ord/ }] } })).toEqual([])
    expect(allowed({ 'no-personal-data': { allow: [{ service: 'billing' }] } })).toHaveLength(1)
    expect(allowed({ 'no-personal-data': { allow: [expect.stringMatching(/^mail\./)] } })).toEqual([])
  })

  test('a global RegExp allows the same way every time', () => {
    const config: LintConfig = { rules: { 'no-personal-data': { allow: [/mail/g] } } }
    expect(summary(flawed(), config)).toEqual(summary(flawed(), config))
    expect(summary(flawed(), config).some((s) => s.includes('no-personal-data'))).toBe(false)
  })

  test('custom rules: a function, or { check, severity }; they get the trace and the tree in order', () => {
    const seen: string[] = []
    const needsUserId: CustomLintRule = (trace, context) => {
      seen.push(...context.spans.map((s) => s.name), `entry=${context.entry?.name}`, `children=${context.children(trace.root).length}`)
      return context.spans
        .filter((s) => s.kind === 'SERVER' && s.attributes['user.id'] === undefined)
        .map((span) => ({ span, message: `${span.name} has no user.id; set it from the session`, attribute: 'user.id' }))
    }
    const found = lintTrace(flawed(), {
      custom: { 'user-id': needsUserId, 'no-load-spans': { severity: 'warning', check: (t) => t.spans('load profile').map((span) => ({ span, message: 'too chatty' })) } },
      rules: { 'span-name-cardinality': 'off', 'http-attributes': 'off', 'no-personal-data': 'off', 'attribute-naming': 'off' },
    })
    expect(found.map((v) => `${v.severity} ${v.rule} ${v.span.name}: ${v.message}`)).toEqual([
      'error user-id GET /users/8231: GET /users/8231 has no user.id; set it from the session',
      'warning no-load-spans load profile: too chatty',
    ])
    expect(found[0]?.attribute).toBe('user.id')
    expect(seen).toEqual(['GET /users/8231', 'load profile', 'notify', 'entry=GET /users/8231', 'children=2'])
  })

  test('custom rules take severities and allowances under rules like built-in ones', () => {
    const everySpan: CustomLintRule = (_t, { spans }) => spans.map((span) => ({ span, message: 'seen' }))
    expect(summary(flawed(), { custom: { 'every-span': everySpan }, rules: { 'every-span': { severity: 'warning', allow: ['notify', 'load profile'] } } }))
      .toContain('warning every-span GET /users/8231')
    expect(summary(flawed(), { custom: { 'every-span': everySpan }, rules: { 'every-span': 'off' } }).some((s) => s.includes('every-span'))).toBe(false)
  })

  describe('bad config fails before anything runs, naming the fix', () => {
    const failure = (config: unknown): string => {
      const error = errorOf(() => lintTrace(flawed(), config as LintConfig))
      expect(error).toBeInstanceOf(UsageError)
      return error.message
    }

    test('an unknown rule id lists the known ones', () => {
      expect(failure({ rules: { 'span-names': 'off' } })).toBe(
        'Failed to lint the trace: config.rules names the unknown rule "span-names". Please use one of the known rules: propagation, span-kind, error-status, ' +
          'no-personal-data, span-name-cardinality, server-span-name, http-attributes, db-attributes, messaging-attributes, rpc-attributes, ' +
          'outdated-attributes, attribute-naming, empty-attribute-values, or define it under config.custom.',
      )
      expect(failure({ custom: { mine: () => [] }, rules: { theirs: 'off' } })).toContain('empty-attribute-values (custom: mine), or define it under config.custom')
    })

    test.each([
      [{ rules: { 'span-kind': 'fatal' } }, 'config.rules["span-kind"] is "fatal", not a severity. Please use \'error\', \'warning\', \'off\''],
      [{ rules: { 'span-kind': { level: 'warning' } } }, 'config.rules["span-kind"] has unknown key "level". Please use only severity, allow'],
      [{ rules: { 'span-kind': { allow: 'GET' } } }, 'config.rules["span-kind"].allow is "GET", not an array'],
      [{ rules: { 'span-kind': { allow: [{}] } } }, 'config.rules["span-kind"].allow[0]: {} would allow every violation'],
      [{ rules: { 'span-kind': { allow: [{ name: 'GET' }] } } }, 'config.rules["span-kind"].allow[0]: { name: "GET" } has unknown key name (allowed: span, attribute, scope, service)'],
      [{ rules: { 'span-kind': { allow: [42] } } }, 'config.rules["span-kind"].allow[0]: 42 is not a string, a RegExp, an asymmetric matcher or an object'],
      [{ custom: { 'span-kind': () => [] } }, 'config.custom["span-kind"] has the id of a built-in rule. Please give the custom rule an id of its own'],
      [{ custom: { mine: { severity: 'error' } } }, 'config.custom["mine"] is { severity: "error" }. Please pass a function'],
      [{ rule: {} }, 'the config has unknown key "rule". Please use only rules, custom'],
      ['strict', 'the config is "strict". Please pass an object'],
    ])('%o', (config, message) => {
      expect(failure(config)).toContain(message)
    })

    test('a custom rule that throws or returns something else', () => {
      expect(failure({ custom: { boom: () => { throw new RangeError('nope') } } })).toBe('Failed to lint the trace: custom rule "boom" threw RangeError: nope. Please fix the rule.')
      expect(failure({ custom: { lazy: () => undefined } })).toContain('custom rule "lazy" returned undefined. Please return an array of { span, message }')
      expect(failure({ custom: { vague: (t: Trace) => [{ span: t.root }] } })).toContain('custom rule "vague" returned { span: {')
    })
  })
})

describe('a large trace', () => {
  // A batch request: one entry span and 1,428 copies of the conforming request's work below it
  // (queries, HTTP and gRPC calls with their downstream SERVER spans, messages, rendering).
  function bigTrace(): Trace {
    const [entry, ...work] = buildTrace(goodTree()).spans() as CapturedSpan[]
    const spans: CapturedSpan[] = [entry as CapturedSpan]
    const id = (n: number): string => n.toString(16).padStart(16, '0')
    for (let copy = 0; spans.length + work.length <= 10_000; copy++) {
      const offset = 16 + copy * work.length
      const ids = new Map(work.map((span, i) => [span.spanId, id(offset + i)]))
      for (const span of work) {
        const parentSpanId = ids.get(span.parentSpanId as string) ?? (entry as CapturedSpan).spanId
        spans.push({ ...span, spanId: ids.get(span.spanId) as string, parentSpanId, start: span.start + BigInt(copy), end: span.end + BigInt(copy) })
      }
    }
    return new Trace(spans)
  }

  // How long it takes is measured by `npm run bench` (bench/lint-trace.ts), not asserted here.
  test('a 10,000-span conforming trace lints with no violation', () => {
    const trace = bigTrace()
    expect(trace.size).toBeGreaterThan(9_990)
    expect(lintTrace(trace)).toEqual([])
  })
})

test('the rules do not change the trace', () => {
  const trace = flawed()
  const before = JSON.stringify(trace.spans(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))
  lintTrace(trace)
  expect(JSON.stringify(trace.spans(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toBe(before)
})

test('an in-process spec can gate one rule by filtering the result', () => {
  const spec: SpanSpec = serverSpan({ status: 'ERROR', attributes: { 'http.response.status_code': 404 } })
  expect(lintTrace(buildTrace(spec)).map((v) => v.rule)).toEqual(['error-status'])
})
