import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { findCycles, findLayerViolations, listSources, readImports } from './import-graph.js'
import type { ImportEdge, Layers } from './import-graph.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** DESIGN.md's parts in the order they may depend on each other, lowest first: a part imports only parts on earlier lines. */
const LAYERS: Layers = [
  ['src/errors.ts'],
  ['src/number-option.ts', 'src/schema.ts', 'src/node-version.ts', 'src/instrumentations.ts', 'src/lines.ts'],
  ['src/model'],
  ['src/select'],
  ['src/collector', 'src/baseline', 'src/lint'],
  ['src/sources'],
  ['src/harness'],
  ['src/compare'],
  ['src/report'],
  ['src/cli', 'matchers'],
]

/** Imports allowed against the layers for now, each with the reason and what removes it. None today. */
const KNOWN_EXCEPTIONS: readonly string[] = []

const edges = readImports(root, listSources(root, ['src', 'matchers']))
const runtime = edges.filter((e) => !e.typeOnly)

describe('layers', () => {
  test('no import cycle at run time among src/ and matchers/', () => {
    expect(edges.length).toBeGreaterThan(100)
    expect(findCycles(runtime)).toEqual([])
  })

  test('no part imports a part above or beside it, beyond the listed exceptions', () => {
    const found = findLayerViolations(edges, LAYERS).map((v) => `${v.edge.from} -> ${v.edge.to}`)
    expect(found.filter((v) => !KNOWN_EXCEPTIONS.includes(v))).toEqual([])
    // An exception that no longer happens must be dropped from the list.
    expect(KNOWN_EXCEPTIONS.filter((v) => !found.includes(v))).toEqual([])
  })

  test('every file of src/ outside the package entries belongs to a part', () => {
    const entries = ['src/index.ts', 'src/register.ts', 'src/span-channel.ts', 'src/instrument.ts']
    const files = listSources(root, ['src']).filter((f) => !entries.includes(f))
    const parts = LAYERS.flat()
    expect(files.filter((f) => !parts.some((p) => f === p || f.startsWith(`${p}/`)))).toEqual([])
  })
})

describe('the checker', () => {
  const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly })

  test('finds a cycle through three files and names them in order', () => {
    const cycles = findCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts'), edge('c.ts', 'd.ts')])
    expect(cycles).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
  })

  test('finds a file importing itself, and no cycle in a tree', () => {
    expect(findCycles([edge('a.ts', 'a.ts')])).toEqual([['a.ts', 'a.ts']])
    expect(findCycles([edge('a.ts', 'b.ts'), edge('a.ts', 'c.ts'), edge('b.ts', 'c.ts')])).toEqual([])
  })

  test('flags an import into a higher part or a part on the same level, not into a lower one', () => {
    const layers: Layers = [['src/model'], ['src/select', 'src/lint']]
    const found = findLayerViolations([
      edge('src/model/trace-tree.ts', 'src/select/trace.ts', true),
      edge('src/lint/lint-trace.ts', 'src/select/trace.ts'),
      edge('src/select/trace.ts', 'src/model/trace-tree.ts'),
      edge('src/index.ts', 'src/lint/lint-trace.ts'),
    ], layers)
    expect(found.map((v) => `${v.fromPart} -> ${v.toPart}`)).toEqual(['src/model -> src/select', 'src/lint -> src/select'])
  })

  test('reads type-only and dynamic imports from real source', () => {
    const read = readImports(root, ['src/select/trace.ts', 'src/select/trace-trees.ts', 'src/model/trace-tree.ts', 'src/collector/start-collector.ts', 'src/collector/grpc-receiver.ts'])
    expect(read).toContainEqual(edge('src/select/trace-trees.ts', 'src/model/trace-tree.ts', true))
    expect(read).toContainEqual(edge('src/select/trace.ts', 'src/select/trace-trees.ts', false))
    expect(read).toContainEqual(edge('src/collector/start-collector.ts', 'src/collector/grpc-receiver.ts', false))
  })
})
