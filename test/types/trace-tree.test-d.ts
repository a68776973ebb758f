import { describe, expect, expectTypeOf, test } from 'vitest'
import { anySpans } from 'tracewright'
import type { AnySpans, CapturedSpan, CriticalPathSpan, Trace, TreePattern } from 'tracewright'
import { DEFAULT_SNAPSHOT_ATTRIBUTES, renderTraceSnapshot } from 'tracewright'
import { traceSerializer, traceSnapshotSerializer } from 'tracewright/matchers'
import type { MatchTraceTreeOptions, TraceSnapshotSerializer } from 'tracewright/matchers'

declare const trace: Trace
declare const span: CapturedSpan

describe('toMatchTraceTree', () => {
  test('takes a nested literal of object queries, children and anySpans()', () => {
    expect(trace).toMatchTraceTree({
      name: 'GET /orders/:id',
      kind: 'SERVER',
      attributes: { 'http.route': '/orders/:id' },
      children: [
        { name: expect.stringMatching(/^SELECT/), status: 'UNSET' },
        { name: 'GET', kind: 'CLIENT', ordered: true, children: [{ service: 'inventory' }, anySpans()] },
        anySpans(),
      ],
    })
    expect(trace).toMatchTraceTree({ name: 'GET' }, { ordered: true })
    expect(trace).not.toMatchTraceTree({ name: 'GET' })
    expectTypeOf(anySpans()).toEqualTypeOf<AnySpans>()
    expectTypeOf<MatchTraceTreeOptions>().toEqualTypeOf<{ readonly ordered?: boolean }>()
    const tree: TreePattern = { name: 'x', children: [anySpans()] }
    expect(trace).toMatchTraceTree(tree)
  })

  test('rejects what is not a tree', () => {
    // @ts-expect-error: a tree node is an object query, not a bare name
    expect(trace).toMatchTraceTree('GET /orders/:id')
    // @ts-expect-error: children is an array
    expect(trace).toMatchTraceTree({ name: 'x', children: { name: 'y' } })
    // @ts-expect-error: not a span kind
    expect(trace).toMatchTraceTree({ name: 'x', children: [{ kind: 'server-ish' }] })
    // @ts-expect-error: ordered is a boolean
    expect(trace).toMatchTraceTree({ name: 'x' }, { ordered: 'yes' })
  })
})

describe('critical path', () => {
  test('trace.criticalPath() returns spans with their contributions; toBeOnCriticalPath takes no argument', () => {
    expectTypeOf(trace.criticalPath()).toEqualTypeOf<readonly CriticalPathSpan[]>()
    expectTypeOf(trace.criticalPath(span)).toEqualTypeOf<readonly CriticalPathSpan[]>()
    expectTypeOf<CriticalPathSpan>().toEqualTypeOf<{ readonly span: CapturedSpan; readonly contributionMs: number }>()
    expect(span).toBeOnCriticalPath()
    expect(span).not.toBeOnCriticalPath()
    // @ts-expect-error: no argument
    expect(span).toBeOnCriticalPath(10)
  })
})

describe('trace snapshots', () => {
  test('the serializers fit expect.addSnapshotSerializer; the options take attribute keys', () => {
    expect.addSnapshotSerializer(traceSnapshotSerializer)
    expect.addSnapshotSerializer(traceSerializer({ attributes: [...DEFAULT_SNAPSHOT_ATTRIBUTES, 'order.id'] }))
    expectTypeOf(traceSerializer()).toEqualTypeOf<TraceSnapshotSerializer>()
    expectTypeOf(renderTraceSnapshot(trace, { attributes: ['http.route'] })).toEqualTypeOf<string>()
    expectTypeOf(DEFAULT_SNAPSHOT_ATTRIBUTES).toEqualTypeOf<readonly string[]>()
    // @ts-expect-error: attributes is a list of keys
    traceSerializer({ attributes: 'http.route' })
    // @ts-expect-error: no such option
    traceSerializer({ ids: true })
  })
})
