import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { currentEnvironment, readBaselineFile, writeBaselineEntry } from '../../src/baseline/baseline-file.js'
import type { BaselineEntry } from '../../src/baseline/baseline-file.js'
import { envInt, reportFigures, waitUntil } from './helpers.js'

/*
 * Baseline files are replaced whole (a temporary file renamed over them) under a lock file: a
 * writer killed at any moment leaves the previous file intact, concurrent writers in several
 * processes never corrupt it and lose no entry, and a lock or temporary file a killed writer left
 * behind is recovered from. Writers are real processes running the sources.
 */

const KILLS = envInt('TRACEWRIGHT_BASELINE_KILLS', 20)
const WRITERS = envInt('TRACEWRIGHT_BASELINE_WRITERS', 6)
const WRITES_EACH = envInt('TRACEWRIGHT_BASELINE_WRITES', 20)
/** Span keys per entry of the killed writer: about 1.5 MB of JSON each, so a write takes long enough to be cut. */
const KEYS = 2_000
/** Span keys per entry of the concurrent writers: small, so 120 rewrites of the growing file stay quick. */
const SMALL_KEYS = 20

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'tracewright-baselines-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function writer(file: string, prefix: string, count: number, keys: number): ChildProcess & { lines: () => number } {
  const child = spawn(process.execPath, ['--import', fixture('load-sources.mjs'), fixture('baseline-writer.mjs'), file, prefix, String(count), String(keys)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let wrote = 0
  child.stdout.on('data', (chunk: Buffer) => { wrote += String(chunk).split('\n').filter((l) => l.startsWith('wrote')).length })
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  return Object.assign(child, { lines: () => wrote })
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))))

const ORIGINAL: BaselineEntry = {
  runs: 3,
  environment: currentEnvironment(),
  keys: { 'svc | GET /x': { count: 1, durationMs: [1, 2, 3], selfMs: [1, 1, 1] } },
}

/** Every entry of the file is whole: the original as written, the writers' with all `keys` keys. */
function checkWhole(file: string, keys: number): number {
  const data = readBaselineFile(file)
  expect(data?.tests['original']).toEqual(ORIGINAL)
  for (const [name, entry] of Object.entries(data?.tests ?? {})) {
    if (name !== 'original') expect(Object.keys(entry.keys)).toHaveLength(keys)
  }
  return Object.keys(data?.tests ?? {}).length
}

describe('baseline writes', () => {
  test(`a writer SIGKILLed at a random moment, ${KILLS} times, always leaves a whole, readable file`, async () => {
    const file = join(dir, 'killed', 'orders.spec.ts.json')
    writeBaselineEntry(file, 'original', ORIGINAL)
    let completedWrites = 0
    for (let i = 0; i < KILLS; i++) {
      const child = writer(file, 'killed', 0, KEYS)
      await waitUntil(() => child.lines() > 0 || child.exitCode !== null, 20_000, 'the writer\'s first write')
      // Somewhere inside one of the next writes (one takes some tens of ms).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 60))
      child.kill('SIGKILL')
      await exited(child)
      completedWrites += child.lines()
      checkWhole(file, KEYS)
    }
    // The next write cleans up what the killed writers left: their lock and temporary files.
    const leftovers = readdirSync(join(dir, 'killed')).filter((name) => name !== 'orders.spec.ts.json')
    writeBaselineEntry(file, 'after', ORIGINAL)
    expect(readdirSync(join(dir, 'killed'))).toEqual(['orders.spec.ts.json'])
    expect(readBaselineFile(file)?.tests['after']).toEqual(ORIGINAL)
    reportFigures('baseline writer killed', { kills: KILLS, writesCompletedBetweenKills: completedWrites, leftoversRecovered: leftovers.length })
  }, 120_000)

  test(`${WRITERS} writer processes × ${WRITES_EACH} entries into one file at once: never a torn read, no entry lost`, async () => {
    const file = join(dir, 'concurrent', 'orders.spec.ts.json')
    writeBaselineEntry(file, 'original', ORIGINAL)
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(file, `writer${w}`, WRITES_EACH, SMALL_KEYS))
    let reads = 0
    const running = Promise.all(writers.map(exited))
    let done = false
    void running.then(() => { done = true })
    while (!done) {
      // A reader in the middle of it all: every read parses and holds whole entries.
      checkWhole(file, SMALL_KEYS)
      reads++
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(await running).toEqual(writers.map(() => 0))
    const names = Object.keys(readBaselineFile(file)?.tests ?? {})
    const expected = ['original', ...writers.flatMap((_, w) => Array.from({ length: WRITES_EACH }, (__, i) => `writer${w}-${i}`))]
    expect(names.sort()).toEqual(expected.sort())
    expect(readdirSync(join(dir, 'concurrent'))).toEqual(['orders.spec.ts.json'])
    reportFigures('concurrent baseline writers', { writers: WRITERS, writesEach: WRITES_EACH, entries: names.length, lost: expected.length - names.length, tornReads: 0, reads })
  }, 120_000)

  test('a lock left by a writer that no longer runs is taken over at once', async () => {
    const file = join(dir, 'stale', 'orders.spec.ts.json')
    writeBaselineEntry(file, 'original', ORIGINAL)
    const gone = spawn(process.execPath, ['-e', ''])
    await exited(gone)
    writeFileSync(`${file}.lock`, `${gone.pid} ${Date.now()}\n`)
    writeFileSync(`${file}.${gone.pid}.abc123.tmp`, '{ "half": ')
    const t0 = performance.now()
    writeBaselineEntry(file, 'next', ORIGINAL)
    expect(performance.now() - t0).toBeLessThan(500)
    expect(Object.keys(readBaselineFile(file)?.tests ?? {}).sort()).toEqual(['next', 'original'])
    expect(readdirSync(join(dir, 'stale'))).toEqual(['orders.spec.ts.json'])
  })

  test('a lock held by a live writer is waited for, then honoured', async () => {
    const file = join(dir, 'held', 'orders.spec.ts.json')
    writeBaselineEntry(file, 'original', ORIGINAL)
    writeFileSync(`${file}.lock`, `${process.pid} ${Date.now()}\n`)
    const child = writer(file, 'waiting', 1, 3)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(child.lines()).toBe(0)
    rmSync(`${file}.lock`)
    expect(await exited(child)).toBe(0)
    expect(Object.keys(readBaselineFile(file)?.tests ?? {}).sort()).toEqual(['original', 'waiting-0'])
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true)
  }, 30_000)
})
