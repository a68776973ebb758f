import { readFileSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'
import type { TracewrightMatchers } from '../../../matchers/types.js'
import type { AsymmetricMatcherLike } from '../../../src/select/selector.js'
import { buildTrace, ordersTrace } from '../../fixtures/build-trace.js'
import { anySpans } from '../../../src/select/tree-pattern.js'
import { goodTree, serverSpan } from '../../lint/fixtures/traces.js'

/** An assertion of any runner whose `expect` carries tracewright's matchers. */
type Assertion = TracewrightMatchers<unknown> & { readonly not: TracewrightMatchers<unknown> }

/** The part of a runner's `expect` the cases use: the call and the asymmetric matchers both runners have. */
export interface CaseExpect {
  (actual: unknown): Assertion
  stringContaining(text: string): AsymmetricMatcherLike
  stringMatching(pattern: RegExp): AsymmetricMatcherLike
  any(type: unknown): AsymmetricMatcherLike
  closeTo(value: number, digits?: number): AsymmetricMatcherLike
}

/** One assertion, run the same way under every runner. */
export interface MatcherCase {
  readonly matcher: keyof TracewrightMatchers
  readonly title: string
  readonly run: (expect: CaseExpect) => unknown
}

/** What one case did: passed, or failed with this message (ANSI colours stripped). */
export interface CaseOutcome {
  readonly title: string
  readonly pass: boolean
  readonly message?: string
  /** The class of an error that is not an assertion failure (misuse: a TypeError, a TracewrightError). */
  readonly thrown?: string
}

// Assertion failures are each runner's own error class; errors the matcher throws itself are tracewright's.
const misuse = (error: Error): boolean => error instanceof TypeError || typeof (error as { code?: unknown }).code === 'string'

const trace = ordersTrace()
const stock = trace.span('GET /stock/:sku')
const broken = buildTrace([
  { name: 'POST /checkout', kind: 'SERVER', service: 'gateway', startMs: 0, endMs: 30, remoteParentSpanId: 'aaaaaaaaaaaaaaaa' },
  { name: 'POST /charge', kind: 'SERVER', service: 'payments', startMs: 4, endMs: 18, remoteParentSpanId: 'bbbbbbbbbbbbbbbb' },
])
const flawed = buildTrace(serverSpan({
  name: 'GET /users/8231',
  children: [{ name: 'notify', kind: 'INTERNAL', startMs: 4, endMs: 6, attributes: { 'mail.to': 'erin@example.com' } }],
}, ['http.route']))

const c = (matcher: keyof TracewrightMatchers, title: string, run: (expect: CaseExpect) => unknown): MatcherCase =>
  ({ matcher, title: `${matcher}: ${title}`, run })

/**
 * Every matcher passing, failing, and negated, with asymmetric matchers where a matcher takes
 * values. test/jest/jest.test.ts runs this table under vitest and under Jest and compares.
 */
export const MATCHER_CASES: readonly MatcherCase[] = [
  c('toBeConnected', 'a connected trace', (expect) => expect(trace).toBeConnected()),
  c('toBeConnected', 'an orphan', (expect) => expect(broken).toBeConnected()),
  c('toBeConnected', '.not on a connected trace', (expect) => expect(trace).not.toBeConnected()),
  c('toFollowTraceConventions', 'a clean trace', (expect) => expect(buildTrace(goodTree())).toFollowTraceConventions()),
  c('toFollowTraceConventions', 'an id in a route and an e-mail address', (expect) => expect(flawed).toFollowTraceConventions()),
  c('toFollowTraceConventions', '.not on a clean trace', (expect) => expect(buildTrace(goodTree())).not.toFollowTraceConventions()),
  c('toHaveSpan', 'present', (expect) => expect(trace).toHaveSpan({ name: 'SELECT orders', kind: 'CLIENT' })),
  c('toHaveSpan', 'absent, with closest candidates', (expect) => expect(trace).toHaveSpan({ name: 'SELECT order', kind: 'SERVER' })),
  c('toHaveSpan', '.not on an error span', (expect) => expect(trace).not.toHaveSpan({ status: 'ERROR' })),
  c('toHaveSpan', 'asymmetric name, passing', (expect) => expect(trace).toHaveSpan({ name: expect.stringMatching(/^SELECT/) })),
  c('toHaveSpan', 'asymmetric attribute, failing', (expect) => expect(trace).toHaveSpan({ attributes: { 'db.query.text': expect.stringContaining('DELETE') } })),
  c('toHaveSpanCount', 'exact', (expect) => expect(trace).toHaveSpanCount('SELECT items', 3)),
  c('toHaveSpanCount', 'the N+1', (expect) => expect(trace).toHaveSpanCount({ name: 'SELECT items' }, 1)),
  c('toHaveSpanCount', 'bounds with no match', (expect) => expect(trace).toHaveSpanCount({ name: 'SELECT item', kind: 'CLIENT' }, { min: 1, max: 2 })),
  c('toHaveSpanCount', '.not within bounds', (expect) => expect(trace).not.toHaveSpanCount('SELECT items', { min: 1, max: 3 })),
  c('toCompleteWithin', 'in time', (expect) => expect(trace).toCompleteWithin(1_000)),
  c('toCompleteWithin', 'too slow', (expect) => expect(trace).toCompleteWithin(20)),
  c('toCompleteWithin', '.not on a fast span', (expect) => expect(trace.span('SELECT orders')).not.toCompleteWithin(5)),
  c('toHaveAttribute', 'present with value', (expect) => expect(trace.root).toHaveAttribute('http.route', '/orders/:id')),
  c('toHaveAttribute', 'missing key', (expect) => expect(trace.root).toHaveAttribute('http.status_code', 200)),
  c('toHaveAttribute', 'asymmetric value, failing', (expect) => expect(trace.root).toHaveAttribute('http.route', expect.stringContaining('/users'))),
  c('toHaveAttribute', 'asymmetric value, passing', (expect) => expect(trace.root).toHaveAttribute('http.route', expect.any(String))),
  c('toHaveAttribute', '.not on a present key', (expect) => expect(trace.root).not.toHaveAttribute('http.route')),
  c('toHaveStatus', 'error with message', (expect) => expect(trace.span('GET')).toHaveStatus('ERROR', /503/)),
  c('toHaveStatus', 'wrong code', (expect) => expect(trace.span('GET')).toHaveStatus('OK')),
  c('toHaveStatus', '.not on an error', (expect) => expect(stock).not.toHaveStatus('ERROR')),
  c('toHaveEvent', 'present', (expect) => expect(trace.span('compute total')).toHaveEvent('price.recalculated')),
  c('toHaveEvent', 'wrong attributes', (expect) => expect(trace.span('compute total')).toHaveEvent({ name: 'price.recalculated', attributes: { currency: 'USD' } })),
  c('toHaveEvent', 'asymmetric attribute', (expect) => expect(trace.span('compute total')).toHaveEvent({ name: 'price.recalculated', attributes: { 'order.total': expect.closeTo(129.95, 2) } })),
  c('toHaveEvent', '.not on a present event', (expect) => expect(trace.span('compute total')).not.toHaveEvent(/price/)),
  c('toHaveRecordedException', 'one recorded', (expect) => expect(trace.span('GET')).toHaveRecordedException(/503/)),
  c('toHaveRecordedException', 'none recorded', (expect) => expect(stock).toHaveRecordedException()),
  c('toHaveRecordedException', 'wrong type', (expect) => expect(trace.span('GET')).toHaveRecordedException(TypeError)),
  c('toHaveRecordedException', '.not on a recorded one', (expect) => expect(trace.span('GET')).not.toHaveRecordedException(/503/)),
  c('toBeChildOf', 'the right parent', (expect) => expect(trace.span('SELECT orders')).toBeChildOf({ kind: 'SERVER' })),
  c('toBeChildOf', 'the wrong parent', (expect) => expect(trace.span('SELECT orders')).toBeChildOf({ name: 'SELECT items' })),
  c('toBeChildOf', '.not on its parent', (expect) => expect(stock).not.toBeChildOf({ kind: 'CLIENT' })),
  c('toBeDescendantOf', 'under the root', (expect) => expect(stock).toBeDescendantOf(trace.root)),
  c('toBeDescendantOf', 'no such ancestor', (expect) => expect(stock).toBeDescendantOf({ name: 'GET /order/:id', kind: 'SERVER' })),
  c('toBeDescendantOf', '.not under the root', (expect) => expect(stock).not.toBeDescendantOf(trace.root)),
  c('toHaveSelfTimeWithin', 'within', (expect) => expect(trace.root).toHaveSelfTimeWithin(100)),
  c('toHaveSelfTimeWithin', 'over', (expect) => expect(trace.root).toHaveSelfTimeWithin(5)),
  c('toHaveSelfTimeWithin', '.not within', (expect) => expect(trace.span('compute total')).not.toHaveSelfTimeWithin(20)),
  c('toMatchTraceTree', 'the exact tree, other children allowed', (expect) => expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'SELECT orders' }, anySpans()] })),
  c('toMatchTraceTree', 'a missing child, as a diff', (expect) => expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'SELECT orders' }] })),
  c('toMatchTraceTree', 'asymmetric name', (expect) => expect(trace).toMatchTraceTree({ name: expect.stringMatching(/^GET \/orders/), children: [anySpans()] })),
  c('toMatchTraceTree', '.not on the matching tree', (expect) => expect(trace).not.toMatchTraceTree({ name: 'GET /orders/:id', children: [anySpans()] })),
  c('toBeOnCriticalPath', 'a span the request waited for', (expect) => expect(trace.span('compute total')).toBeOnCriticalPath()),
  c('toBeOnCriticalPath', '.not on such a span', (expect) => expect(trace.span('SELECT orders')).not.toBeOnCriticalPath()),
  c('toStartAfter', 'in order', (expect) => expect(trace.span('compute total')).toStartAfter('SELECT orders')),
  c('toStartAfter', 'the other way round', (expect) => expect(trace.span('SELECT orders')).toStartAfter('compute total')),
  c('toEndBefore', 'in order', (expect) => expect(trace.span('SELECT orders')).toEndBefore({ name: expect.stringMatching(/^compute/) })),
  c('toEndBefore', '.not in order', (expect) => expect(trace.span('SELECT orders')).not.toEndBefore('compute total')),
  c('toRunInParallel', 'queries one after another', (expect) => expect(trace).toRunInParallel('SELECT items')),
  c('toRunInParallel', '.not on queries one after another', (expect) => expect(trace).not.toRunInParallel('SELECT items')),
  c('toHaveLink', 'a span with no links', (expect) => expect(trace.span('compute total')).toHaveLink({ name: 'SELECT orders' })),
  c('toHaveLink', '.not on a span with no links', (expect) => expect(trace.span('compute total')).not.toHaveLink({ name: 'SELECT orders' })),
  c('toHaveLog', 'a trace with no logs', (expect) => expect(trace).toHaveLog({ body: expect.stringContaining('order') })),
  c('toHaveLog', '.not on a trace with no logs', (expect) => expect(trace).not.toHaveLog({ severity: 'ERROR' })),
  c('toMatchBaseline', 'given a trace instead of samples', (expect) => expect(trace).toMatchBaseline()),
  c('toHaveSpan', 'given a string instead of a trace', (expect) => expect('GET /orders').toHaveSpan('GET')),
]

/** Runs every case with `expect`, catching each failure. */
export function runCases(expect: CaseExpect): CaseOutcome[] {
  return MATCHER_CASES.map(({ title, run }) => {
    try {
      run(expect)
      return { title, pass: true }
    } catch (error) {
      if (!(error instanceof Error)) return { title, pass: false, message: String(error) }
      return { title, pass: false, message: stripVTControlCharacters(error.message), ...(misuse(error) ? { thrown: error.name } : {}) }
    }
  })
}

/** The variable naming the file of vitest's outcomes, which the runner tests write before they start a runner. */
export const VITEST_OUTCOMES_ENV = 'TRACEWRIGHT_VITEST_OUTCOMES'

/** vitest's outcomes, for a spec under another runner to compare its own with case by case. */
export function readVitestOutcomes(runnerTest: string): CaseOutcome[] {
  const file = process.env[VITEST_OUTCOMES_ENV]
  if (file === undefined) {
    throw new Error(`Failed to run the matcher conformance spec: ${VITEST_OUTCOMES_ENV} is not set. Please run it through ${runnerTest}, which sets it.`)
  }
  return JSON.parse(readFileSync(file, 'utf8')) as CaseOutcome[]
}
