import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { infraUrls, skipInfra } from '../examples/shop/infra.js'
import { assertNodeVersion } from '../src/node-version.js'
import { tracewrightMatchers } from '../matchers/index.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name: string): string => join(root, 'node_modules', '.bin', name)

/**
 * The files README.md marks with `<!-- consumer: <file> -->` above a code block, by file name: the
 * set-up a new user copies, taken verbatim so README and this test cannot drift apart.
 */
export async function readmeFiles(): Promise<Map<string, string>> {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const files = new Map<string, string>()
  for (const match of readme.matchAll(/<!-- consumer: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) {
    files.set(match[1] as string, match[2] as string)
  }
  return files
}

/** A file of a package tarball (`npm pack --json` lists them). */
interface PackedFile {
  readonly path: string
}

// What a user installs: the tarball `npm pack` makes (its prepack script builds dist/), unpacked
// into a project of their own, set up as README.md says, with Fastify, pg and TypeScript.
describe('the packed package in a consumer project set up as README.md says', () => {
  let project: string
  let packed: readonly PackedFile[]
  const installed = (): string => join(project, 'node_modules', 'tracewright')

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'tracewright-consumer-'))
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
    const [pack] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string; files: PackedFile[] }]
    packed = pack.files
    await mkdir(installed(), { recursive: true })
    await run('tar', ['-xzf', join(project, pack.filename), '-C', installed(), '--strip-components=1'])
    // The consumer's own dependencies (vitest, fastify, pg, typescript, @types/*) and tracewright's,
    // as npm would lay them out beside it: the copies this repository installed.
    for (const entry of await readdir(join(root, 'node_modules'))) {
      if (entry === 'tracewright' || entry.startsWith('.')) continue
      await symlink(join(root, 'node_modules', entry), join(project, 'node_modules', entry), 'dir')
    }
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }))
    for (const [file, text] of await readmeFiles()) await writeFile(join(project, file), text)
    // The same project without the set-up file: what a user who skipped it sees.
    await writeFile(join(project, 'vitest.no-setup.config.ts'), `export default { test: { include: ['*.no-setup.ts'] } }\n`)
    await writeFile(join(project, 'missing.no-setup.ts'), [
      `import { expect, test } from 'vitest'`,
      `import { startService } from 'tracewright'`,
      `const svc = await startService({ app: (_req, res) => res.end() })`,
      `test('uses a matcher', async () => {`,
      `  try { expect((await svc.request('GET /')).trace).toHaveSpan({ kind: 'SERVER' }) } finally { await svc.stop() }`,
      `})`,
    ].join('\n'))
  }, 180_000)

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  })

  test('README marks the files of its set-up, and the tarball ships every entry of the exports map', async () => {
    expect([...(await readmeFiles()).keys()].sort()).toEqual(['app.ts', 'orders.spec.ts', 'tsconfig.json', 'vitest.config.ts'])
    const pkg = JSON.parse(await readFile(join(installed(), 'package.json'), 'utf8')) as { exports: Record<string, { default: string }>; scripts: Record<string, string> }
    // npm pack and npm publish build dist/ first, whatever state the working tree's dist/ is in.
    expect(pkg.scripts['prepack']).toBe('npm run build')
    for (const [entry, target] of Object.entries(pkg.exports)) {
      const file = typeof target === 'string' ? target : target.default
      expect(existsSync(join(installed(), file)), `${entry} → ${file}`).toBe(true)
    }
  })

  test('imports every entry of the exports map with plain node', async () => {
    const script = [
      `const lib = await import('tracewright')`,
      `const matchers = await import('tracewright/matchers')`,
      `await import('tracewright/instrument')`,
      // tracewright/jest is left out: its @jest/globals refuses to load outside a Jest run.
      `const playwright = await import('tracewright/playwright')`,
      `const reporters = [await import('tracewright/jest-reporter'), await import('tracewright/playwright-reporter')].map((m) => typeof m.default)`,
      `console.log(JSON.stringify({ startService: typeof lib.startService, dbQuery: typeof lib.dbQuery, setRoute: typeof lib.setRoute, matchers: Object.keys(matchers.tracewrightMatchers).length, playwright: [typeof playwright.test.extend, typeof playwright.expect], reporters }))`,
    ].join(';')
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project })
    // Every matcher of the sources is in the package (the count follows the sources, so a new
    // matcher does not edit this line).
    expect(Object.keys(tracewrightMatchers).length).toBeGreaterThanOrEqual(20)
    expect(JSON.parse(stdout)).toEqual({
      startService: 'function', dbQuery: 'function', setRoute: 'function', matchers: Object.keys(tracewrightMatchers).length,
      playwright: ['function', 'function'], reporters: ['function', 'function'],
    })
  })

  test('starts a child-process service with plain node: the reaper ships as dist/src/harness/reaper.js and runs by path', async () => {
    expect(packed.map((f) => f.path)).toContain('dist/src/harness/reaper.js')
    const server = `require('node:http').createServer((q, s) => s.end('hi')).listen(process.env.PORT, '127.0.0.1')`
    const script = [
      `const { startService } = await import('tracewright')`,
      `const svc = await startService({ command: [process.execPath, '--import', 'tracewright/register', '-e', ${JSON.stringify(server)}], ready: { port: true }, name: 'packed' })`,
      `const { response } = await svc.request('GET /')`,
      `await svc.stop()`,
      `console.log(JSON.stringify({ status: response.status, text: response.text }))`,
    ].join(';')
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project })
    expect(JSON.parse(stdout)).toEqual({ status: 200, text: 'hi' })
  })

  test.skipIf(skipInfra('the consumer project\'s PostgreSQL spec'))('the README spec passes: Fastify and pg in-process, with pg spans and the route', async () => {
    const { stdout } = await run(bin('vitest'), ['run', '--root', project, '--reporter', 'verbose', '--no-color'], {
      cwd: project,
      env: { ...process.env, CI: '1', NO_COLOR: '1', DATABASE_URL: infraUrls.postgres },
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}\n${error.stderr ?? ''}` }))
    expect(stdout).toContain('✓ orders.spec.ts > GET /orders/:id runs two queries, inside the request')
    expect(stdout).toMatch(/Tests\s+1 passed/)
    expect(stdout).not.toContain('loaded in the test process without OpenTelemetry instrumentation')
  }, 120_000)

  test('tsc --noEmit type-checks the README set-up: the matchers come through "types"', async () => {
    const result = await run(bin('tsc'), ['-p', join(project, 'tsconfig.json'), '--noEmit'], { cwd: project })
      .then(() => 'no type errors', (error: { stdout?: string }) => error.stdout ?? String(error))
    expect(result).toBe('no type errors')
  }, 120_000)

  test('the matcher types are real: a wrong argument is a type error', async () => {
    await writeFile(join(project, 'wrong.ts'), [
      `import { expect } from 'vitest'`,
      `import type { Trace } from 'tracewright'`,
      `export function check(trace: Trace): void { expect(trace.root).toHaveStatus('FAILED') }`,
    ].join('\n'))
    try {
      const result = await run(bin('tsc'), ['-p', join(project, 'tsconfig.json'), '--noEmit'], { cwd: project })
        .then(() => 'no type errors', (error: { stdout?: string }) => error.stdout ?? String(error))
      expect(result).toMatch(/wrong\.ts\(3,\d+\): error TS2345: Argument of type '"FAILED"'/)
    } finally {
      await rm(join(project, 'wrong.ts'))
    }
  }, 120_000)

  test('the Jest and Playwright entries type-check from the built declarations, and type the matchers', async () => {
    await writeFile(join(project, 'runners.ts'), [
      `import { expect as jestExpect } from '@jest/globals'`,
      `import 'tracewright/jest'`,
      `import { expect } from 'tracewright/playwright'`,
      `import type { Trace } from 'tracewright'`,
      `export function check(trace: Trace): void {`,
      `  jestExpect(trace).toHaveSpanCount('SELECT items', 1)`,
      `  expect(trace).toHaveSpan({ name: expect.stringMatching(/^SELECT/) })`,
      `  jestExpect(trace.root).toHaveStatus('FAILED')`,
      `  expect(trace.root).toHaveStatus('FAILED')`,
      `}`,
    ].join('\n'))
    try {
      const result = await run(bin('tsc'), ['-p', join(project, 'tsconfig.json'), '--noEmit'], { cwd: project })
        .then(() => 'no type errors', (error: { stdout?: string }) => error.stdout ?? String(error))
      // Exactly the two wrong status codes: everything else resolves and type-checks.
      expect(result.trim().split('\n').map((line) => line.replace(/,.*/, ''))).toEqual(['runners.ts(8', 'runners.ts(9'])
    } finally {
      await rm(join(project, 'runners.ts'))
    }
  }, 120_000)

  test('without the set-up file, a matcher names the fix instead of "Invalid Chai property"', async () => {
    const output = await run(bin('vitest'), ['run', '--root', project, '--config', 'vitest.no-setup.config.ts', '--no-color'], {
      cwd: project,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    }).then(({ stdout }) => stdout, (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}\n${error.stderr ?? ''}`)
    expect(output).toContain('UsageError: Failed to run toHaveSpan(): tracewright\'s matchers are not registered in this vitest run')
    expect(output).not.toContain('Invalid Chai property')
    expect(output).toContain(`setupFiles: ['tracewright/instrument', 'tracewright/vitest']`)
  }, 120_000)

  test('every source map of the tarball resolves its sources inside the tarball', async () => {
    const maps = packed.filter((file) => file.path.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(50)
    const unresolved: string[] = []
    for (const map of maps) {
      const file = join(installed(), map.path)
      const { sources, sourcesContent } = JSON.parse(await readFile(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] }
      sources.forEach((source, i) => {
        if (typeof sourcesContent?.[i] === 'string') return
        if (!existsSync(resolve(dirname(file), source))) unresolved.push(`${map.path} → ${source}`)
      })
    }
    expect(unresolved).toEqual([])
  })

  test('on a Node.js older than 22.12, importing tracewright says which Node it needs', async () => {
    expect(() => assertNodeVersion('20.20.2')).toThrow(/needs Node\.js 22\.12 or newer .* this is Node\.js 20\.20\.2/)
    expect(() => assertNodeVersion('22.11.0')).toThrow(/needs Node\.js 22\.12/)
    expect(() => assertNodeVersion('22.12.0')).not.toThrow()
    expect(() => assertNodeVersion('24.0.0')).not.toThrow()
    // The machine's own node, outside npm's PATH (Node 20 on the project's machines), imports the
    // tarball: an old one fails with the message above, a current one imports cleanly.
    const path = (process.env['PATH'] ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules')).join(delimiter)
    const system = await run('node', ['--version'], { env: { PATH: path } }).then(({ stdout }) => stdout.trim().slice(1), () => undefined)
    expect(system, 'a node on PATH outside node_modules').toBeDefined()
    const outcome = await run('node', ['--input-type=module', '-e', `await import('tracewright'); console.log('imported')`], { cwd: project, env: { PATH: path } })
      .then(({ stdout }) => stdout.trim(), (error: { stderr?: string }) => error.stderr ?? '')
    const [major = 0, minor = 0] = (system as string).split('.').map(Number)
    if (major < 22 || (major === 22 && minor < 12)) expect(outcome).toContain(`UsageError: Failed to load tracewright: it needs Node.js 22.12 or newer (as do vitest 5 and undici 8), and this is Node.js ${system}.`)
    else expect(outcome).toBe('imported')
  }, 60_000)
})
