import type { CapturedSpan } from '../model/captured-span.js'
import { SelectorError } from '../errors.js'
import { describeValue } from './describe.js'
import { compileSelector } from './select-spans.js'
import type { Equals } from './select-spans.js'
import { SPAN_KINDS, SPAN_QUERY_KEYS } from './selector.js'
import type { SpanQuery } from './selector.js'
import type { Trace } from './trace.js'

// A registered symbol rather than a class, so a marker made by one copy of tracewright (the built
// package) is recognised by another (the sources a test imports).
const ANY_SPANS = Symbol.for('tracewright.anySpans')

/** The marker {@link anySpans} returns: any other spans may stand at this level of a tree. */
export interface AnySpans {
  readonly [ANY_SPANS]: true
}

const anySpansMarker: AnySpans = Object.freeze({ [ANY_SPANS]: true as const })

/**
 * A spread marker for `toMatchTraceTree`: among `children`, it allows any number of spans (with
 * any subtrees) besides the ones listed. In an ordered level it stands where the other spans may
 * be: `[a, anySpans(), b]` means `a` first, `b` last, anything between.
 *
 * @example
 * ```ts
 * expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'SELECT orders' }, anySpans()] })
 * ```
 */
export function anySpans(): AnySpans {
  return anySpansMarker
}

/** True for the marker {@link anySpans} returns. */
export function isAnySpans(value: unknown): value is AnySpans {
  return typeof value === 'object' && value !== null && (value as Partial<AnySpans>)[ANY_SPANS] === true
}

/**
 * One node of the tree `toMatchTraceTree` expects: an object query for the span itself (every key
 * of {@link SpanQuery}) plus its children.
 *
 * @example
 * ```ts
 * const tree: TreePattern = {
 *   name: 'GET /orders/:id', kind: 'SERVER',
 *   children: [{ name: 'SELECT orders' }, { name: 'GET', kind: 'CLIENT', children: [anySpans()] }],
 * }
 * ```
 */
export interface TreePattern extends SpanQuery {
  /**
   * The span's children, exactly: each listed pattern matches one child and every child is
   * matched, unless an {@link anySpans} marker allows others. Omitted or `[]`: the span has no
   * children.
   */
  readonly children?: readonly (TreePattern | AnySpans)[]
  /** Match the children in start order. Default: the matcher's `ordered` option, else `false`. */
  readonly ordered?: boolean
}

/** A validated pattern node, ready to test spans. */
export interface CompiledPattern {
  /** The node's own query (without `children` and `ordered`). */
  readonly query: SpanQuery
  readonly test: (span: CapturedSpan, trace: Trace) => boolean
  /** The children in the order written, anySpans markers as `'any'`. */
  readonly sequence: readonly (CompiledPattern | 'any')[]
  /** The children without markers. */
  readonly children: readonly CompiledPattern[]
  /** An anySpans marker stands among the children. */
  readonly spread: boolean
  readonly ordered: boolean
  /** The exact span name the node asks for, when it is a plain string: candidates are looked up by it. */
  readonly exactName: string | undefined
}

const NODE_KEYS: readonly string[] = [...SPAN_QUERY_KEYS, 'children', 'ordered']
const NODE_KEY_SET: ReadonlySet<string> = new Set(NODE_KEYS)
const NO_CHILDREN: readonly never[] = Object.freeze([])

/**
 * Validates a tree literal and compiles each node's query once. Throws a {@link SelectorError}
 * naming the node (`tree.children[1]`) for anything malformed.
 */
export function compileTreePattern(tree: unknown, equals: Equals, ordered = false): CompiledPattern {
  return compileNode(tree, equals, ordered, [])
}

