import { expect as jestExpect } from '@jest/globals'
import { describe, expectTypeOf, test } from 'vitest'
import type { CapturedSpan, Trace } from 'tracewright'
import type { TracewrightMatchers } from 'tracewright/jest'
import type { TraceSamples } from 'tracewright'

declare const trace: Trace
declare const span: CapturedSpan
declare const samples: TraceSamples

// `import 'tracewright/jest'` (or listing it in setupFilesAfterEnv and importing its types once)
// adds the matchers to the `expect` of @jest/globals, with the same signatures as under vitest.
describe('tracewright/jest', () => {
  test('Jest\'s expect has every matcher, negated too, with asymmetric matchers inside', () => {
    jestExpect(trace).toHaveSpan({ name: jestExpect.stringMatching(/^SELECT/), kind: 'CLIENT' })
    jestExpect(trace).not.toHaveSpanCount('SELECT items', { min: 2 })
    jestExpect(trace).toBeConnected()
    jestExpect(trace).toFollowTraceConventions({ rules: {} })
    jestExpect(span).toHaveAttribute('db.query.text', jestExpect.stringContaining('WHERE'))
    jestExpect(span).toHaveStatus('ERROR', /503/)
    jestExpect(span).toHaveEvent({ name: 'exception' })
    jestExpect(span).toHaveRecordedException(RangeError)
    jestExpect(span).toBeChildOf({ kind: 'SERVER' })
    jestExpect(span).toBeDescendantOf(trace.root)
    jestExpect(span).toCompleteWithin(100)
    jestExpect(span).toHaveSelfTimeWithin(10)
    jestExpect(samples).toMatchBaseline({ durations: false })
  })

  test('and rejects what vitest rejects', () => {
    // @ts-expect-error: not a status code
    jestExpect(span).toHaveStatus('FAILED')
    // @ts-expect-error: not a span kind
    jestExpect(trace).toHaveSpan({ kind: 'server-ish' })
    // @ts-expect-error: a selector is required
    jestExpect(trace).toHaveSpan()
  })

  test('the matcher signatures are the vitest entry\'s', () => {
    expectTypeOf<TracewrightMatchers>().toEqualTypeOf<import('tracewright/vitest').TracewrightMatchers>()
  })
})
