import { serviceOf } from './captured-span.js'
import type { CapturedSpan } from './captured-span.js'
import type { TraceView } from './trace-tree.js'

/** One place where a trace is not one connected tree, the most common tracing bug. */
export interface TraceBreak {
  readonly span: CapturedSpan
  readonly kind: 'orphan' | 'server-without-client' | 'service-hop-without-client'
  /** What is wrong and what usually causes it. */
  readonly message: string
}

/**
 * Every break in a trace: spans whose parent was never captured (beyond the one entry span), and
 * hops into another service or SERVER span that do not come through the caller's CLIENT (or
 * PRODUCER) span, which is what a missing client instrumentation or a lost `traceparent` looks like.
 *
 * @example
 * ```ts
 * for (const b of findTraceBreaks(trace)) console.log(b.span.name, b.message)
 * ```
 */
export function findTraceBreaks(trace: TraceView): TraceBreak[] {
  const breaks: TraceBreak[] = []
  const spans = trace.spans()
  const roots = spans.filter((s) => trace.parent(s) === undefined)
  // The earliest root is the entry span (its parent is the harness's client span); every other
  // root is a span whose parent never arrived.
  for (const orphan of roots.slice(1)) {
    breaks.push({
      span: orphan,
      kind: 'orphan',
      message: orphan.parentSpanId === undefined
        ? `"${orphan.name}" (${serviceOf(orphan)}) started a new root: the context was not passed to it, so it is cut off from the request`
        : `"${orphan.name}" (${serviceOf(orphan)}) has parent ${orphan.parentSpanId}, which was never captured: that span was not exported, not sampled, or belongs to another trace`,
    })
  }
  for (const span of spans) {
    const parent = trace.parent(span)
    if (parent === undefined) continue
    const callerKinds = parent.kind === 'CLIENT' || parent.kind === 'PRODUCER'
    if (span.kind === 'SERVER' && parent.kind !== 'CLIENT') {
      breaks.push({
        span,
        kind: 'server-without-client',
        message: `SERVER span "${span.name}" (${serviceOf(span)}) is a child of ${parent.kind} span "${parent.name}" (${serviceOf(parent)}), not of a CLIENT span: the caller propagated the context without a client span (is its HTTP client instrumented?)`,
      })
    } else if (serviceOf(span) !== serviceOf(parent) && !(callerKinds && (span.kind === 'SERVER' || span.kind === 'CONSUMER'))) {
      breaks.push({
        span,
        kind: 'service-hop-without-client',
        message: `${span.kind} span "${span.name}" of ${serviceOf(span)} is a direct child of ${parent.kind} span "${parent.name}" of ${serviceOf(parent)}: a hop between services should go CLIENT → SERVER or PRODUCER → CONSUMER`,
      })
    }
  }
  return breaks
}
