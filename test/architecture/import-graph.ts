import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** One `import`/`export … from`/`import()` between two files of the repo, paths relative to its root. */
export interface ImportEdge {
  readonly from: string
  readonly to: string
  /** `import type` / `export type`: erased by the compiler, so it cannot close a cycle at run time. */
  readonly typeOnly: boolean
}

/** Every `.ts` file below `dirs` (relative to `root`), declaration files left out. */
export function listSources(root: string, dirs: readonly string[]): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path)
    }
  }
  for (const dir of dirs) walk(dir)
  return out.sort()
}

/**
 * The relative imports of each file, read with the TypeScript parser (so strings and comments that
 * look like imports are not). Package imports are left out: they cannot close a cycle here.
 */
export function readImports(root: string, files: readonly string[]): ImportEdge[] {
  const known = new Set(files)
  const edges: ImportEdge[] = []
  for (const from of files) {
    const source = ts.createSourceFile(from, readFileSync(join(root, from), 'utf8'), ts.ScriptTarget.Latest)
    const add = (specifier: ts.Expression | undefined, typeOnly: boolean): void => {
      if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return
      const target = relative(root, resolve(root, dirname(from), specifier.text)).replace(/\.js$/, '.ts')
      if (known.has(target)) edges.push({ from, to: target, typeOnly })
    }
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly === true)
      else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly)
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false)
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return edges
}

/**
 * Every import cycle among `edges`, each as the files around it (first file repeated at the end).
 * One cycle per strongly connected group of files, so a tangle is reported once, not many times.
 */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>()
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to])
  const cycles: string[][] = []
  for (const group of stronglyConnected(next)) {
    const start = group[0] as string
    if (group.length === 1 && !(next.get(start) ?? []).includes(start)) continue
    cycles.push(pathBack(start, new Set(group), next))
  }
  return cycles
}

// Tarjan's algorithm; iterative would be longer, and the tree is a few hundred files deep at most.
function stronglyConnected(next: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (node: string): void => {
    index.set(node, index.size)
    low.set(node, index.get(node) as number)
    stack.push(node)
    onStack.add(node)
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) as number, index.get(to) as number))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const group: string[] = []
    let member: string
    do {
      member = stack.pop() as string
      onStack.delete(member)
      group.push(member)
    } while (member !== node)
    groups.push(group.sort())
  }
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node)
  return groups
}

// The shortest way from `start` back to itself inside its group, found breadth first.
function pathBack(start: string, group: ReadonlySet<string>, next: ReadonlyMap<string, readonly string[]>): string[] {
  const cameFrom = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift() as string
    for (const to of next.get(node) ?? []) {
      if (!group.has(to)) continue
      if (to === start) {
        const path = [start]
        for (let at: string | undefined = node; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at)
        return [...path, start]
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node)
        queue.push(to)
      }
    }
  }
  return [start, start]
}

/**
 * The parts of the codebase, lowest first: a file may import its own part and any part on an
 * earlier level, never one on its own level or a later one. Files in no part (the package entries)
 * may import anything.
 */
export type Layers = readonly (readonly string[])[]

/** An import from a part into a part it must not depend on. */
export interface LayerViolation {
  readonly edge: ImportEdge
  readonly fromPart: string
  readonly toPart: string
}

/** The part a file belongs to: the longest listed prefix of its path (a folder or a single file). */
export function partOf(file: string, layers: Layers): string | undefined {
  let best: string | undefined
  for (const part of layers.flat()) {
    if ((file === part || file.startsWith(`${part}/`)) && (best === undefined || part.length > best.length)) best = part
  }
  return best
}

/** Imports that point up or sideways between parts; type-only imports count too. */
export function findLayerViolations(edges: readonly ImportEdge[], layers: Layers): LayerViolation[] {
  const level = new Map<string, number>()
  layers.forEach((parts, i) => parts.forEach((part) => level.set(part, i)))
  const out: LayerViolation[] = []
  for (const edge of edges) {
    const fromPart = partOf(edge.from, layers)
    const toPart = partOf(edge.to, layers)
    if (fromPart === undefined || toPart === undefined || fromPart === toPart) continue
    if ((level.get(toPart) as number) >= (level.get(fromPart) as number)) out.push({ edge, fromPart, toPart })
  }
  return out
}
