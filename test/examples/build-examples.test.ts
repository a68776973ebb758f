// A language whose toolchain is missing must fail its tests with a message saying what to install,
// never pass or skip. scripts/build-examples.sh records the reason in .build/error; ensureBuilt
// turns it into the error the spec fails with. Run here on a copy, with Go taken off PATH.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'
import { ensureBuiltBy } from '../../examples/polyglot/example.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const copy = mkdtempSync(join(tmpdir(), 'tw-build-'))
afterAll(() => rmSync(copy, { recursive: true, force: true }))

test('without go on PATH, the go example fails with what to install; nothing is marked built', () => {
  mkdirSync(join(copy, 'scripts'))
  mkdirSync(join(copy, 'examples/go'), { recursive: true })
  for (const script of ['build-examples.sh', 'build-stamps.sh']) copyFileSync(join(repo, 'scripts', script), join(copy, 'scripts', script))
  for (const file of ['go.mod', 'go.sum', 'main.go']) copyFileSync(join(repo, 'examples/go', file), join(copy, 'examples/go', file))

  // /usr/bin and /bin hold bash and coreutils; Go lives elsewhere (e.g. /usr/local/go/bin).
  const run = spawnSync('bash', [join(copy, 'scripts/build-examples.sh'), 'go'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' })
  expect(run.status).toBe(1)
  expect(run.stderr).toContain('build-examples: go: the go command is not on PATH. Please install Go')
  expect(existsSync(join(copy, 'examples/go/.build/stamp'))).toBe(false)
  expect(ensureBuiltBy(join(copy, 'examples/go/'), 'go')).toThrow(/^Failed to start the go example: the go command is not on PATH\. Please install Go 1\.26[^]*scripts\/build-examples\.sh go/)
})

test('a language never built says how to build it', () => {
  expect(ensureBuiltBy(join(copy, 'examples/java/'), 'java')).toThrow('Failed to start the java example: it has not been built\nPlease install what it names, then run `scripts/build-examples.sh java`')
})
