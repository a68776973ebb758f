import type { MatcherState, SyncMatcherResult } from 'vitest'
import { isCapturedSpan } from '../src/model/captured-span.js'
import type { CapturedSpan } from '../src/model/captured-span.js'
import type { SpanMark } from '../src/model/render-trace.js'
import { compileSelector } from '../src/select/select-spans.js'
import type { Selector } from '../src/select/selector.js'
import { assertSpan, describeSelector, withSelectorArgument, formatFailure, markCandidates, markSpans, matcherEquals, spanLabel, traceOfSpan } from './failure-message.js'

/** The shared body of `toBeChildOf` and `toBeDescendantOf`: they differ only in which relatives count. */
export function relationReport(
  state: MatcherState,
  matcher: 'toBeChildOf' | 'toBeDescendantOf',
  received: unknown,
  other: Selector | CapturedSpan,
  relation: 'child' | 'descendant',
): SyncMatcherResult {
  assertSpan(matcher, received)
  if (other === undefined || other === null) {
    throw new TypeError(`${matcher}() expects a selector or a span, e.g. ${matcher}({ kind: 'SERVER' }) or ${matcher}(trace.root). Received ${String(other)}.`)
  }
  const span = received
  const trace = traceOfSpan(span)
  const equals = matcherEquals(state)
  const otherSpan = isCapturedSpan(other) ? other : undefined
  const selector: Selector = otherSpan ? (s: CapturedSpan) => s.spanId === otherSpan.spanId && s.traceId === otherSpan.traceId : (other as Selector)
  const match = withSelectorArgument(matcher, () => compileSelector(selector, equals))
  const relatives = relation === 'child' ? [trace.parent(span)].filter((s): s is CapturedSpan => s !== undefined) : trace.ancestors(span)
  const found = relatives.find((r) => match(r, trace))
  const pass = found !== undefined
  const wanted = otherSpan ? spanLabel(otherSpan) : `a span matching ${describeSelector(other as Selector)}`
  return {
    pass,
    message: () => {
      const marks = new Map<string, SpanMark>([[span.spanId, { label: 'received' }]])
      const parent = trace.parent(span)
      if (found) marks.set(found.spanId, { label: relation === 'child' ? 'parent (matches)' : 'ancestor (matches)' })
      else if (parent) marks.set(parent.spanId, { label: 'actual parent' })
      // The spans the selector does match are the answer to "then what did it match?"; only when
      // none does are the closest candidates worth showing.
      const matching = !pass && !otherSpan ? trace.spans().filter((s) => s.spanId !== span.spanId && match(s, trace)) : []
      if (matching.length > 0) markSpans(matching, 'matches the selector', marks)
      else if (!pass && !otherSpan) markCandidates(trace, selector, equals, marks)
      const expectedLabel = relation === 'child' ? 'expected parent' : 'expected ancestor'
      const otherInTrace = otherSpan !== undefined && otherSpan.traceId === trace.traceId && trace.spanById(otherSpan.spanId) !== undefined
      if (!pass && otherInTrace && !marks.has(otherSpan.spanId)) marks.set(otherSpan.spanId, { label: expectedLabel })
      const actual = relation === 'child'
        ? parent ? `its parent is ${spanLabel(parent)}` : `it has no parent in the trace${span.parentSpanId ? ` (parent ${span.parentSpanId} was not captured)` : ''}`
        : relatives.length ? `its ancestors are ${relatives.map((r) => JSON.stringify(r.name)).join(' < ')}` : 'it has no ancestors in the trace'
      const details = otherSpan !== undefined && otherSpan.traceId !== trace.traceId
        ? [`The ${expectedLabel.replace('expected ', '')} you passed belongs to another trace (${otherSpan.traceId}); spans of different traces are never related.`]
        : matching.length > 0
          ? [`${matching.length} span${matching.length === 1 ? ' matches' : 's match'} the selector, but ${matching.length === 1 ? 'it is not' : 'none is'} ${relation === 'child' ? 'its parent' : 'among its ancestors'}.`]
          : []
      return formatFailure(state, {
        matcher,
        details,
        received: 'span',
        args: relation === 'child' ? 'parent' : 'ancestor',
        expected: `${spanLabel(span)} to be a ${relation} of ${wanted}`,
        actual,
        trace,
        marks,
      })
    },
  }
}
