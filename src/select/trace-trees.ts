import type { TraceTree } from '../model/trace-tree.js'
import type { Trace } from './trace.js'

// How to get a Trace's tree, handed over by Trace's static block (the only code that can read its
// private field). It lives apart from the class so the selector engine, which Trace itself uses,
// can read a trace's spans without importing Trace: no import cycle, and no per-trace WeakMap
// entry on the request path.
let readTree: ((trace: Trace) => TraceTree) | undefined

/** Called once, by Trace's static block. */
export function provideTreeReader(reader: (trace: Trace) => TraceTree): void {
  readTree = reader
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
