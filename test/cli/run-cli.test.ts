import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { formatComparisonJson, parseComparisonReport } from 'tracewright'
import { runCli } from '../../src/cli/run-cli.js'
import { COMPARE_USAGE, MAIN_USAGE } from '../../src/cli/usage.js'
import { fixtureReport } from '../report/comparison/comparison-fixture.js'
import { V1 } from '../compare/shop-runs.js'

interface Captured {
  code: number
  stdout: string
  stderr: string
}

async function cli(...argv: string[]): Promise<Captured> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (text: string) => { stdout += text } },
    stderr: { write: (text: string) => { stderr += text } },
    env: {},
  })
  return { code, stdout, stderr }
}

let dir: string
const path = (name: string): string => join(dir, name)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracewright-cli-'))
  await writeFile(path('changed.json'), formatComparisonJson(fixtureReport()))
  await writeFile(path('same.json'), formatComparisonJson(fixtureReport({ head: V1 })))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('tracewright', () => {
  test('--help, and no command at all', async () => {
    expect(await cli('--help')).toEqual({ code: 0, stdout: MAIN_USAGE, stderr: '' })
    expect(await cli()).toEqual({ code: 2, stdout: MAIN_USAGE, stderr: '' })
  })

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(await cli('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })

  test('an unknown command', async () => {
    expect(await cli('compair')).toEqual({ code: 2, stdout: '', stderr: 'tracewright: unknown command "compair". The commands are: compare. Run `tracewright --help` for usage.\n' })
  })
})

describe('tracewright compare', () => {
  test('--help', async () => {
    expect(await cli('compare', '--help')).toEqual({ code: 0, stdout: COMPARE_USAGE, stderr: '' })
  })

  test('usage errors exit 2 with one readable paragraph on stderr', async () => {
    const result = await cli('compare', '--base', 'node a.js', '--head', 'node b.js', '--scenario', 's.mjs', '--frobnicate')
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^tracewright compare: Failed to read the arguments: Unknown option '--frobnicate'\..* Run `tracewright compare --help` for the options\.\n$/)
  })

  test('a missing scenario file exits 2 before anything starts', async () => {
    const result = await cli('compare', '--base', 'node a.js', '--head', 'node b.js', '--scenario', path('nope.ts'))
    expect(result).toMatchObject({ code: 2, stdout: '' })
    expect(result.stderr).toContain('Failed to load the scenario file')
    expect(result.stderr).toContain('there is no such file')
  })

  test('too few rounds to decide: a note before anything runs', async () => {
    const result = await cli('compare', '--base', 'node a.js', '--head', 'node b.js', '--scenario', path('nope.ts'), '--rounds', '5')
    expect(result.stderr).toMatch(/^tracewright compare: note: with 5 rounds no span can be reported slower or faster \(the paired test needs at least 8, more with many span keys\); structure is still compared\.\n/)
  })

  test('a command that needs a shell exits 2', async () => {
    await writeFile(path('scenarios.mjs'), `export default { hello: 'GET /hello' }\n`)
    const result = await cli('compare', '--base', 'npm run build && node a.js', '--head', 'node b.js', '--scenario', path('scenarios.mjs'))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('"&" is a background or && operator at column 15')
  })

  test('stored results with a regression exit 1 and print the text report', async () => {
    const result = await cli('compare', '--base-file', `${path('changed.json')}#base`, '--head-file', path('changed.json'))
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('tracewright compare · unpaired (stored results), min effect 10% and 1 ms')
    expect(result.stdout).toMatch(/shop \| price order \| GET \/orders\/:id\s+4\.\d+ ms\s+1[23]\.\d ms\s+3\.\d\d×.*slower/)
    expect(result.stdout).toContain('~ shop | SELECT items | GET /orders/:id: 1 → 3 per run')
    expect(result.stdout).toContain('+ db.query.text = "SELECT * FROM items WHERE id = ?"')
    expect(result.stdout).toContain('\nRegression: 3 span keys slower, 1 structural change, 4 behaviour changes (reported')
  })

  test('stored results without a change exit 0', async () => {
    const result = await cli('compare', '--base-file', `${path('same.json')}#base`, '--head-file', path('same.json'))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('No regression: no span got slower, same structure.')
  })

  test('--fail-on-structure turns structural changes alone into a regression', async () => {
    const slowerOnly = ['--min-relative-effect', '400%']
    expect((await cli('compare', '--base-file', `${path('changed.json')}#base`, '--head-file', path('changed.json'), ...slowerOnly)).code).toBe(0)
    expect((await cli('compare', '--base-file', `${path('changed.json')}#base`, '--head-file', path('changed.json'), ...slowerOnly, '--fail-on-structure')).code).toBe(1)
  })

  test.each([
    ['md', 'markdown', '## ✗ tracewright compare'],
    ['html', 'html', '<!doctype html>'],
    ['json', 'json', '"schemaVersion": 2'],
  ])('--out report.%s writes the %s report and still prints the text one', async (extension, format, start) => {
    const out = path(`report.${extension}`)
    const result = await cli('compare', '--base-file', `${path('changed.json')}#base`, '--head-file', path('changed.json'), '--out', out)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('tracewright compare · unpaired')
    expect(result.stderr).toBe(`tracewright compare: wrote the ${format} report to ${out}\n`)
    expect(await readFile(out, 'utf8')).toContain(start)
  })

  test('--format json on stdout is a report that reads back', async () => {
    const result = await cli('compare', '--base-file', `${path('changed.json')}#base`, '--head-file', path('changed.json'), '--format', 'json')
    const report = parseComparisonReport(JSON.parse(result.stdout), 'stdout')
    expect(report.mode).toBe('unpaired')
    expect(report.summary.regression).toBe(true)
  })

  test('a report that cannot be written exits 2', async () => {
    const result = await cli('compare', '--base-file', path('same.json'), '--head-file', path('same.json'), '--out', path('no/such/dir/r.html'))
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^tracewright compare: Failed to write the report to .*r\.html: ENOENT.*Please check that its folder exists and is writable\.\n$/)
  })
})
