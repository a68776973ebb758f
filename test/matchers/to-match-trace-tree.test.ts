import { describe, expect, test } from 'vitest'
import { anySpans } from 'tracewright'
import type { TreePattern } from 'tracewright'
import { buildTrace, ordersTrace } from '../fixtures/build-trace.js'
import { checkoutTrace } from '../fixtures/checkout-trace.js'
import { errorOf, failureOf } from '../fixtures/failure-message.js'

const trace = ordersTrace()

/** The orders trace exactly, siblings written in another order than they ran. */
const ORDERS: TreePattern = {
  name: 'GET /orders/:id',
  kind: 'SERVER',
  children: [
    { name: 'compute total' },
    { name: 'GET', kind: 'CLIENT', children: [{ name: 'GET /stock/:sku', service: 'inventory' }] },
    { name: 'SELECT items' },
    { name: 'SELECT items' },
    { name: 'SELECT items' },
    { name: 'SELECT orders' },
  ],
}

describe('toMatchTraceTree', () => {
  test('passes when the spans form exactly the tree, siblings in any order', () => {
    expect(trace).toMatchTraceTree(ORDERS)
  })

  test('a node without children is a span without children', () => {
    expect(trace).not.toMatchTraceTree({ name: 'GET /orders/:id' })
    expect(buildTrace({ name: 'tick', startMs: 0, endMs: 1 })).toMatchTraceTree({ name: 'tick' })
    expect(buildTrace({ name: 'tick', startMs: 0, endMs: 1 })).toMatchTraceTree({ name: 'tick', children: [] })
  })

  test('a missing span, an extra span and a span with other fields all fail', () => {
    const children = ORDERS.children ?? []
    expect(trace).not.toMatchTraceTree({ ...ORDERS, children: [...children, { name: 'SELECT prices' }] })
    expect(trace).not.toMatchTraceTree({ ...ORDERS, children: children.slice(1) })
    expect(trace).not.toMatchTraceTree({ ...ORDERS, children: [{ name: 'compute total', kind: 'CLIENT' }, ...children.slice(1)] })
  })

  // A greedy pairing gives the first SELECT-ish span to the loose { name: /^SELECT/ } node, and
  // then the strict { name: 'SELECT orders' } node finds nothing left.
  test('a looser node never takes the span a stricter sibling needs (maximum matching, not greedy)', () => {
    const tree = buildTrace({ name: 'GET', startMs: 0, endMs: 10, children: [
      { name: 'SELECT orders', startMs: 1, endMs: 2 },
      { name: 'SELECT items', startMs: 3, endMs: 4 },
    ] })
    expect(tree).toMatchTraceTree({ name: 'GET', children: [{ name: /^SELECT/ }, { name: 'SELECT orders' }] })
    expect(tree).toMatchTraceTree({ name: 'GET', children: [{}, { name: 'SELECT orders' }] })
  })

  test('the pairing looks at subtrees: a node is matched with the span whose children fit', () => {
    const tree = buildTrace({ name: 'GET', startMs: 0, endMs: 10, children: [
      { name: 'call', startMs: 1, endMs: 4, children: [{ name: 'a', startMs: 2, endMs: 3 }] },
      { name: 'call', startMs: 5, endMs: 9, children: [{ name: 'b', startMs: 6, endMs: 7 }] },
    ] })
    expect(tree).toMatchTraceTree({ name: 'GET', children: [{ name: 'call', children: [{ name: 'b' }] }, { name: 'call', children: [{ name: 'a' }] }] })
    expect(tree).not.toMatchTraceTree({ name: 'GET', children: [{ name: 'call', children: [{ name: 'b' }] }, { name: 'call', children: [{ name: 'b' }] }] })
  })

  test('anySpans() allows other spans at its level, with any subtrees, and none', () => {
    expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'SELECT orders' }, anySpans()] })
    expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', children: [anySpans()] })
    expect(trace).toMatchTraceTree({ ...ORDERS, children: [...(ORDERS.children ?? []), anySpans()] })
    // It allows others; it does not excuse a missing one.
    expect(trace).not.toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'DELETE orders' }, anySpans()] })
    // It applies to its own level only.
    expect(trace).not.toMatchTraceTree({ name: 'GET /orders/:id', children: [{ name: 'GET', kind: 'CLIENT' }, anySpans()] })
  })

  test('ordered: true compares children in start order, at every level', () => {
    const inOrder: TreePattern = {
      name: 'GET /orders/:id',
      children: [
        { name: 'SELECT orders' },
        { name: 'SELECT items' },
        { name: 'SELECT items' },
        { name: 'SELECT items' },
        { name: 'GET', children: [{ name: 'GET /stock/:sku' }] },
        { name: 'compute total' },
      ],
    }
    expect(trace).toMatchTraceTree(inOrder, { ordered: true })
    expect(trace).toMatchTraceTree(ORDERS, { ordered: false })
    expect(trace).not.toMatchTraceTree(ORDERS, { ordered: true })
    // A node's own `ordered` decides for its children.
    expect(trace).toMatchTraceTree({ ...ORDERS, ordered: false }, { ordered: true })
    expect(trace).not.toMatchTraceTree({ ...ORDERS, ordered: true })
  })

  test('in an ordered level, anySpans() stands where the other spans may be', () => {
    expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', ordered: true, children: [{ name: 'SELECT orders' }, anySpans(), { name: 'compute total' }] })
    expect(trace).toMatchTraceTree({ name: 'GET /orders/:id', ordered: true, children: [anySpans(), { name: 'GET', children: [anySpans()] }, anySpans()] })
    expect(trace).not.toMatchTraceTree({ name: 'GET /orders/:id', ordered: true, children: [{ name: 'compute total' }, anySpans(), { name: 'SELECT orders' }] })
    expect(trace).not.toMatchTraceTree({ name: 'GET /orders/:id', ordered: true, children: [anySpans(), { name: 'SELECT orders' }] })
  })

  test('every selector key works in a node, asymmetric matchers included', () => {
    expect(trace).toMatchTraceTree({
      name: expect.stringMatching(/^GET \//),
      kind: 'SERVER',
      attributes: { 'http.route': '/orders/:id', 'http.response.status_code': expect.any(Number) },
      children: [
        { name: expect.stringContaining('compute'), attributes: { 'order.total': expect.closeTo(130, 0) }, hasEvent: 'price.recalculated' },
        { kind: 'CLIENT', status: { code: 'ERROR', message: expect.stringContaining('503') }, children: [{ service: 'inventory', status: 'ERROR', parent: { kind: 'CLIENT' } }] },
        { name: /^SELECT (items|orders)$/, service: 'orders' },
        { name: /^SELECT/ },
        { name: /^SELECT/ },
        { name: /^SELECT/, ancestor: { kind: 'SERVER' } },
      ],
    })
    expect(trace).not.toMatchTraceTree({ name: expect.stringMatching(/^POST/), children: [anySpans()] })
  })

  test('fails with a unified diff of the expected and the received tree', () => {
    expect(failureOf(() => expect(trace).toMatchTraceTree({
      name: 'GET /orders/:id',
      kind: 'SERVER',
      children: [
        { name: 'SELECT order', kind: 'CLIENT' },
        { name: 'SELECT items' },
        { name: 'SELECT items' },
        { name: 'GET', kind: 'CLIENT', children: [{ name: 'GET /stock/:sku', service: 'stock' }] },
        { name: 'compute total' },
        { name: 'publish order', kind: 'PRODUCER', children: [anySpans()] },
      ],
    }))).toMatchSnapshot()
  })

  test('an ordered failure shows the spans in the order they ran', () => {
    expect(failureOf(() => expect(checkoutTrace()).toMatchTraceTree({
      name: 'POST /checkout',
      children: [
        { name: 'SELECT cart' },
        { name: 'POST', children: [anySpans()] },
        { name: 'GET', children: [anySpans()] },
        anySpans(),
      ],
    }, { ordered: true }))).toMatchSnapshot()
  })

  test('a large tree that is wrong everywhere still gets its diff: pairs past a budget are judged by fit alone', () => {
    const wide = buildTrace({ name: 'batch', startMs: 0, endMs: 400, children: Array.from({ length: 300 }, (_, i) => ({ name: `item ${i}`, startMs: i, endMs: i + 1 })) })
    const message = failureOf(() => expect(wide).toMatchTraceTree({ name: 'batch', children: Array.from({ length: 300 }, (_, i) => ({ name: `item ${i}`, kind: 'CLIENT' as const })) }))
    expect(message).toContain('Received: 300 spans differ')
    expect(message).toContain('- ├─ { name: "item 0", kind: "CLIENT" }\n+ ├─ { name: "item 0", kind: "INTERNAL" }')
  })

  test('.not fails when the tree matches, showing the trace', () => {
    expect(failureOf(() => expect(trace).not.toMatchTraceTree(ORDERS))).toMatchSnapshot()
  })

  test('a trace with a second root: the extra root is an unexpected span', () => {
    const broken = buildTrace([
      { name: 'GET /', kind: 'SERVER', startMs: 0, endMs: 10 },
      { name: 'orphan', kind: 'INTERNAL', startMs: 2, endMs: 3, remoteParentSpanId: 'ffffffffffffffff', service: 'worker' },
    ])
    expect(broken).not.toMatchTraceTree({ name: 'GET /' })
    const message = failureOf(() => expect(broken).toMatchTraceTree({ name: 'GET /' }))
    expect(message).toContain('Received: 1 span was not expected')
    expect(message).toContain('\n  { name: "GET /" }\n+ { name: "orphan", kind: "INTERNAL", service: "worker" }\n')
  })

  test('a received value that is not a Trace throws a TypeError naming the matcher', () => {
    expect(() => expect(trace.root).toMatchTraceTree(ORDERS)).toThrowError(/^toMatchTraceTree\(\) expects a Trace, received an object\. You passed a span/)
    expect(() => expect({ trace }).not.toMatchTraceTree(ORDERS)).toThrowError(/^toMatchTraceTree\(\) expects a Trace, received an object\. You passed the whole request result/)
  })

  test('a malformed tree throws a TypeError naming the matcher and the node', () => {
    const misuse = (tree: unknown, options?: unknown): string => errorOf(() => expect(trace).toMatchTraceTree(tree as TreePattern, options as never)).message
    expect(misuse('GET /orders/:id')).toBe(`toMatchTraceTree(): tree must be an object such as { name: 'GET /orders/:id', kind: 'SERVER', children: [...] }, got "GET /orders/:id". Please write { name: "GET /orders/:id" }.`)
    expect(misuse(null)).toMatch(/^toMatchTraceTree\(\): tree must be an object .*, got null\.$/)
    expect(misuse([ORDERS])).toMatch(/^toMatchTraceTree\(\): tree must be an object/)
    expect(misuse(anySpans())).toMatch(/^toMatchTraceTree\(\): tree is anySpans\(\), which only stands among children/)
    expect(misuse({ name: 'GET /orders/:id', chidlren: [] })).toBe('toMatchTraceTree(): tree has unknown key "chidlren". Allowed keys: name, kind, status, service, attributes, parent, ancestor, hasEvent, resource, scope, linkedTo, children, ordered. Did you mean `children`?')
    expect(misuse({ name: 'x', children: { name: 'y' } })).toBe('toMatchTraceTree(): tree.children must be an array of tree nodes (and anySpans()), got { name: "y" }.')
    expect(misuse({ name: 'x', children: [{ name: 'y' }, { name: 'z', children: ['SELECT'] }] })).toMatch(/^toMatchTraceTree\(\): tree\.children\[1\]\.children\[0\] must be an object .* Please write \{ name: "SELECT" \}\.$/)
    expect(misuse({ name: 'x', children: [{ kind: 'SERVERISH' }] })).toBe('toMatchTraceTree(): tree.children[0]: Invalid selector: kind must be one of INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER, got "SERVERISH".')
    expect(misuse({ name: 'x', ordered: 'yes' })).toBe('toMatchTraceTree(): tree.ordered must be true or false, got "yes".')
    expect(misuse(ORDERS, { ordered: 1 })).toBe('toMatchTraceTree() expects ordered to be true or false, received number 1.')
    expect(misuse(ORDERS, { order: true })).toBe('toMatchTraceTree() got an unknown option "order". The only option is ordered (true or false).')
    expect(errorOf(() => expect(trace).toMatchTraceTree(null as never))).toBeInstanceOf(TypeError)
  })
})
