import { serviceOf } from '../model/captured-span.js'
import type { CapturedSpan } from '../model/captured-span.js'
import type { TraceTree } from '../model/trace-tree.js'
import { describeValue } from './describe.js'
import { describeSelector } from './select-spans.js'
import type { Mismatch } from './select-spans.js'
import type { SpanQuery } from './selector.js'
import type { TreeDiffEntry } from './match-tree.js'
import type { CompiledPattern } from './tree-pattern.js'

/** What a tree diff found, counted for the `Received:` line. */
export interface TreeDiffCounts {
  /** Nodes paired with a span whose own fields differ. */
  readonly differing: number
  /** Nodes no span was found for (each counted once, not its expected subtree). */
  readonly missing: number
  /** Spans no node asked for (each counted once, not its subtree). */
  readonly unexpected: number
}

/** Counts the differences in a diff, at every depth. */
export function countTreeDiff(entries: readonly TreeDiffEntry[]): TreeDiffCounts {
  let differing = 0
  let missing = 0
  let unexpected = 0
  const visit = (list: readonly TreeDiffEntry[]): void => {
    for (const entry of list) {
      if (entry.kind === 'missing') missing++
      else if (entry.kind === 'unexpected') unexpected++
      else if (entry.kind === 'changed') {
        if (entry.mismatches.length > 0) differing++
        visit(entry.children)
      }
    }
  }
  visit(entries)
  return { differing, missing, unexpected }
}

// Past this, a subtree nobody expected is summed up in one line: its top says enough.
const MAX_UNEXPECTED_LINES = 12

/**
 * The diff as unified-diff lines: `-` the expected node, `+` the span received instead, two spaces
 * for what agrees. Each span is shown with the fields its node asked about, so the two sides of a
 * difference read alike; a subtree that matches is one line with its size.
 *
 * @example
 * ```ts
 * renderTreeDiff(comparison.diff(), tree)
 * // '  { name: "GET /orders/:id" }'
 * // '- ├─ { name: "SELECT order" }'
 * // '+ ├─ { name: "SELECT orders" }'
 * ```
 */
export function renderTreeDiff(entries: readonly TreeDiffEntry[], tree: TraceTree): string[] {
  const lines: string[] = []
  renderLevel(entries, tree, undefined, '', true, lines)
  return lines
}

function renderLevel(entries: readonly TreeDiffEntry[], tree: TraceTree, parent: CapturedSpan | undefined, prefix: string, top: boolean, out: string[]): void {
  entries.forEach((entry, i) => {
    const last = i === entries.length - 1
    const branch = top ? prefix : prefix + (last ? '└─ ' : '├─ ')
    const below = top ? prefix : prefix + (last ? '   ' : '│  ')
    switch (entry.kind) {
      case 'same': {
        const size = entry.below > 0 ? `  (and the ${entry.below} span${entry.below === 1 ? '' : 's'} below, as expected)` : ''
        out.push(`  ${branch}${projectSpan(entry.span, entry.node.query, [])}${size}`)
        break
      }
      case 'changed':
        if (entry.mismatches.length === 0) {
          out.push(`  ${branch}${projectSpan(entry.span, entry.node.query, [])}`)
        } else {
          out.push(`- ${branch}${describeNode(entry.node)}`)
          out.push(`+ ${branch}${projectSpan(entry.span, entry.node.query, entry.mismatches)}`)
        }
        renderLevel(entry.children, tree, entry.span, below, false, out)
        break
      case 'missing':
        renderMissing(entry.node, branch, below, out)
        break
      case 'unexpected':
        renderUnexpected(entry.span, tree, parent, branch, below, out)
        break
      case 'allowed':
        out.push(`  ${branch}anySpans(): ${describeAllowed(entry.spans)}`)
        break
    }
  })
}

