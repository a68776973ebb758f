import { describe, expect, test } from 'vitest'
import { INVENTORY_STACK, ordersTrace } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()
const call = trace.span('GET')

describe('toHaveRecordedException', () => {
  test('passes with no argument, a message substring, a RegExp, an Error class and an object', () => {
    expect(call).toHaveRecordedException()
    expect(call).toHaveRecordedException('answered 503')
    expect(call).toHaveRecordedException(/^inventory answered \d+$/)
    expect(call).toHaveRecordedException(Error)
    expect(call).toHaveRecordedException({ type: 'Error', message: 'inventory answered 503' })
    expect(call).toHaveRecordedException({ stacktrace: INVENTORY_STACK })
    expect(call).toHaveRecordedException({})
  })

  test('an Error class is compared by name with exception.type, not by inheritance', () => {
    expect(call).not.toHaveRecordedException(TypeError)
  })

  test('fails on a span without exceptions, showing its status', () => {
    expect(failureOf(() => expect(trace.span('GET /stock/:sku')).toHaveRecordedException())).toMatchSnapshot()
  })

  test('fails when the recorded exception does not match, listing it', () => {
    expect(failureOf(() => expect(call).toHaveRecordedException(TypeError))).toMatchSnapshot()
  })

  test('.not passes on a span without exceptions and fails on one with, marking the matching exception', () => {
    expect(trace.root).not.toHaveRecordedException()
    expect(call).not.toHaveRecordedException('timeout')
    expect(failureOf(() => expect(call).not.toHaveRecordedException(/503/))).toMatchSnapshot()
  })

  test('asymmetric matchers for the message and inside the object form', () => {
    expect(call).toHaveRecordedException(expect.stringContaining('inventory'))
    expect(call).toHaveRecordedException(expect.stringMatching(/503$/))
    expect(call).toHaveRecordedException({ type: expect.any(String), message: expect.stringContaining('503') })
    expect(call).toHaveRecordedException({ stacktrace: expect.stringContaining('fetchStock') })
    expect(call).not.toHaveRecordedException({ type: expect.stringMatching(/TypeError/) })
  })

  test('a bad match argument throws a TypeError naming the matcher', () => {
    for (const match of [42, null, { kind: 'Error' }, true]) {
      expect(() => expect(call).toHaveRecordedException(match as never)).toThrowError(/^toHaveRecordedException\(\) expects nothing, a message \(string or RegExp\), an Error class, or \{ type, message, stacktrace \}\. Received /)
    }
  })

  test('a received value that is not a span throws a TypeError naming the matcher', () => {
    expect(() => expect(trace).toHaveRecordedException()).toThrowError(/^toHaveRecordedException\(\) expects a span, received a Trace\./)
    expect(() => expect(new Error('boom')).toHaveRecordedException()).toThrowError(/^toHaveRecordedException\(\) expects a span, received an? Error\./)
  })
})
