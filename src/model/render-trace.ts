import { serviceOf } from './captured-span.js'
import { behaviourLabel } from './span-label.js'
import type { CapturedSpan } from './captured-span.js'
import type { TraceView } from './trace-tree.js'

/** A note printed under one span of a rendered trace (a candidate marker and its differences). */
export interface SpanMark {
  /** Short label printed after the span line, e.g. `closest candidate`. */
  readonly label: string
  /** Lines printed under the span, e.g. `kind: expected SERVER, got CLIENT`. */
  readonly notes?: readonly string[]
}

export interface RenderTraceOptions {
  /** Spans to point at, by span id. */
  readonly marks?: ReadonlyMap<string, SpanMark>
  /** At most this many span lines (marked spans are always shown). Default 200. */
  readonly maxSpans?: number
  /** Include the linked log lines. Default true. */
  readonly logs?: boolean
}

/**
 * The trace as a text tree, one span a line: name, kind, service, duration, status. Error spans
 * are marked with `✗`; marked spans get a `◀ label` and their notes.
 *
 * @example
 * ```ts
 * console.log(renderTrace(trace))
 * // trace 4bf92f35… · 3 spans · 12.4 ms
 * // GET /orders/:id  SERVER  orders  12.4 ms
 * // ├─ SELECT orders  CLIENT  orders  2.1 ms
 * // └─ ✗ GET  CLIENT  orders  5.0 ms  ERROR "connect ECONNREFUSED"
 * ```
 */
export function renderTrace(trace: TraceView, options: RenderTraceOptions = {}): string {
  const marks = options.marks ?? new Map<string, SpanMark>()
  const maxSpans = options.maxSpans ?? 200
  const all = trace.spans()
  const header = `trace ${trace.traceId || '(unknown id)'} · ${all.length} span${all.length === 1 ? '' : 's'} · ${formatMs(trace.durationMs)}`
  if (all.length === 0) return `${header}\n(no spans captured)`
  const lines: string[] = [header]
  let shown = 0
  let hidden = 0
  const visit = (span: CapturedSpan, prefix: string, childPrefix: string): void => {
    const mark = marks.get(span.spanId)
    if (shown < maxSpans || mark !== undefined) {
      lines.push(prefix + describeSpanLine(span) + (mark ? `  ◀ ${mark.label}` : ''))
      for (const note of mark?.notes ?? []) lines.push(`${childPrefix}${' '.repeat(3)}· ${note}`)
      shown++
    } else {
      hidden++
    }
    const kids = trace.children(span)
    kids.forEach((child, i) => {
      const last = i === kids.length - 1
      visit(child, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '))
    })
  }
  const roots = trace.roots
  roots.forEach((root, i) => {
    if (i > 0) lines.push(`(another root: parent ${root.parentSpanId ?? 'none'} is not in the trace)`)
    visit(root, '', '')
  })
  if (hidden > 0) lines.push(`… ${hidden} more span${hidden === 1 ? '' : 's'} not shown`)
  if (options.logs !== false && trace.logs.length > 0) {
    lines.push('logs:')
    for (const log of trace.logs.slice(-20)) {
      const owner = log.spanId !== undefined ? trace.spanById(log.spanId)?.name : undefined
      lines.push(`  [${log.source}${log.severity ? ` ${log.severity}` : ''}${owner ? ` · ${owner}` : ''}] ${log.body}`)
    }
  }
  return lines.join('\n')
}

/**
 * One span as a line of the tree: `✗ name  KIND  service  12.3 ms  ERROR "message"`. A database span
 * with a generic name shows its query too (`pg.query:SELECT test · SELECT … WHERE id = $1`).
 */
export function describeSpanLine(span: CapturedSpan): string {
  const error = span.status.code === 'ERROR'
  const status = span.status.code === 'UNSET' ? '' : `  ${span.status.code}${span.status.message ? ` ${JSON.stringify(span.status.message)}` : ''}`
  const behaviour = behaviourLabel(span)
  return `${error ? '✗ ' : ''}${span.name}${behaviour === undefined ? '' : ` · ${behaviour}`}  ${span.kind}  ${serviceOf(span)}  ${formatMs(span.durationMs)}${status}`
}

/** Milliseconds for people: `0.42 ms`, `12.3 ms`, `1.24 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 10) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(2)} ms`
}
