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
  const allowed = [...new Set(options.attributes ?? DEFAULT_SNAPSHOT_ATTRIBUTES)].sort()
  const own = new Map<CapturedSpan, string[]>()
  const keys = new Map<CapturedSpan, string>()
  const sorted = new Map<CapturedSpan, CapturedSpan[]>()
  // Children before parents (a span's key holds its children's), by the tree rather than by start
  // time: a child from a process whose clock runs behind can start before its parent.
  const prepare = (span: CapturedSpan): void => {
    const kids = trace.children(span)
    for (const kid of kids) if (!keys.has(kid)) prepare(kid)
    const lines = ownLines(span, allowed)
    const children = canonicalOrder(kids, keys)
    own.set(span, lines)
    sorted.set(span, children)
    keys.set(span, `${lines.join('\n')}\n(${children.map((c) => keys.get(c)).join('\n')})`)
  }
  for (const root of trace.roots) prepare(root)
  const spans = trace.spans()
  const out = [`Trace (${spans.length} span${spans.length === 1 ? '' : 's'})`]
  const visit = (span: CapturedSpan, prefix: string, childPrefix: string): void => {
    const [line, ...attributes] = own.get(span) as string[]
    const children = sorted.get(span) as CapturedSpan[]
    out.push(prefix + line)
    const under = childPrefix + (children.length > 0 ? '│  ' : '   ')
    for (const attribute of attributes) out.push(under + attribute)
    children.forEach((child, i) => {
      const last = i === children.length - 1
      visit(child, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '))
    })
  }
  for (const root of canonicalOrder(trace.roots, keys)) visit(root, '', '')
  return out.join('\n')
}

function canonicalOrder(spans: readonly CapturedSpan[], keys: ReadonlyMap<CapturedSpan, string>): CapturedSpan[] {
  // Plain code-unit order, not localeCompare: the same on every machine and locale.
  return [...spans].sort((a, b) => {
    const ka = keys.get(a) as string
    const kb = keys.get(b) as string
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
}

function ownLines(span: CapturedSpan, allowed: readonly string[]): string[] {
  const status = span.status.code === 'UNSET' ? '' : `  ${span.status.code}`
  const lines = [`${span.name}  ${span.kind}  ${serviceOf(span)}${status}`]
  for (const key of allowed) {
    const value = span.attributes[key]
    if (value !== undefined) lines.push(`· ${key}: ${formatValue(value)}`)
  }
  return lines
}

function formatValue(value: AttributeValue): string {
  return JSON.stringify(value)
}
