import type { MatcherState, SyncMatcherResult } from 'vitest'
import { TreeComparison } from '../src/select/match-tree.js'
import { countTreeDiff, renderTreeDiff } from '../src/select/render-tree-diff.js'
import type { TreeDiffCounts } from '../src/select/render-tree-diff.js'
import { compileTreePattern } from '../src/select/tree-pattern.js'
import type { TreePattern } from '../src/select/tree-pattern.js'
import { treeOf } from '../src/select/trace-trees.js'
import { assertTrace, describeReceived, formatFailure, matcherEquals, withSelectorArgument } from './failure-message.js'

/** Options of `toMatchTraceTree`. */
export interface MatchTraceTreeOptions {
  /**
   * Children must appear in start order, at every level (a node's own `ordered` overrides it for
   * its children). Default `false`: siblings match in any order.
   */
  readonly ordered?: boolean
}

/**
 * Passes when the trace's spans form exactly `tree`: the root matches the top node, and at every
 * level each expected child matches one span and every span is expected, unless an `anySpans()`
 * marker allows others. A node without `children` is a span without children. Siblings match in
 * any order (a maximum matching, so a loose node never takes the span a stricter sibling needs),
 * or in start order with `ordered: true`.
 *
 * @example
 * ```ts
 * expect(trace).toMatchTraceTree({
 *   name: 'GET /orders/:id', kind: 'SERVER',
 *   children: [
 *     { name: 'SELECT orders' },
 *     { name: 'GET', kind: 'CLIENT', children: [{ name: 'GET /stock/:sku', service: 'inventory' }] },
 *     anySpans(),
 *   ],
 * })
 * ```
 */
export function toMatchTraceTree(this: MatcherState, received: unknown, tree: TreePattern, options: MatchTraceTreeOptions = {}): SyncMatcherResult {
  assertTrace('toMatchTraceTree', received)
  const ordered = readOrdered(options)
  const equals = matcherEquals(this)
  const pattern = withSelectorArgument('toMatchTraceTree', () => compileTreePattern(tree, equals, ordered))
  const comparison = new TreeComparison(received, pattern, equals)
  const pass = comparison.matches()
  const expected = `the trace's spans to form exactly the expected tree${ordered ? ', children in start order' : ''}`
  return {
    pass,
    message: () => {
      if (pass) {
        return formatFailure(this, {
          matcher: 'toMatchTraceTree',
          received: 'trace',
          args: 'tree',
          expected,
          actual: `they do (${received.size} span${received.size === 1 ? '' : 's'})`,
          trace: received,
        })
      }
      const diff = comparison.diff()
      return formatFailure(this, {
        matcher: 'toMatchTraceTree',
        received: 'trace',
        args: 'tree',
        expected,
        actual: describeCounts(countTreeDiff(diff)),
        details: ['- expected', '+ received'],
        trace: received,
        treeLines: renderTreeDiff(diff, treeOf(received)),
      })
    },
  }
}

function readOrdered(options: unknown): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`toMatchTraceTree() expects options as an object such as { ordered: true }, received ${describeReceived(options)}.`)
  }
  const { ordered, ...rest } = options as { ordered?: unknown }
  const extra = Object.keys(rest)
  if (extra.length > 0) throw new TypeError(`toMatchTraceTree() got an unknown option ${JSON.stringify(extra[0])}. The only option is ordered (true or false).`)
  if (ordered !== undefined && typeof ordered !== 'boolean') {
    throw new TypeError(`toMatchTraceTree() expects ordered to be true or false, received ${describeReceived(ordered)}.`)
  }
  return ordered ?? false
}

function describeCounts(counts: TreeDiffCounts): string {
  const parts: string[] = []
  if (counts.differing > 0) parts.push(`${counts.differing} span${counts.differing === 1 ? ' differs' : 's differ'}`)
  if (counts.missing > 0) parts.push(`${counts.missing} expected span${counts.missing === 1 ? ' is' : 's are'} missing`)
  if (counts.unexpected > 0) parts.push(`${counts.unexpected} span${counts.unexpected === 1 ? ' was' : 's were'} not expected`)
  // Only an order difference leaves nothing to count: every node has its span, in another place.
  return parts.length > 0 ? parts.join(', ') : 'the same spans, in another order'
}