function renderMissing(node: CompiledPattern, branch: string, below: string, out: string[]): void {
  out.push(`- ${branch}${describeNode(node)}`)
  node.sequence.forEach((child, i) => {
    const last = i === node.sequence.length - 1
    const childBranch = below + (last ? '└─ ' : '├─ ')
    if (child === 'any') out.push(`- ${childBranch}anySpans()`)
    else renderMissing(child, childBranch, below + (last ? '   ' : '│  '), out)
  })
}

function renderUnexpected(span: CapturedSpan, tree: TraceTree, parent: CapturedSpan | undefined, branch: string, below: string, out: string[]): void {
  out.push(`+ ${branch}${describeSpan(span, parent)}`)
  let budget = MAX_UNEXPECTED_LINES
  const visit = (at: CapturedSpan, prefix: string): void => {
    const kids = tree.children(at)
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1
      if (budget-- > 0) {
        out.push(`+ ${prefix}${last ? '└─ ' : '├─ '}${describeSpan(kid, at)}`)
        visit(kid, prefix + (last ? '   ' : '│  '))
      }
    })
  }
  visit(span, below)
  const total = tree.descendants(span).length
  const shown = Math.min(total, MAX_UNEXPECTED_LINES)
  if (total > shown) out.push(`+ ${below}… and ${total - shown} more span${total - shown === 1 ? '' : 's'} below`)
}

// The spans anySpans() let through, by name, so a span the reader is looking for can be found.
function describeAllowed(spans: readonly CapturedSpan[]): string {
  if (spans.length === 0) return 'no other spans'
  const names = spans.slice(0, 5).map((s) => JSON.stringify(s.name)).join(', ')
  return `${spans.length} other span${spans.length === 1 ? '' : 's'} (${names}${spans.length > 5 ? ', …' : ''})`
}

/** The node as written: its query without `children` and `ordered`. */
function describeNode(node: CompiledPattern): string {
  return describeValue(node.query)
}

// A span nobody asked about: name and kind, its service where it differs from its parent's (a hop
// into another service), and an error status.
function describeSpan(span: CapturedSpan, parent: CapturedSpan | undefined): string {
  const fields: [string, string][] = [['name', JSON.stringify(span.name)], ['kind', JSON.stringify(span.kind)]]
  if (parent === undefined || serviceOf(parent) !== serviceOf(span)) fields.push(['service', JSON.stringify(serviceOf(span))])
  if (span.status.code === 'ERROR') fields.push(['status', JSON.stringify('ERROR')])
  return braces(fields)
}

// The span with exactly the fields `query` asks about, as received, so `-` and `+` lines compare
// like with like. Relational fields (parent, ancestor, hasEvent) show what differed, or the query
// itself when they matched.
function projectSpan(span: CapturedSpan, query: SpanQuery, mismatches: readonly Mismatch[]): string {
  const differs = new Map(mismatches.map((m) => [m.field, m.actual]))
  const fields: [string, string][] = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    switch (key) {
      case 'name': fields.push([key, JSON.stringify(span.name)]); break
      case 'kind': fields.push([key, JSON.stringify(span.kind)]); break
      case 'service': fields.push([key, JSON.stringify(serviceOf(span))]); break
      case 'status':
        fields.push([key, typeof value === 'string'
          ? JSON.stringify(span.status.code)
          : describeValue(span.status.message === undefined ? { code: span.status.code } : { code: span.status.code, message: span.status.message })])
        break
      case 'attributes':
        fields.push([key, braces(Object.keys(value as object).map((name) => [
          /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name),
          name in span.attributes ? describeValue(span.attributes[name]) : '(absent)',
        ]))])
        break
      default:
        fields.push([key, differs.get(key) ?? describeSelector(value as SpanQuery)])
    }
  }
  return braces(fields)
}

function braces(fields: readonly (readonly [string, string])[]): string {
  return fields.length === 0 ? '{}' : `{ ${fields.map(([k, v]) => `${k}: ${v}`).join(', ')} }`
}
