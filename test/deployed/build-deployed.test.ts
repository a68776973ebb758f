// Without Go the engines cannot be built: the deployed tests must then fail saying what to install,
// never pass or skip. scripts/build-deployed.sh records the reason in .build/error, where
// enginePath reads it. Run here on a copy, with Go taken off PATH.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const copy = mkdtempSync(join(tmpdir(), 'tw-deploy-build-'))
afterAll(() => rmSync(copy, { recursive: true, force: true }))

test('without go on PATH, each engine records what to install and nothing is marked built', () => {
  mkdirSync(join(copy, 'scripts'))
  for (const script of ['build-deployed.sh', 'build-stamps.sh']) copyFileSync(join(repo, 'scripts', script), join(copy, 'scripts', script))
  for (const engine of ['collector', 'jaeger']) {
    mkdirSync(join(copy, 'deploy', engine), { recursive: true })
    for (const file of ['go.mod', 'go.sum']) copyFileSync(join(repo, 'deploy', engine, file), join(copy, 'deploy', engine, file))
  }
  copyFileSync(join(repo, 'deploy/collector/main.go'), join(copy, 'deploy/collector/main.go'))

  // /usr/bin and /bin hold bash and coreutils; Go lives elsewhere (e.g. /usr/local/go/bin).
  const run = spawnSync('bash', [join(copy, 'scripts/build-deployed.sh')], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' })
  expect(run.status).toBe(1)
  for (const engine of ['collector', 'jaeger']) {
    expect(run.stderr).toContain(`build-deployed: ${engine}: the go command is not on PATH. Please install Go 1.26 or newer.`)
    expect(existsSync(join(copy, 'deploy', engine, '.build/stamp'))).toBe(false)
    expect(readFileSync(join(copy, 'deploy', engine, '.build/error'), 'utf8')).toContain('the go command is not on PATH')
  }
})
