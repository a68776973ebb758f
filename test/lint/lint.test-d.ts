import { describe, expect, expectTypeOf, test } from 'vitest'
import { lintTrace } from 'tracewright'
import type { CapturedSpan, CustomLintRule, LintConfig, LintContext, LintFinding, LintSeverity, LintViolation, Trace } from 'tracewright'

declare const trace: Trace

describe('lintTrace', () => {
  test('returns violations with a rule, a severity, a span and a message', () => {
    expectTypeOf(lintTrace(trace)).toEqualTypeOf<LintViolation[]>()
    expectTypeOf<LintViolation['severity']>().toEqualTypeOf<LintSeverity>()
    expectTypeOf<LintSeverity>().toEqualTypeOf<'error' | 'warning'>()
    expectTypeOf<LintViolation['span']>().toEqualTypeOf<CapturedSpan>()
    expectTypeOf<LintViolation['attribute']>().toEqualTypeOf<string | undefined>()
  })

  test('config: severities, allowances and custom rules', () => {
    lintTrace(trace, { rules: { 'span-kind': 'warning', 'attribute-naming': 'off' } })
    lintTrace(trace, { rules: { 'no-personal-data': { severity: 'error', allow: ['user.email', /^legacy\./, { span: 'GET', attribute: /x/, scope: 'a', service: 'b' }] } } })
    const rule: CustomLintRule = (t, context) => {
      expectTypeOf(t).toEqualTypeOf<Trace>()
      expectTypeOf(context).toEqualTypeOf<LintContext>()
      return context.spans.filter((s) => context.parent(s) === undefined).map((span): LintFinding => ({ span, message: 'root' }))
    }
    lintTrace(trace, { custom: { 'my-rule': rule, 'other-rule': { check: rule, severity: 'warning' } } })
    // @ts-expect-error: not a severity
    lintTrace(trace, { rules: { 'span-kind': 'fatal' } })
    // @ts-expect-error: allow takes patterns, not numbers
    lintTrace(trace, { rules: { 'span-kind': { allow: [1] } } })
    // @ts-expect-error: unknown allow key
    lintTrace(trace, { rules: { 'span-kind': { allow: [{ name: 'GET' }] } } })
    // @ts-expect-error: a custom rule returns findings
    lintTrace(trace, { custom: { bad: () => 'nope' } })
  })
})

describe('the configuration shown in docs/lint.md', () => {
  test('type-checks as written', () => {
    expect(trace).toFollowTraceConventions({
      rules: {
        'attribute-naming': 'off',
        'span-kind': 'warning',
        'span-name-cardinality': { allow: [/^GET \/legacy\//] },
        'no-personal-data': { severity: 'warning', allow: ['user.email_domain'] },
        'http-attributes': { allow: [{ service: 'legacy-gateway', attribute: 'http.route' }] },
      },
      custom: {
        'account-plan': (t) => t.spans({ kind: 'SERVER', attributes: { 'account.plan': undefined } })
          .map((span) => ({ span, message: `${span.name} has no account.plan; set it once the account is loaded` })),
        'no-chatty-spans': { severity: 'warning', check: (t, { spans }) => spans.length > 500 ? [{ span: t.root, message: 'more than 500 spans' }] : [] },
      },
    })
  })
})

describe('toFollowTraceConventions', () => {
  test('takes the same optional config', () => {
    expect(trace).toFollowTraceConventions()
    expect(trace).not.toFollowTraceConventions({ rules: { 'span-kind': 'off' } })
    const config: LintConfig = { rules: { 'span-kind': 'off' } }
    expect(trace).toFollowTraceConventions(config)
    // @ts-expect-error: the config is an object
    expect(trace).toFollowTraceConventions('strict')
  })
})
