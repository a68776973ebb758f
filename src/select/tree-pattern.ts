import type { CapturedSpan } from '../model/captured-span.js'
import { SelectorError } from '../errors.js'
import { describeValue } from './describe.js'
import { compileSelector } from './select-spans.js'
import type { Equals } from './select-spans.js'
import { SPAN_QUERY_KEYS } from './selector.js'
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
  /** Where the node sits in the user's literal, e.g. `tree.children[1]`, for messages. */
  readonly path: string
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
}

const NODE_KEYS: readonly string[] = [...SPAN_QUERY_KEYS, 'children', 'ordered']

/**
 * Validates a tree literal and compiles each node's query once. Throws a {@link SelectorError}
 * naming the node (`tree.children[1]`) for anything malformed.
 */
export function compileTreePattern(tree: unknown, equals: Equals, ordered = false, path = 'tree'): CompiledPattern {
  if (isAnySpans(tree)) {
    throw new SelectorError(`${path} is anySpans(), which only stands among children: it allows other spans beside the listed ones. Please give the span itself as an object, e.g. { name: 'GET /orders/:id', children: [anySpans()] }.`)
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree) || tree instanceof RegExp) {
    throw new SelectorError(`${path} must be an object such as { name: 'GET /orders/:id', kind: 'SERVER', children: [...] }, got ${describeValue(tree)}.${typeof tree === 'string' ? ` Please write { name: ${JSON.stringify(tree)} }.` : ''}`)
  }
  const node = tree as Record<string, unknown>
  const unknown = Object.keys(node).filter((k) => !NODE_KEYS.includes(k))
  if (unknown.length > 0) {
    const near = unknown.some((k) => /^(ch|kid|sub)/i.test(k)) ? ' Did you mean `children`?'
      : unknown.some((k) => /^order/i.test(k)) ? ' Did you mean `ordered`?'
        : unknown.some((k) => k.includes('.')) ? ' Span attributes go under `attributes`.' : ''
    throw new SelectorError(`${path} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}. Allowed keys: ${NODE_KEYS.join(', ')}.${near}`)
  }
  const { children = [], ordered: own, ...query } = node
  if (own !== undefined && typeof own !== 'boolean') throw new SelectorError(`${path}.ordered must be true or false, got ${describeValue(own)}.`)
  if (!Array.isArray(children)) throw new SelectorError(`${path}.children must be an array of tree nodes (and anySpans()), got ${describeValue(children)}.`)
  const level = own ?? ordered
  let test: (span: CapturedSpan, trace: Trace) => boolean
  try {
    test = compileSelector(query as SpanQuery, equals)
  } catch (error) {
    if (error instanceof SelectorError) throw new SelectorError(`${path}: ${error.message}`, { cause: error })
    throw error
  }
  const sequence = (children as unknown[]).map((child, i) => isAnySpans(child) ? 'any' as const : compileTreePattern(child, equals, ordered, `${path}.children[${i}]`))
  return {
    path,
    query: query as SpanQuery,
    test,
    sequence,
    children: sequence.filter((c): c is CompiledPattern => c !== 'any'),
    spread: sequence.includes('any'),
    ordered: level,
  }
}
