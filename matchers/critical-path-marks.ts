import type { CapturedSpan } from '../src/model/captured-span.js'
import type { CriticalPathSpan } from '../src/model/critical-path.js'
import { formatMs } from '../src/model/render-trace.js'
import type { SpanMark } from '../src/model/render-trace.js'
import type { Trace } from '../src/select/trace.js'

/**
 * Marks the critical path of `trace` (below `from`, the entry span by default) in `marks`, each
 * span with its contribution; a span already marked (the received one) keeps its label and gains
 * the critical-path note. A duration failure is read from this: the marked chain is where the
 * time went, and the spans off it are the ones whose speed did not matter.
 */
export function markCriticalPath(trace: Trace, from?: CapturedSpan, marks = new Map<string, SpanMark>()): Map<string, SpanMark> {
  for (const { span, contributionMs } of criticalPathOf(trace, from)) {
    const note = contributionMs > 0 ? `critical path ${formatMs(contributionMs)}` : 'critical path'
    const existing = marks.get(span.spanId)
    marks.set(span.spanId, existing ? { ...existing, label: `${existing.label} · ${note}` } : { label: note })
  }
  return marks
}

/** One line naming the spans that contributed most to the critical path, for a duration failure. */
export function criticalPathSummary(trace: Trace, from?: CapturedSpan): string[] {
  const steps = criticalPathOf(trace, from).filter((s) => s.contributionMs > 0)
  if (steps.length === 0) return []
  const top = [...steps].sort((a, b) => b.contributionMs - a.contributionMs).slice(0, 3)
  const listed = top.map((s) => `${JSON.stringify(s.span.name)} ${formatMs(s.contributionMs)}`).join(', ')
  return [`Critical path (marked below): ${steps.length} span${steps.length === 1 ? '' : 's'}; most time in ${listed}.`]
}

function criticalPathOf(trace: Trace, from: CapturedSpan | undefined): readonly CriticalPathSpan[] {
  if (trace.size === 0) return []
  return from === undefined ? trace.criticalPath() : trace.criticalPath(from)
}
