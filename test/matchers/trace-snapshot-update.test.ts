import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { renderTraceSnapshot, Trace } from 'tracewright'
import type { CapturedSpan } from 'tracewright'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Spans of a two-level trace whose child is called `childName`, as the fixture spec builds them. */
function spans(childName: string): CapturedSpan[] {
  const base = { traceId: 'a'.repeat(32), status: { code: 'UNSET' as const }, events: [], links: [], resource: { 'service.name': 'orders' }, scope: { name: 'fixture' } }
  return [
    { ...base, spanId: '1'.repeat(16), name: 'GET /orders/:id', kind: 'SERVER', start: 0n, end: 5_000_000n, durationMs: 5, attributes: { 'http.route': '/orders/:id', 'server.port': 51234 } },
    { ...base, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: childName, kind: 'CLIENT', start: 1_000_000n, end: 2_000_000n, durationMs: 1, attributes: { 'db.system.name': 'postgresql' } },
  ]
}

// The spec builds its trace from spans.json, so a run can change the shape without editing code.
const SPEC = [
  `import { readFileSync } from 'node:fs'`,
  `import { expect, test } from 'vitest'`,
  `import { Trace } from 'tracewright'`,
  `const revive = (k, v) => (k === 'start' || k === 'end') ? BigInt(v) : v`,
  `test('the orders trace', () => {`,
  `  const spans = JSON.parse(readFileSync(new URL('./spans.json', import.meta.url), 'utf8'), revive)`,
  `  expect(new Trace(spans)).toMatchSnapshot()`,
  `})`,
].join('\n')

async function runVitest(project: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  // CI=true: vitest writes a snapshot only because of -u, never on its own.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
  const child = spawn(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--root', project, '--no-color', ...args], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, output }
}

describe('trace snapshots in a consumer project', () => {
  let project: string | undefined

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  })

  test('vitest -u writes the text tree, a changed trace fails the run, and -u updates it', async () => {
    project = await mkdtemp(join(tmpdir(), 'tracewright-snapshot-'))
    await mkdir(join(project, 'node_modules'))
    await symlink(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir')
    await symlink(root, join(project, 'node_modules', 'tracewright'), 'dir')
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }))
    await writeFile(join(project, 'vitest.config.mjs'), `export default { test: { setupFiles: ['tracewright/vitest'], include: ['*.spec.mjs'] } }\n`)
    await writeFile(join(project, 'orders.spec.mjs'), SPEC)
    const shape = (childName: string): Promise<void> =>
      writeFile(join(project as string, 'spans.json'), JSON.stringify(spans(childName), (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v))
    const stored = (): Promise<string> => readFile(join(project as string, '__snapshots__', 'orders.spec.mjs.snap'), 'utf8')
    const entry = (childName: string): string => `exports[\`the orders trace 1\`] = \`\n${renderTraceSnapshot(new Trace(spans(childName)))}\n\`;`

    await shape('SELECT orders')
    const first = await runVitest(project, ['-u'])
    expect(first.code, first.output).toBe(0)
    expect(await stored()).toContain(entry('SELECT orders'))
    expect(await stored()).not.toContain('51234')

    await shape('SELECT order_lines')
    const changed = await runVitest(project, [])
    expect(changed.code, changed.output).toBe(1)
    expect(changed.output).toContain('- └─ SELECT orders  CLIENT  orders')
    expect(changed.output).toContain('+ └─ SELECT order_lines  CLIENT  orders')
    expect(await stored()).toContain(entry('SELECT orders'))

    const updated = await runVitest(project, ['-u'])
    expect(updated.code, updated.output).toBe(0)
    expect(await stored()).toContain(entry('SELECT order_lines'))
    expect(await stored()).not.toContain('SELECT orders ')
  }, 120_000)
})
