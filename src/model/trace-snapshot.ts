import { serviceOf } from './captured-span.js'
import type { AttributeValue, CapturedSpan } from './captured-span.js'
import type { TraceView } from './trace-tree.js'

/**
 * The attributes a trace snapshot keeps by default: the semantic-convention keys that say what a
 * span does (route, method and status code; database system, operation and collection; messaging
 * system, destination and operation; RPC system, service and method; the peer service; the error
 * type). Left out on purpose: anything that changes between runs or machines, such as ports,
 * addresses, ids, query text with literals, user agents and timings.
 */
export const DEFAULT_SNAPSHOT_ATTRIBUTES: readonly string[] = Object.freeze([
  'db.collection.name',
  'db.operation',
  'db.operation.name',
  'db.query.summary',
  'db.sql.table',
  'db.system',
  'db.system.name',
  'error.type',
  'http.request.method',
  'http.response.status_code',
  'http.route',
  'messaging.destination',
  'messaging.destination.name',
  'messaging.operation',
  'messaging.operation.type',
  'messaging.system',
  'peer.service',
  'rpc.method',
  'rpc.service',
  'rpc.system',
])

/** What a trace snapshot shows besides names, kinds, services and status codes. */
export interface TraceSnapshotOptions {
  /**
   * The attribute keys to keep, replacing {@link DEFAULT_SNAPSHOT_ATTRIBUTES}; extend the defaults
   * with `[...DEFAULT_SNAPSHOT_ATTRIBUTES, 'order.id']`. Attributes are printed sorted by key.
   */
  readonly attributes?: readonly string[]
}

/**
 * A trace as a stable text tree for snapshots: one line per span with its name, kind, service and
 * status code (not UNSET), then its allowed attributes; no ids, no times, no status messages.
 * Siblings are sorted by their whole rendered subtree rather than by start time, so the same shape
 * gives the same bytes whatever order parallel work ran or arrived in, and from either capture path.
 *
 * @example
 * ```ts
 * renderTraceSnapshot(trace)
 * // Trace (3 spans)
 * // GET /orders/:id  SERVER  orders
 * //    · http.route: "/orders/:id"
 * // ├─ SELECT orders  CLIENT  orders
 * // └─ GET  CLIENT  orders  ERROR
 * ```
 */
export function renderTraceSnapshot(trace: TraceView, options: TraceSnapshotOptions = {}): string {
  const allowed = new Set(options.attributes ?? DEFAULT_SNAPSHOT_ATTRIBUTES)
  const order = canonicalChildren(trace, allowed)
  const count = trace.spans().length
  // One growing string: V8 joins the pieces once, at the end, without an array of lines.
  let out = `Trace (${count} span${count === 1 ? '' : 's'})`
  const visit = (span: CapturedSpan, prefix: string, childPrefix: string): void => {
    const shape = order.get(span) as SpanShape
    out += `\n${prefix}${shape.line}`
    const children = shape.children
    if (shape.attributes.length > 0) {
      const under = childPrefix + (children.length > 0 ? '│  ' : '   ')
      for (const attribute of shape.attributes) out += `\n${under}${attribute}`
    }
    const last = children.length - 1
    for (let i = 0; i <= last; i++) {
      visit(children[i] as CapturedSpan, childPrefix + (i === last ? '└─ ' : '├─ '), childPrefix + (i === last ? '   ' : '│  '))
    }
  }
  for (const root of sortSiblings(trace.roots, order)) visit(root, '', '')
  return out
}

interface SpanShape {
  /** `name  KIND  service  STATUS` */
  readonly line: string
  readonly attributes: readonly string[]
  /** The span's own lines, which siblings are sorted by first. */
  readonly text: string
  /** Rank of `text` among the distinct texts of the trace, in code-unit order. */
  textRank: number
  /** 0 for a leaf, else one more than its tallest child. */
  height: number
  /**
   * Rank of the whole subtree among all subtrees of the same height, by their canonical
   * signature: equal for same-shaped subtrees, the same on every run.
   */
  rank: number
  children: readonly CapturedSpan[]
}

