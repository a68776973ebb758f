import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The README block marked `<!-- watch-test: vitest.config.ts -->`, verbatim. */
async function readmeWatchConfig(): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const match = /<!-- watch-test: vitest\.config\.ts -->\n```ts\n([\s\S]*?)```/.exec(readme)
  if (!match) throw new Error('README.md has no block marked <!-- watch-test: vitest.config.ts -->')
  return match[1] as string
}

const server = (greeting: string): string => [
  `import { createServer } from 'node:http'`,
  `createServer((req, res) => res.end(req.url === '/health' ? 'ok' : '${greeting}')).listen(Number(process.env.PORT), '127.0.0.1')`,
].join('\n')

describe('watch mode with a child-process service, set up as README.md says', () => {
  let project: string | undefined

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true })
  })

  test('editing the service\'s own file re-runs its spec, which then talks to the edited service', async () => {
    project = await mkdtemp(join(tmpdir(), 'tracewright-watch-'))
    await mkdir(join(project, 'service'))
    await mkdir(join(project, 'node_modules'))
    await symlink(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir')
    // tracewright itself, by its package name, as a consumer has it (the built package).
    await symlink(root, join(project, 'node_modules', 'tracewright'), 'dir')
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'watcher', type: 'module', private: true }))
    await writeFile(join(project, 'vitest.config.ts'), await readmeWatchConfig())
    await writeFile(join(project, 'service', 'server.mjs'), server('version 1'))
    await writeFile(join(project, 'service.spec.ts'), [
      `import { appendFileSync } from 'node:fs'`,
      `import { afterAll, expect, test } from 'vitest'`,
      `import { startService } from 'tracewright'`,
      `const svc = await startService({ command: [process.execPath, '--import', 'tracewright/register', 'service/server.mjs'], ready: { http: '/health' } })`,
      `afterAll(() => svc.stop())`,
      `test('answers', async () => {`,
      `  const { response } = await svc.request('GET /')`,
      `  appendFileSync('served.log', response.text + '\\n')`,
      `  expect(response.status).toBe(200)`,
      `})`,
    ].join('\n'))
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
    delete env['CI']
    const vitest = spawn(join(root, 'node_modules', '.bin', 'vitest'), ['watch', '--root', project, '--no-color'], { cwd: project, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    vitest.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    vitest.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    // What each run of the spec was served, one line per run.
    const served = (): Promise<string[]> => readFile(join(project as string, 'served.log'), 'utf8').then((text) => text.trim().split('\n'), () => [])
    const waitFor = async (lines: readonly string[], timeoutMs: number): Promise<void> => {
      const started = Date.now()
      while (JSON.stringify(await served()) !== JSON.stringify(lines)) {
        if (Date.now() - started > timeoutMs) throw new Error(`the spec's runs served ${JSON.stringify(await served())}, not ${JSON.stringify(lines)}:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    try {
      await waitFor(['version 1'], 30_000)
      // Let the watcher settle after the first run before editing.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await writeFile(join(project, 'service', 'server.mjs'), server('version 2'))
      await waitFor(['version 1', 'version 2'], 30_000)
      expect(await served()).toEqual(['version 1', 'version 2'])
    } finally {
      // vitest, its workers and (through the harness's reaper) the service: the whole group.
      if (vitest.pid !== undefined) process.kill(-vitest.pid, 'SIGTERM')
      await new Promise((resolve) => vitest.once('exit', resolve))
    }
  }, 90_000)
})
