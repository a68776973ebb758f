import type { CapturedLink, CapturedSpan } from '../model/captured-span.js'
import type { TraceTree } from '../model/trace-tree.js'
import type { Trace } from './trace.js'

// How to get a Trace's tree, handed over by Trace's static block (the only code that can read its
// private field). It lives apart from the class so the selector engine, which Trace itself uses,
// can read a trace's spans without importing Trace: no import cycle, and no per-trace WeakMap
// entry on the request path.
let readTree: ((trace: Trace) => TraceTree) | undefined
let readLinked: ((trace: Trace) => LinkedTraces | undefined) | undefined

/**
 * Where a trace finds the other traces its links point into, and the traces linking to it. A
 * `TraceStore` hands one to every trace it makes; a trace built by hand has none, so its links
 * resolve only within itself.
 */
export interface LinkedTraces {
  /** The trace with this id as captured so far, or undefined when the store never saw it. */
  trace(traceId: string): Trace | undefined
  /** The traces with a span that links into `traceId`, in the order their first link arrived. */
  linkingTo(traceId: string): readonly Trace[]
}

/**
 * One link of a span and the span it points to, when that was captured: in the same trace, or in
 * another trace the store holds.
 */
export interface ResolvedLink {
  readonly link: CapturedLink
  /** The linked span, or undefined when it was never captured (reported by its ids). */
  readonly span: CapturedSpan | undefined
  /** The trace the linked span is in, when it was captured. */
  readonly trace: Trace | undefined
}

/** Called once, by Trace's static block. */
export function provideTreeReader(reader: (trace: Trace) => TraceTree, linked: (trace: Trace) => LinkedTraces | undefined): void {
  readTree = reader
  readLinked = linked
}

/**
 * The spans of `trace` as a plain {@link TraceTree}: what tracewright's own code walks (selectors,
 * lint, samples, reports), because reading it does not mark each span as seen in this trace.
 */
export function treeOf(trace: Trace): TraceTree {
  try {
    return (readTree as (trace: Trace) => TraceTree)(trace)
  } catch (error) {
    throw new TypeError('Failed to read the trace: it is not a tracewright Trace. Please pass a trace from svc.request(), a TraceStore or `new Trace(spans)`.', { cause: error })
  }
}

/** The links of `span` (a member of `trace`), each with the span it points to when captured. */
export function resolveLinks(trace: Trace, span: CapturedSpan): ResolvedLink[] {
  if (span.links.length === 0) return []
  const linked = (readLinked as (trace: Trace) => LinkedTraces | undefined)(trace)
  return span.links.map((link) => {
    const target = link.traceId === trace.traceId ? trace : linked?.trace(link.traceId)
    const found = target === undefined ? undefined : treeOf(target).spanById(link.spanId)
    return { link, span: found, trace: found === undefined ? undefined : target }
  })
}

/** The traces known to `trace`'s store with a span linking into it (none for a hand-built trace). */
export function linkingTraces(trace: Trace): readonly Trace[] {
  return (readLinked as (trace: Trace) => LinkedTraces | undefined)(trace)?.linkingTo(trace.traceId) ?? []
}

/**
 * The logs of `trace` as its store holds them now: log records are exported on their own schedule
 * and may arrive after the spans, so a snapshot handed out earlier can lack them.
 */
export function currentLogs(trace: Trace): Trace['logs'] {
  return (readLinked as (trace: Trace) => LinkedTraces | undefined)(trace)?.trace(trace.traceId)?.logs ?? trace.logs
}