// `trail` holds the child indices down to this node; the path is spelled out only for an error,
// since a tree of thousands of nodes would otherwise build a string per node for nothing.
function compileNode(tree: unknown, equals: Equals, ordered: boolean, trail: number[]): CompiledPattern {
  const path = (): string => `tree${trail.map((i) => `.children[${i}]`).join('')}`
  if (isAnySpans(tree)) {
    throw new SelectorError(`${path()} is anySpans(), which only stands among children: it allows other spans beside the listed ones. Please give the span itself as an object, e.g. { name: 'GET /orders/:id', children: [anySpans()] }.`)
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree) || tree instanceof RegExp) {
    throw new SelectorError(`${path()} must be an object such as { name: 'GET /orders/:id', kind: 'SERVER', children: [...] }, got ${describeValue(tree)}.${typeof tree === 'string' ? ` Please write { name: ${JSON.stringify(tree)} }.` : ''}`)
  }
  const node = tree as Record<string, unknown>
  let unknown: string[] | undefined
  for (const key in node) if (!NODE_KEY_SET.has(key)) (unknown ??= []).push(key)
  if (unknown !== undefined) throw unknownKeys(path(), unknown)
  const own = node['ordered']
  const children = node['children'] ?? NO_CHILDREN
  if (own !== undefined && typeof own !== 'boolean') throw new SelectorError(`${path()}.ordered must be true or false, got ${describeValue(own)}.`)
  if (!Array.isArray(children)) throw new SelectorError(`${path()}.children must be an array of tree nodes (and anySpans()), got ${describeValue(children)}.`)
  // A leaf written without `children` or `ordered` is its own query: no copy.
  const query: Record<string, unknown> = 'children' in node || 'ordered' in node ? withoutTreeKeys(node) : node
  let test: (span: CapturedSpan, trace: Trace) => boolean
  try {
    test = compileNameAndKind(query) ?? compileSelector(query as SpanQuery, equals)
  } catch (error) {
    if (error instanceof SelectorError) throw new SelectorError(`${path()}: ${error.message}`, { cause: error })
    throw error
  }
  let sequence: readonly (CompiledPattern | 'any')[] = NO_CHILDREN
  let compiled: readonly CompiledPattern[] = NO_CHILDREN
  let spread = false
  if (children.length > 0) {
    const all: (CompiledPattern | 'any')[] = []
    const nodes: CompiledPattern[] = []
    children.forEach((child: unknown, i: number) => {
      if (isAnySpans(child)) {
        spread = true
        all.push('any')
        return
      }
      trail.push(i)
      const next = compileNode(child, equals, ordered, trail)
      trail.pop()
      all.push(next)
      nodes.push(next)
    })
    sequence = all
    compiled = nodes
  }
  const name = query['name']
  return { query: query as SpanQuery, test, sequence, children: compiled, spread, ordered: own ?? ordered, exactName: typeof name === 'string' ? name : undefined }
}

function withoutTreeKeys(node: Record<string, unknown>): Record<string, unknown> {
  const { children: _children, ordered: _ordered, ...query } = node
  return query
}

function unknownKeys(path: string, unknown: readonly string[]): SelectorError {
  const near = unknown.some((k) => /^(ch|kid|sub)/i.test(k)) ? ' Did you mean `children`?'
    : unknown.some((k) => /^order/i.test(k)) ? ' Did you mean `ordered`?'
      : unknown.some((k) => k.includes('.')) ? ' Span attributes go under `attributes`.' : ''
  return new SelectorError(`${path} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}. Allowed keys: ${NODE_KEYS.join(', ')}.${near}`)
}

// Most nodes of a tree literal say only a name and a kind. Those get a direct test, since a tree
// of thousands of nodes would otherwise pay for the general query compiler (its per-field
// descriptions for messages) on every node; anything else, or a kind it does not know, goes
// through compileSelector, which also gives the error.
function compileNameAndKind(query: Record<string, unknown>): ((span: CapturedSpan) => boolean) | undefined {
  const { name, kind, ...rest } = query
  if (Object.keys(rest).length > 0 || (name !== undefined && typeof name !== 'string') || (kind !== undefined && typeof kind !== 'string')) return undefined
  if (kind !== undefined && !(SPAN_KINDS as readonly string[]).includes(kind)) return undefined
  if (name === undefined) return kind === undefined ? () => true : (span) => span.kind === kind
  return kind === undefined ? (span) => span.name === name : (span) => span.name === name && span.kind === kind
}
