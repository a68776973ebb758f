import type { MatcherState, SyncMatcherResult } from 'vitest'
import { isCapturedSpan, serviceOf } from '../src/model/captured-span.js'
import type { CapturedSpan } from '../src/model/captured-span.js'
import { renderTrace } from '../src/model/render-trace.js'
import type { SpanMark } from '../src/model/render-trace.js'
import { describeValue } from '../src/select/describe.js'
import { compileSelector, matchAttribute } from '../src/select/select-spans.js'
import type { AttributeMatcher, Selector } from '../src/select/selector.js'
import type { ResolvedLink, Trace } from '../src/select/trace.js'
import { assertSpan, describeSelector, formatFailure, matcherEquals, spanLabel, traceOfSpan, withSelectorArgument } from './failure-message.js'

/** Attributes a link must carry; `undefined` as a value means "must be absent". */
export type LinkAttributes = Readonly<Record<string, AttributeMatcher | undefined>>

/**
 * Passes when the span has a link to `target` — a selector matched against the linked span where
 * it was captured (this trace, or another trace the store holds), or a span itself — and, when
 * `attributes` are given, that link carries them. A link to a span that was never captured can
 * only match a span passed by value (same trace and span id); a failure lists every link, the
 * uncaptured ones by trace and span id.
 *
 * @example
 * ```ts
 * const batch = await svc.waitForSpan(trace, { kind: 'CONSUMER' }, { linked: true })
 * expect(batch).toHaveLink({ kind: 'PRODUCER', attributes: { 'messaging.destination.name': 'orders' } })
 * expect(batch).toHaveLink(trace.span('orders publish'), { 'messaging.message.id': expect.any(String) })
 * ```
 */
export function toHaveLink(this: MatcherState, received: unknown, target: Selector | CapturedSpan, attributes?: LinkAttributes): SyncMatcherResult {
  assertSpan('toHaveLink', received)
  if (target === undefined || target === null) {
    throw new TypeError(`toHaveLink() expects a selector or a span, e.g. toHaveLink({ kind: 'PRODUCER' }) or toHaveLink(trace.span('orders publish')). Received ${String(target)}.`)
  }
  if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))) {
    throw new TypeError(`toHaveLink() expects the link's attributes as an object, e.g. toHaveLink(selector, { 'messaging.message.id': 'm-1' }). Received ${describeValue(attributes)}.`)
  }
  const span = received
  const trace = traceOfSpan(span)
  const equals = matcherEquals(this)
  const targetSpan = isCapturedSpan(target) ? target : undefined
  const matchTarget = targetSpan
    ? (r: ResolvedLink) => r.link.traceId === targetSpan.traceId && r.link.spanId === targetSpan.spanId
    : targetMatcher(withSelectorArgument('toHaveLink', () => compileSelector(target as Selector, equals)))
  const matchAttributes = (r: ResolvedLink): boolean => Object.entries(attributes ?? {}).every(([key, expected]) =>
    expected === undefined ? !(key in r.link.attributes) : matchAttribute(expected, r.link.attributes[key], equals))
  const links = trace.links(span)
  const pass = links.some((r) => matchTarget(r) && matchAttributes(r))
  const wanted = targetSpan ? spanLabel(targetSpan) : `a span matching ${describeSelector(target as Selector)}`
  return {
    pass,
    message: () => {
      const targets = links.filter(matchTarget)
      const lines = links.map((r) => {
        const hit = matchTarget(r)
        const flag = hit && matchAttributes(r) ? '> ' : '  '
        const note = !hit ? '' : attributes === undefined || matchAttributes(r) ? '  (matches)' : '  (target matches, attributes differ)'
        return `${flag}→ ${describeLinkTarget(r)}${Object.keys(r.link.attributes).length ? ` ${describeValue(r.link.attributes)}` : ''}${note}`
      })
      const marks = new Map<string, SpanMark>([[span.spanId, { label: 'received' }]])
      for (const r of links) if (r.span !== undefined && r.trace === trace && !marks.has(r.span.spanId)) marks.set(r.span.spanId, { label: 'linked' })
      return formatFailure(this, {
        matcher: 'toHaveLink',
        received: 'span',
        args: attributes === undefined ? 'target' : 'target, attributes',
        expected: `${spanLabel(span)} to have a link to ${wanted}${attributes === undefined ? '' : ` with attributes ${describeValue(attributes)}`}`,
        actual: links.length === 0 ? 'no links' : pass ? 'a matching link'
          : targets.length > 0 ? `${targets.length} link${targets.length === 1 ? '' : 's'} to a matching span, without those attributes`
          : `${links.length} link${links.length === 1 ? '' : 's'}, none to a matching span`,
        details: [`Links of ${spanLabel(span)}:`, ...(lines.length ? lines : ['  (none)']), ...otherTraces(links, trace)],
        trace,
        marks,
      })
    },
    actual: links.map((r) => ({ traceId: r.link.traceId, spanId: r.link.spanId, attributes: r.link.attributes })),
    expected: attributes === undefined ? target : { target, attributes },
  }
}

function targetMatcher(match: (span: CapturedSpan, trace: Trace) => boolean): (r: ResolvedLink) => boolean {
  return (r) => r.span !== undefined && r.trace !== undefined && match(r.span, r.trace)
}

function describeLinkTarget(r: ResolvedLink): string {
  return r.span === undefined
    ? `trace ${r.link.traceId} span ${r.link.spanId} (not captured: the store never saw it)`
    : `${JSON.stringify(r.span.name)} ${r.span.kind} (${serviceOf(r.span)}) in trace ${r.link.traceId} span ${r.link.spanId}`
}

// The linked spans of other traces are shown in their own trees, at most two, so a failure shows
// where each link points without printing a whole batch's worth of traces.
function otherTraces(links: readonly ResolvedLink[], own: Trace): string[] {
  const byTrace = new Map<Trace, CapturedSpan[]>()
  for (const r of links) {
    if (r.span === undefined || r.trace === undefined || r.trace === own) continue
    byTrace.set(r.trace, [...(byTrace.get(r.trace) ?? []), r.span])
  }
  const out: string[] = []
  for (const [other, spans] of [...byTrace].slice(0, 2)) {
    const marks = new Map<string, SpanMark>(spans.map((s) => [s.spanId, { label: 'linked' }]))
    out.push('', `Linked trace ${other.traceId}:`, renderTrace(other, { marks, logs: false }))
  }
  if (byTrace.size > 2) out.push('', `… and ${byTrace.size - 2} more linked trace${byTrace.size === 3 ? '' : 's'}`)
  return out
}
