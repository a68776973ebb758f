import { describe, expect, test } from 'vitest'
import { buildTrace } from '../fixtures/build-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'
import { goodTree, serverSpan, underServer } from './fixtures/traces.js'

// The issue's own example: an id in a SERVER span's name, plus an e-mail address and a warning.
const flawed = () => buildTrace(serverSpan({
  name: 'GET /users/8231',
  children: [
    { name: 'load profile', kind: 'INTERNAL', startMs: 1, endMs: 3, attributes: { itemCount: 2 } },
    { name: 'notify', kind: 'INTERNAL', startMs: 4, endMs: 6, attributes: { 'mail.to': 'erin@example.com' } },
  ],
}, ['http.route']))

// Only a warning: the matcher passes.
const onlyWarnings = () => buildTrace(underServer({ name: 'load profile', kind: 'INTERNAL', startMs: 1, endMs: 3, attributes: { itemCount: 2 } }))

describe('toFollowTraceConventions', () => {
  test('passes on a trace that follows the conventions', () => {
    expect(buildTrace(goodTree())).toFollowTraceConventions()
  })

  test('fails on error-severity violations, listing every violation and marking them on the tree', () => {
    expect(failureOf(() => expect(flawed()).toFollowTraceConventions())).toMatchSnapshot()
  })

  test('the issue\'s example message names the fix', () => {
    expect(failureOf(() => expect(flawed()).toFollowTraceConventions())).toContain(
      '#1 span-name-cardinality: SERVER span "GET /users/8231" has an id in its name; name it after the route ("GET /users/:id") and put the id in an attribute',
    )
  })

  test('warnings never fail; they are listed when something else does', () => {
    expect(onlyWarnings()).toFollowTraceConventions()
    const message = failureOf(() => expect(flawed()).toFollowTraceConventions())
    expect(message).toContain('Received: 3 errors, 1 warning')
    expect(message).toMatch(/Warnings:\n {2}#4 attribute-naming: INTERNAL span "load profile" has attribute key "itemCount"/)
  })

  test('takes the same config as lintTrace', () => {
    const config = { rules: { 'span-name-cardinality': 'off', 'http-attributes': 'warning', 'no-personal-data': { allow: ['mail.to'] } } } as const
    expect(flawed()).toFollowTraceConventions(config)
    // Made an error, the naming problem is listed in tree order among the errors.
    expect(failureOf(() => expect(flawed()).toFollowTraceConventions({ rules: { 'attribute-naming': 'error' } }))).toContain('Received: 4 errors\n')
    expect(failureOf(() => expect(flawed()).toFollowTraceConventions({ rules: { 'attribute-naming': 'error' } }))).toContain('#3 attribute-naming: INTERNAL span "load profile"')
  })

  test('.not passes when there are errors and fails on a trace without any', () => {
    expect(flawed()).not.toFollowTraceConventions()
    expect(failureOf(() => expect(onlyWarnings()).not.toFollowTraceConventions())).toContain('Expected: not a trace that follows the tracing conventions')
    expect(failureOf(() => expect(buildTrace(goodTree())).not.toFollowTraceConventions())).toContain('Received: no violations')
  })

  test('a value that is not a trace is a TypeError naming the matcher', () => {
    const trace = flawed()
    const error = errorOf(() => expect(trace.root).toFollowTraceConventions())
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('toFollowTraceConventions() expects a Trace, received an object. You passed a span; this matcher takes the whole trace.')
    expect(errorOf(() => expect({ trace }).toFollowTraceConventions()).message).toContain('You passed the whole request result')
  })

  test('a bad config is a TypeError naming the matcher and the known rules', () => {
    const error = errorOf(() => expect(flawed()).toFollowTraceConventions({ rules: { 'no-pii': 'off' } }))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^toFollowTraceConventions\(\): Failed to lint the trace: config.rules names the unknown rule "no-pii"\. Please use one of the known rules: propagation, /)
  })
})
