import { describe, expect, test } from 'vitest'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const call = trace.span('GET')

describe('toHaveStatus', () => {
  test('passes on the code, and on the code and message', () => {
    expect(trace.root).toHaveStatus('UNSET')
    expect(call).toHaveStatus('ERROR')
    expect(call).toHaveStatus('ERROR', 'inventory answered 503')
    expect(call).toHaveStatus('ERROR', /answered 5\d\d/)
    expect(buildTrace({ name: 'ok', startMs: 0, endMs: 1, status: 'OK' }).root).toHaveStatus('OK')
  })

  test('a string message must match exactly', () => {
    expect(call).not.toHaveStatus('ERROR', 'inventory answered')
  })

  test('fails on a different code', () => {
    expect(failureOf(() => expect(call).toHaveStatus('OK'))).toMatchSnapshot()
  })

  test('fails on a different message', () => {
    expect(failureOf(() => expect(call).toHaveStatus('ERROR', /timeout/))).toMatchSnapshot()
  })

  test('.not passes on another code and fails on the same', () => {
    expect(trace.root).not.toHaveStatus('ERROR')
    expect(failureOf(() => expect(trace.span('GET /stock/:sku')).not.toHaveStatus('ERROR'))).toMatchSnapshot()
  })

  test('asymmetric matchers as the message', () => {
    expect(call).toHaveStatus('ERROR', expect.stringContaining('503'))
    expect(call).toHaveStatus('ERROR', expect.stringMatching(/^inventory/))
    expect(call).toHaveStatus('ERROR', expect.any(String))
    expect(call).not.toHaveStatus('ERROR', expect.stringContaining('timeout'))
  })

  test('a lower-case code from untyped code is accepted', () => {
    expect(call).toHaveStatus('error' as never)
  })

  test('an unknown code throws a TypeError naming the matcher', () => {
    expect(() => expect(call).toHaveStatus('FAILED' as never)).toThrowError(new TypeError('toHaveStatus() expects a status code: one of UNSET, OK, ERROR. Received "FAILED".'))
    expect(() => expect(call).toHaveStatus(2 as never)).toThrowError(/^toHaveStatus\(\) expects a status code/)
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toHaveStatus('OK')).toThrowError(/^toHaveStatus\(\) expects a span, received a Trace\./)
    expect(() => expect(undefined).not.toHaveStatus('OK')).toThrowError(/^toHaveStatus\(\) expects a span, received undefined\./)
  })
})
