// A 10-file vitest suite against one child-process service (test/fixtures/services/plain-esm.mjs
// under `--import tracewright/register`), run both ways in one run, interleaved:
// - own: every spec file starts (and stops) its own service in the file, as before;
// - shared: globalSetup starts the service once and shares it (shareService / connectService).
// Each spec file sends the same 3 requests and asserts on their traces. Wall time of the whole
// `vitest run`, medians of ROUNDS runs each.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './report.ts'

const FILES = 10
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
const root = fileURLToPath(new URL('..', import.meta.url))
const dir = join(root, 'bench', `.shared-suite-${process.pid}`)
const server = join(root, 'test', 'fixtures', 'services', 'plain-esm.mjs')
const lib = join(root, 'dist', 'src', 'index.js')
const command = `[process.execPath, '--import', 'tracewright/register', ${JSON.stringify(server)}]`

const body = (start: string): string => [
  `import { afterAll, expect, inject, test } from 'vitest'`,
  `import { connectService, startService } from ${JSON.stringify(lib)}`,
  start,
  `afterAll(() => svc.stop())`,
  `test('three requests, each a whole trace', async () => {`,
  `  for (let i = 0; i < 3; i++) {`,
  `    const { response, trace } = await svc.request('GET /hello')`,
  `    expect(response.status).toBe(200)`,
  `    expect(trace).toHaveSpanCount({ kind: 'SERVER' }, 2)`,
  `  }`,
  `})`,
].join('\n')

function writeSuite(): void {
  mkdirSync(join(dir, 'own'), { recursive: true })
  mkdirSync(join(dir, 'shared'), { recursive: true })
  const setupFiles = `setupFiles: [${JSON.stringify(join(root, 'dist', 'matchers', 'vitest.js'))}]`
  writeFileSync(join(dir, 'own', 'vitest.config.mjs'), `export default { test: { ${setupFiles}, include: ['*.spec.mjs'] } }\n`)
  writeFileSync(join(dir, 'shared', 'vitest.config.mjs'), `export default { test: { ${setupFiles}, include: ['*.spec.mjs'], globalSetup: ['./global-setup.mjs'] } }\n`)
  writeFileSync(join(dir, 'shared', 'global-setup.mjs'), [
    `import { shareService, startService } from ${JSON.stringify(lib)}`,
    `export default async function setup(project) {`,
    `  const svc = await startService({ command: ${command}, ready: { http: '/health' }, name: 'plain' })`,
    `  const shared = await shareService(svc)`,
    `  project.provide('plain', shared.handle)`,
    `  return async () => { await shared.stop(); await svc.stop() }`,
    `}`,
  ].join('\n'))
  for (let i = 0; i < FILES; i++) {
    writeFileSync(join(dir, 'own', `f${i}.spec.mjs`), body(`const svc = await startService({ command: ${command}, ready: { http: '/health' }, name: 'plain' })`))
    writeFileSync(join(dir, 'shared', `f${i}.spec.mjs`), body(`const svc = await connectService(inject('plain'))`))
  }
}

function runSuite(mode: 'own' | 'shared'): number {
  const started = performance.now()
  execFileSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--root', join(dir, mode), '--reporter', 'dot'], {
    cwd: root, stdio: 'pipe', env: { ...process.env, CI: '1' },
  })
  return performance.now() - started
}

writeSuite()
try {
  const times = { own: [] as number[], shared: [] as number[] }
  runSuite('own') // warm-up: vitest's and Node's caches
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['own', 'shared'] as const) : (['shared', 'own'] as const)
    for (const mode of order) times[mode].push(runSuite(mode))
  }
  const own = median(times.own)
  const shared = median(times.shared)
  console.log(`\n## A ${FILES}-file suite against one child-process service (vitest run, wall time, median of ${ROUNDS})\n`)
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
  console.log('| set-up | median | runs |\n|---|---:|---|')
  console.log(`| each file starts its own service | ${seconds(own)} | ${times.own.map(seconds).join(', ')} |`)
  console.log(`| globalSetup shares one (shareService) | ${seconds(shared)} | ${times.shared.map(seconds).join(', ')} |`)
  console.log(`\nshared / own: ${(shared / own).toFixed(2)}×`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
