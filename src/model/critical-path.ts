import type { CapturedSpan } from './captured-span.js'
import type { TraceView } from './trace-tree.js'

/**
 * A stretch of the critical path: `span` itself (not one of its children) was what the trace was
 * waiting for from `start` to `end` (ns since the epoch, as on spans).
 */
export interface CriticalSegment {
  readonly span: CapturedSpan
  readonly start: bigint
  readonly end: bigint
  /** `end − start` in ms. */
  readonly durationMs: number
}

/**
 * The critical path of a trace: the chain of work that determined when `root` finished, as
 * segments in time order, each the self time of one span on that chain. `root` defaults to the
 * trace's earliest root, its entry span. Their durations add up to
 * the root's duration, so "where did the end-to-end time go" has one answer per span.
 *
 * Walks back from the root's end: the child that finished last (before the point reached) is what
 * the parent was waiting for, so the path descends into it up to its end, and continues from that
 * child's start with the child that finished last before it; time no child covers is the parent's
 * own. Children running in parallel off the path cost nothing here, which is the point: speeding
 * them up would not shorten the request. A child that outlives its parent (fire-and-forget work)
 * counts only up to the parent's end.
 *
 * @example
 * ```ts
 * for (const segment of criticalPath(treeOf(trace))) console.log(segment.span.name, segment.durationMs)
 * ```
 */
export function criticalPath(tree: TraceView, root: CapturedSpan | undefined = tree.roots[0]): CriticalSegment[] {
  if (root === undefined) return []
  const segments: CriticalSegment[] = []
  walk(tree, root, root.end, segments, new Set())
  return segments.reverse()
}

/**
 * Per span, its time on the critical path in ms (spans off the path are absent).
 *
 * @example
 * ```ts
 * const onPath = criticalTimeMs(criticalPath(tree))
 * onPath.get(tree.span('inventory-check')) // 210
 * ```
 */
export function criticalTimeMs(segments: readonly CriticalSegment[]): Map<CapturedSpan, number> {
  const out = new Map<CapturedSpan, number>()
  for (const segment of segments) out.set(segment.span, (out.get(segment.span) ?? 0) + segment.durationMs)
  return out
}

// Appends the segments of `span` up to `until`, latest first (the caller reverses once).
function walk(tree: TraceView, span: CapturedSpan, until: bigint, out: CriticalSegment[], seen: Set<string>): void {
  // A malformed trace can make a span its own ancestor; walk each span once.
  if (seen.has(span.spanId)) return
  seen.add(span.spanId)
  let cursor = until < span.end ? until : span.end
  const children = tree.children(span)
  while (cursor > span.start) {
    let next: CapturedSpan | undefined
    let nextEnd = span.start
    for (const child of children) {
      if (seen.has(child.spanId) || child.start >= cursor) continue
      const end = child.end < cursor ? child.end : cursor
      if (end > nextEnd) {
        next = child
        nextEnd = end
      }
    }
    if (next === undefined) {
      push(out, span, span.start, cursor)
      return
    }
    if (nextEnd < cursor) push(out, span, nextEnd, cursor)
    walk(tree, next, nextEnd, out, seen)
    cursor = next.start > span.start ? next.start : span.start
  }
}

function push(out: CriticalSegment[], span: CapturedSpan, start: bigint, end: bigint): void {
  if (end > start) out.push({ span, start, end, durationMs: Number(end - start) / 1e6 })
}

/** One span of a trace's critical path and the time it contributed to it. */
export interface CriticalPathSpan {
  readonly span: CapturedSpan
  /**
   * The span's own time on the path, in ms: the stretches where the trace waited for this span and
   * not for one of its children. 0 for a span that is on the chain only because a child on it
   * covers all of its time (a CLIENT span whose SERVER span is the whole wait).
   */
  readonly contributionMs: number
}

/**
 * The spans on the critical path below `root` (the trace's entry span by default), each once, in
 * start order (an ancestor before its descendants), with their contributions, which add up to
 * `root`'s duration. A span with a segment on the path carries the whole chain of its ancestors up
 * to `root`: the path runs through them to reach it.
 *
 * @example
 * ```ts
 * for (const { span, contributionMs } of criticalPathSpans(tree)) console.log(span.name, contributionMs)
 * ```
 */
export function criticalPathSpans(tree: TraceView, root: CapturedSpan | undefined = tree.roots[0]): CriticalPathSpan[] {
  if (root === undefined) return []
  const ownMs = criticalTimeMs(criticalPath(tree, root))
  const onPath = new Set<string>()
  for (const span of ownMs.keys()) {
    // Climb to `root` (or to a span already known to be on the path); parents are in the tree.
    for (let s: CapturedSpan | undefined = span; s !== undefined && !onPath.has(s.spanId); s = s === root ? undefined : tree.parent(s)) {
      onPath.add(s.spanId)
    }
  }
  return tree.spans()
    .filter((span) => onPath.has(span.spanId))
    .map((span) => ({ span, contributionMs: ownMs.get(span) ?? 0 }))
}
