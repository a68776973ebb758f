import { describe, expect, test } from 'vitest'
import { criticalPath, criticalPathSpans, criticalTimeMs } from '../../src/model/critical-path.js'
import { TraceTree } from '../../src/model/trace-tree.js'
import { treeOf } from '../../src/select/trace-trees.js'
import { buildTrace } from '../fixtures/build-trace.js'
import type { SpanSpec } from '../fixtures/build-trace.js'

const path = (root: SpanSpec): [string, number][] =>
  criticalPath(treeOf(buildTrace(root))).map((s) => [s.span.name, Math.round(s.durationMs * 1000) / 1000])

describe('criticalPath', () => {
  test('sequential children: each child, and the parent in the gaps, in time order', () => {
    expect(path({ name: 'GET', startMs: 0, endMs: 100, children: [
      { name: 'a', startMs: 10, endMs: 30 },
      { name: 'b', startMs: 40, endMs: 90 },
    ] })).toEqual([['GET', 10], ['a', 20], ['GET', 10], ['b', 50], ['GET', 10]])
  })

  test('parallel children: only the one that finished last is waited for', () => {
    expect(path({ name: 'GET', startMs: 0, endMs: 100, children: [
      { name: 'fast', startMs: 10, endMs: 50 },
      { name: 'slow', startMs: 10, endMs: 95 },
    ] })).toEqual([['GET', 10], ['slow', 85], ['GET', 5]])
  })

  test('overlap: the path jumps to the earlier child where the later one started', () => {
    expect(path({ name: 'GET', startMs: 0, endMs: 100, children: [
      { name: 'first', startMs: 0, endMs: 60 },
      { name: 'second', startMs: 40, endMs: 100 },
    ] })).toEqual([['first', 40], ['second', 60]])
  })

  test('nested: the path descends, and segments add up to the root duration', () => {
    const segments = criticalPath(treeOf(buildTrace({ name: 'GET', startMs: 0, endMs: 200, children: [
      { name: 'inventory-check', startMs: 5, endMs: 190, children: [
        { name: 'SELECT items', startMs: 10, endMs: 20 },
        { name: 'SELECT items', startMs: 20, endMs: 30 },
      ] },
      { name: 'audit', startMs: 6, endMs: 50 },
    ] })))
    expect(segments.reduce((sum, s) => sum + s.durationMs, 0)).toBeCloseTo(200, 6)
    const byName = new Map<string, number>()
    for (const [span, ms] of criticalTimeMs(segments)) byName.set(span.name, (byName.get(span.name) ?? 0) + ms)
    expect(Object.fromEntries([...byName].map(([k, v]) => [k, Math.round(v)]))).toEqual({ 'GET': 15, 'inventory-check': 165, 'SELECT items': 20 })
  })

  test('a child outliving its parent (fire and forget) counts only up to the parent end', () => {
    expect(path({ name: 'GET', startMs: 0, endMs: 50, children: [{ name: 'send email', startMs: 30, endMs: 400 }] }))
      .toEqual([['GET', 30], ['send email', 20]])
  })

  test('an empty tree has no path', () => {
    expect(criticalPath(new TraceTree([]))).toEqual([])
  })
})

describe('criticalPathSpans', () => {
  const steps = (root: SpanSpec): [string, number][] =>
    criticalPathSpans(treeOf(buildTrace(root))).map((s) => [s.span.name, Math.round(s.contributionMs * 1000) / 1000])

  test('each span on the path once, in start order, with its summed contribution', () => {
    expect(steps({ name: 'GET', startMs: 0, endMs: 100, children: [
      { name: 'a', startMs: 10, endMs: 30 },
      { name: 'b', startMs: 40, endMs: 90 },
    ] })).toEqual([['GET', 30], ['a', 20], ['b', 50]])
  })

  test('a span whose child covers all its time is on the chain with 0 ms; parallel siblings are not', () => {
    expect(steps({ name: 'GET', startMs: 0, endMs: 100, children: [
      { name: 'client', kind: 'CLIENT', startMs: 10, endMs: 90, children: [{ name: 'server', kind: 'SERVER', startMs: 10, endMs: 90 }] },
      { name: 'parallel cache read', startMs: 10, endMs: 50 },
    ] })).toEqual([['GET', 20], ['client', 0], ['server', 80]])
  })

  test('from a span below the root: only its subtree, adding up to its duration', () => {
    const tree = treeOf(buildTrace({ name: 'GET', startMs: 0, endMs: 100, children: [
      { name: 'a', startMs: 10, endMs: 60, children: [{ name: 'a1', startMs: 20, endMs: 30 }] },
      { name: 'b', startMs: 60, endMs: 90 },
    ] }))
    const a = tree.spans().find((s) => s.name === 'a')
    const found = criticalPathSpans(tree, a)
    expect(found.map((s) => [s.span.name, s.contributionMs])).toEqual([['a', 40], ['a1', 10]])
    expect(found.reduce((sum, s) => sum + s.contributionMs, 0)).toBeCloseTo(a?.durationMs ?? 0, 6)
  })

  test('an empty tree has no path', () => {
    expect(criticalPathSpans(new TraceTree([]))).toEqual([])
  })
})
