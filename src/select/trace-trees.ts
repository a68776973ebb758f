import type { TraceTree } from '../model/trace-tree.js'
import type { Trace } from './trace.js'

// Each Trace's tree, kept apart from the class so the selector engine, which Trace itself uses, can
// read a trace's spans without importing Trace (no cycle) and without recording them for `traceOf`.
const trees = new WeakMap<Trace, TraceTree>()

/** Records `tree` as the spans of `trace`; called once, by Trace's constructor. */
export function attachTree(trace: Trace, tree: TraceTree): void {
  trees.set(trace, tree)
}

/**
 * The spans of `trace` as a plain {@link TraceTree}: what tracewright's own code walks (selectors,
 * lint, samples, reports), because reading it does not mark each span as seen in this trace.
 */
export function treeOf(trace: Trace): TraceTree {
  const tree = trees.get(trace)
  if (tree === undefined) throw new TypeError('Failed to read the trace: it is not a tracewright Trace. Please pass a trace from svc.request(), a TraceStore or `new Trace(spans)`.')
  return tree
}
