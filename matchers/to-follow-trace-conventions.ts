import type { MatcherState, SyncMatcherResult } from 'vitest'
import { UsageError } from '../src/errors.js'
import { lintTrace } from '../src/lint/lint-trace.js'
import type { LintConfig, LintViolation } from '../src/lint/types.js'
import type { SpanMark } from '../src/model/render-trace.js'
import { assertTrace, formatFailure } from './failure-message.js'

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

// Every violation numbered, errors first; the same numbers mark the spans in the tree.
function describeViolations(violations: readonly LintViolation[]): { details: string[]; marks: Map<string, SpanMark> } {
  const details: string[] = []
  const numbers = new Map<string, number[]>()
  let heading: string | undefined
  violations.forEach((v, i) => {
    const group = v.severity === 'error' ? 'errors' : 'warnings'
    if (group !== heading) {
      heading = group
      details.push(`${heading === 'errors' ? 'Errors' : 'Warnings'}:`)
    }
    details.push(`  #${i + 1} ${v.rule}: ${v.message}`)
    const list = numbers.get(v.span.spanId) ?? []
    list.push(i + 1)
    numbers.set(v.span.spanId, list)
  })
  const marks = new Map<string, SpanMark>()
  for (const [spanId, list] of numbers) marks.set(spanId, { label: list.map((n) => `#${n}`).join(' ') })
  return { details, marks }
}

/**
 * Passes when the trace follows the tracing conventions: no violation of severity `'error'` from
 * {@link lintTrace} (warnings are listed in the failure message but never fail the test). The
 * failure lists every violation, numbered, and marks the numbers on the trace tree.
 *
 * @example
 * ```ts
 * const { trace } = await svc.request('GET /users/42')
 * expect(trace).toFollowTraceConventions()
 * expect(trace).toFollowTraceConventions({ rules: { 'attribute-naming': 'off' } })
 * ```
 */
export function toFollowTraceConventions(this: MatcherState, received: unknown, config?: LintConfig): SyncMatcherResult {
  assertTrace('toFollowTraceConventions', received)
  let violations: LintViolation[]
  try {
    violations = lintTrace(received, config)
  } catch (error) {
    if (error instanceof UsageError) throw new TypeError(`toFollowTraceConventions(): ${error.message}`, { cause: error })
    throw error
  }
  const errors = violations.filter((v) => v.severity === 'error').length
  const warnings = violations.length - errors
  const pass = errors === 0
  return {
    pass,
    message: () => {
      const { details, marks } = describeViolations(violations)
      return formatFailure(this, {
        matcher: 'toFollowTraceConventions',
        received: 'trace',
        args: config === undefined ? '' : 'config',
        expected: 'a trace that follows the tracing conventions (no error-severity violations)',
        actual: violations.length === 0 ? 'no violations' : [errors > 0 ? count(errors, 'error') : '', warnings > 0 ? count(warnings, 'warning') : ''].filter(Boolean).join(', '),
        details,
        trace: received,
        marks,
      })
    },
  }
}
