import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name: string): string => join(root, 'node_modules', '.bin', name)

// What a user installs: the built JavaScript and declarations behind the `exports` map, used from
// a project of their own with no TypeScript loader and no access to the sources.
describe('the built package', () => {
  let project: string

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'src', 'index.js'))) {
      throw new Error('dist/ is missing: `npm test` builds it first (pretest); when running vitest directly, run `npm run build` before.')
    }
    project = await mkdtemp(join(tmpdir(), 'tracewright-consumer-'))
    await mkdir(join(project, 'node_modules'))
    await symlink(root, join(project, 'node_modules', 'tracewright'), 'dir')
    // The consumer's own vitest (a peer dependency), the same copy that runs this suite.
    await symlink(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir')
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }))
    await writeFile(join(project, 'vitest.config.js'), `export default { test: { setupFiles: ['tracewright/vitest'], include: ['*.spec.js'] } }\n`)
    await writeFile(join(project, 'app.spec.js'), [
      `import { afterAll, expect, test } from 'vitest'`,
      `import { startService } from 'tracewright'`,
      `const svc = await startService({ app: (req, res) => res.end('hi'), name: 'consumer' })`,
      `afterAll(() => svc.stop())`,
      `test('works from the built package', async () => {`,
      `  const { response, trace } = await svc.request('GET /hello')`,
      `  expect(response.text).toBe('hi')`,
      `  expect(trace).toHaveSpan({ kind: 'SERVER', service: 'consumer' })`,
      `  expect(trace.root).not.toHaveStatus('ERROR')`,
      `})`,
    ].join('\n'))
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
      files: ['types.ts'],
    }))
    await writeFile(join(project, 'types.ts'), [
      `import 'tracewright/vitest'`,
      `import { expect } from 'vitest'`,
      `import { startService, type Trace } from 'tracewright'`,
      `import { tracewrightMatchers } from 'tracewright/matchers'`,
      `export async function check(trace: Trace): Promise<void> {`,
      `  const svc = await startService({ app: (_req, res) => res.end() })`,
      `  expect(trace).toHaveSpanCount({ kind: 'CLIENT' }, { max: 1 })`,
      `  expect(trace.root).toHaveAttribute('http.route', expect.any(String))`,
      `  // @ts-expect-error toHaveStatus takes OK, ERROR or UNSET`,
      `  expect(trace.root).toHaveStatus('FAILED')`,
      `  void tracewrightMatchers.toHaveSpan`,
      `  await svc.stop()`,
      `}`,
    ].join('\n'))
  })

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  })

  test('imports every entry of the exports map with plain node', async () => {
    const script = [
      `const lib = await import('tracewright')`,
      `const matchers = await import('tracewright/matchers')`,
      `console.log(JSON.stringify({ startService: typeof lib.startService, Trace: typeof lib.Trace, matchers: Object.keys(matchers.tracewrightMatchers).length }))`,
    ].join(';')
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project })
    expect(JSON.parse(stdout)).toEqual({ startService: 'function', Trace: 'function', matchers: 13 })
  })

  test('a consumer vitest project registers the matchers through tracewright/vitest', async () => {
    const { stdout } = await run(bin('vitest'), ['run', '--root', project, '--reporter', 'dot', '--no-color'], { cwd: project, env: { ...process.env, CI: '1', NO_COLOR: '1' } })
    expect(stdout).toMatch(/1 passed/)
  }, 60_000)

  test('a consumer TypeScript project gets the matcher types from the declarations', async () => {
    const result = await run(bin('tsc'), ['-p', join(project, 'tsconfig.json')], { cwd: project })
      .then(() => 'no type errors', (error: { stdout?: string }) => error.stdout ?? String(error))
    expect(result).toBe('no type errors')
  }, 60_000)
})
