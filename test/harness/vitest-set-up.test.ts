import { describe, expect, test } from 'vitest'
import { tracewrightMatchers } from 'tracewright/matchers'
import { matchersMissingError, MATCHER_NAMES } from '../../src/harness/vitest-set-up.js'

describe('the stand-ins for matchers that were not set up', () => {
  test('cover every matcher tracewright/matchers exports', () => {
    expect([...MATCHER_NAMES].sort()).toEqual(Object.keys(tracewrightMatchers).sort())
  })

  test('name the matcher and the set-up that fixes it', () => {
    const error = matchersMissingError('toHaveSpan')
    expect(error.code).toBe('ERR_TRACEWRIGHT_USAGE')
    expect(error.message).toMatch(/^Failed to run toHaveSpan\(\): tracewright's matchers are not registered in this vitest run\. Please add/)
    expect(error.message).toContain(`setupFiles: ['tracewright/instrument', 'tracewright/vitest']`)
  })

  test('under Jest, name Jest\'s set-up', () => {
    expect(matchersMissingError('toHaveSpan', 'jest').message).toBe(
      "Failed to run toHaveSpan(): tracewright's matchers are not registered in this Jest run. Please add the set-up file to the Jest config: `setupFilesAfterEnv: ['tracewright/jest']`.",
    )
  })
})