// Canonical sibling order without rendering subtrees into ever longer strings (a 10,000-span trace
// would compare kilobyte keys): own texts are ranked once, then subtrees are ranked height by
// height, bottom up, each by its text's rank and its children's (height, rank), which are already
// canonical. Siblings sort by text, then by that rank: integer comparisons. Nothing depends on start
// times or arrival order.
function canonicalChildren(trace: TraceView, allowed: ReadonlySet<string>): Map<CapturedSpan, SpanShape> {
  const shapes = new Map<CapturedSpan, SpanShape>()
  const byHeight: CapturedSpan[][] = []
  const texts = new Map<string, number>()
  // Post-order by the tree, not by start time: a child from a process whose clock runs behind can
  // start before its parent.
  const prepare = (span: CapturedSpan): number => {
    const known = shapes.get(span)
    if (known !== undefined) return known.height
    let height = 0
    const kids = trace.children(span)
    for (const kid of kids) {
      const below = prepare(kid) + 1
      if (below > height) height = below
    }
    const { line, attributes } = ownLines(span, allowed)
    const text = attributes.length === 0 ? line : `${line}\n${attributes.join('\n')}`
    texts.set(text, 0)
    shapes.set(span, { line, attributes, text, textRank: 0, height, rank: 0, children: kids })
    ;(byHeight[height] ??= []).push(span)
    return height
  }
  for (const root of trace.roots) prepare(root)
  ;[...texts.keys()].sort(compareText).forEach((text, i) => texts.set(text, i))
  for (const shape of shapes.values()) shape.textRank = texts.get(shape.text) as number
  // Leaves with the same text are the same subtree: their rank is their text's.
  for (const span of byHeight[0] ?? []) {
    const shape = shapes.get(span) as SpanShape
    shape.rank = shape.textRank
  }
  for (const level of byHeight.slice(1)) {
    if (level === undefined) continue
    const signatures: string[] = []
    for (const span of level) {
      const shape = shapes.get(span) as SpanShape
      if (shape.children.length > 1) shape.children = sortSiblings(shape.children, shapes)
      signatures.push(`${shape.textRank}|${shape.children.map((c) => `${(shapes.get(c) as SpanShape).height}.${(shapes.get(c) as SpanShape).rank}`).join(',')}`)
    }
    const rankOf = new Map<string, number>()
    for (const signature of [...new Set(signatures)].sort(compareText)) rankOf.set(signature, rankOf.size)
    level.forEach((span, i) => {
      (shapes.get(span) as SpanShape).rank = rankOf.get(signatures[i] as string) as number
    })
  }
  return shapes
}

function sortSiblings(spans: readonly CapturedSpan[], shapes: ReadonlyMap<CapturedSpan, SpanShape>): CapturedSpan[] {
  return [...spans].sort((a, b) => {
    const x = shapes.get(a) as SpanShape
    const y = shapes.get(b) as SpanShape
    return x.textRank - y.textRank || x.height - y.height || x.rank - y.rank
  })
}

// Plain code-unit order, not localeCompare: the same on every machine and locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const NO_ATTRIBUTES: readonly string[] = Object.freeze([])

function ownLines(span: CapturedSpan, allowed: ReadonlySet<string>): { line: string; attributes: readonly string[] } {
  const status = span.status.code === 'UNSET' ? '' : `  ${span.status.code}`
  const line = `${span.name}  ${span.kind}  ${serviceOf(span)}${status}`
  // A span has a handful of attributes and the allow-list a score of keys: walk the span's.
  let keys: string[] | undefined
  for (const key in span.attributes) if (allowed.has(key) && span.attributes[key] !== undefined) (keys ??= []).push(key)
  if (keys === undefined) return { line, attributes: NO_ATTRIBUTES }
  return { line, attributes: keys.sort(compareText).map((key) => `· ${key}: ${formatValue(span.attributes[key] as AttributeValue)}`) }
}

// JSON for every value; numbers and booleans print the same through String(), without the
// serializer's machinery.
function formatValue(value: AttributeValue): string {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) ? String(value) : JSON.stringify(value)
}
