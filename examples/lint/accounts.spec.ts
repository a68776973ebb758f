import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { lintTrace, startService } from 'tracewright'
import type { Service } from 'tracewright'
import { accountsApp } from './app.js'

// Tracing conventions as a CI gate: every request's trace is linted, and a trace that breaks a
// convention fails the test with the fix for each violation.
let svc: Service
beforeAll(async () => {
  svc = await startService({ app: accountsApp, name: 'accounts' })
})
afterAll(() => svc?.stop())

test('GET /accounts/:id follows the tracing conventions', async () => {
  const { response, trace } = await svc.request('GET /accounts/8231')
  expect(response.status).toBe(200)
  expect(trace.root.name).toBe('GET /accounts/:id')
  expect(trace).toFollowTraceConventions()
})

describe('the legacy endpoint, kept to show what the lint catches', () => {
  test('does not follow the conventions', async () => {
    const { trace } = await svc.request('GET /legacy/accounts/8231')
    expect(trace).not.toFollowTraceConventions()
  })

  test('lintTrace lists every violation with its fix, errors first', async () => {
    const { trace } = await svc.request('GET /legacy/accounts/8231')
    const violations = lintTrace(trace)
    expect(violations.map((v) => `${v.severity} ${v.rule} ${v.span.name}`)).toEqual([
      'error span-name-cardinality GET /legacy/accounts/8231',
      'error http-attributes GET /legacy/accounts/8231',
      'error no-personal-data load account 8231',
      'error span-name-cardinality load account 8231',
      'warning attribute-naming load account 8231',
    ])
    expect(violations[0]?.message).toBe(
      'SERVER span "GET /legacy/accounts/8231" has an id in its name; name it after the route ("GET /legacy/accounts/:id") and put the id in an attribute',
    )
    // The message names the problem without repeating the address.
    expect(violations[2]?.message).toBe(
      'INTERNAL span "load account 8231": customer.email holds an e-mail address (a***@example.com); record an opaque user id (user.id) instead of the address',
    )
  })

  test('a team can accept a violation while it migrates: turn a rule down, or allow one attribute', async () => {
    const { trace } = await svc.request('GET /legacy/accounts/8231')
    expect(trace).toFollowTraceConventions({
      rules: {
        'span-name-cardinality': 'warning',
        'http-attributes': { allow: [{ span: /^GET \/legacy\//, attribute: 'http.route' }] },
        'no-personal-data': { allow: ['customer.email'] },
      },
    })
  })

  test('and add rules of its own', async () => {
    const { trace } = await svc.request('GET /accounts/8231')
    const violations = lintTrace(trace, {
      custom: {
        'account-plan': (t) => t.spans({ kind: 'SERVER', attributes: { 'account.plan': undefined } })
          .map((span) => ({ span, message: `${span.name} has no account.plan; set it once the account is loaded`, attribute: 'account.plan' })),
      },
    })
    expect(violations).toEqual([])
  })
})
