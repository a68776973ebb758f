import {
  closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs'
import { cpus } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { BaselineError } from '../errors.js'
import { array, describeProblem, findProblem, finite, isObject, labelled, number, object, optional, record, schemaVersionProblem, string } from '../schema.js'
import type { PathStep, Schema } from '../schema.js'

/** How long a writer waits for another process's lock on the same baseline file. */
const LOCK_WAIT_MS = 10_000
/** A lock older than this is taken over even if its pid is alive (the pid may have been reused). */
const LOCK_STALE_MS = 30_000

/** The schema version this release reads and writes. */
export const BASELINE_SCHEMA_VERSION = 1

/** At most this many duration samples are kept per key. */
export const MAX_SAMPLES_PER_KEY = 30

/** Where and on what a baseline was recorded; durations from another machine are advisory. */
export interface EnvironmentFingerprint {
  readonly cpu: string
  readonly cores: number
  readonly node: string
  readonly os: string
}

/** One span key of one test, as recorded. */
export interface BaselineKey {
  /** Spans with this key per run (the median over the recorded runs). */
  readonly count: number
  /** Summed duration per run, ms, rounded to µs; the last 30 runs (more when quantiles are judged). */
  readonly durationMs: readonly number[]
  /** Summed self time per run, ms, rounded to µs; at most 30. */
  readonly selfMs: readonly number[]
  /**
   * Summed time on the critical path per run, ms, rounded to µs; at most 30. Absent from
   * baselines recorded before tracewright measured it: attribution then has nothing to compare.
   */
  readonly criticalMs?: readonly number[]
}

export interface BaselineEntry {
  readonly runs: number
  readonly environment: EnvironmentFingerprint
  readonly keys: Readonly<Record<string, BaselineKey>>
}

/** A baseline file: one per spec file, keyed by test name. */
export interface BaselineFileData {
  readonly schemaVersion: number
  readonly tests: Readonly<Record<string, BaselineEntry>>
}

/** The fingerprint of the machine running now. */
export function currentEnvironment(): EnvironmentFingerprint {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    os: `${process.platform} ${process.arch}`,
  }
}

/** True when two fingerprints describe the same kind of machine and runtime. */
export function sameEnvironment(a: EnvironmentFingerprint, b: EnvironmentFingerprint): boolean {
  return a.cpu === b.cpu && a.cores === b.cores && a.node === b.node && a.os === b.os
}

/** `<dir of spec>/__baselines__/<spec file name>.json` */
export function baselinePathFor(testPath: string): string {
  return join(dirname(testPath), '__baselines__', `${basename(testPath)}.json`)
}

/** The baseline file of a spec: `file` relative to the spec when given, else {@link baselinePathFor}. */
export function baselineFileFor(testPath: string, file: string | undefined): string {
  return file === undefined ? baselinePathFor(testPath) : resolve(dirname(testPath), file)
}

/**
 * True while baselines are being recorded: `TRACEWRIGHT_UPDATE_BASELINES=1`, or `vitest -u`, which
 * sets the snapshot state's update mode to "all" (pass `expect.getState().snapshotState`).
 */
export function recordingBaselines(snapshotState: unknown): boolean {
  if (process.env['TRACEWRIGHT_UPDATE_BASELINES'] === '1') return true
  return (snapshotState as { _updateSnapshot?: string } | undefined)?._updateSnapshot === 'all'
}

/**
 * Reads a baseline file; `undefined` when there is none. A file that is not valid JSON, not a
 * baseline, or from a newer tracewright throws a {@link BaselineError} naming the file and the fix,
 * and is never overwritten silently.
 */
export function readBaselineFile(path: string): BaselineFileData | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new BaselineError(`Failed to read baseline file ${path}: ${(error as Error).message}.`, { cause: error })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new BaselineError(
      `Failed to read baseline file ${path}: it is not valid JSON (${(error as Error).message}). ` +
        'Please restore it from version control (git checkout -- <file>), or delete it and record a new one with `vitest -u`.',
      { cause: error },
    )
  }
  return validateBaseline(path, data)
}

/** The shape of an {@link EnvironmentFingerprint}, for every reader of stored results. */
export const FINGERPRINT_SCHEMA: Schema = object({ cpu: string, cores: number, node: string, os: string })

const quoted = (step: PathStep | undefined): string => JSON.stringify(step)

const BASELINE_SCHEMA: Schema = object({
  tests: labelled(record(labelled(object({
    runs: number,
    environment: FINGERPRINT_SCHEMA,
    keys: record(labelled(object({ count: number, durationMs: array(finite()), selfMs: array(finite()), criticalMs: optional(array(finite())) }),
      (path) => `key ${quoted(path[3])} of test ${quoted(path[1])} is malformed`)),
  }), (path) => `test ${quoted(path[1])} is malformed`)), () => 'it has no tests'),
})

function validateBaseline(path: string, data: unknown): BaselineFileData {
  const fail = (what: string): never => {
    throw new BaselineError(`Failed to read baseline file ${path}: ${what}. Please restore it from version control, or delete it and record a new one with \`vitest -u\`.`)
  }
  if (!isObject(data)) return fail('it is not a tracewright baseline (expected an object)')
  const version = schemaVersionProblem(data, BASELINE_SCHEMA_VERSION)
  if (version !== undefined && 'newer' in version) {
    throw new BaselineError(`Failed to read baseline file ${path}: it was written by a newer tracewright (schema ${version.newer}; this version reads ${BASELINE_SCHEMA_VERSION}). Please upgrade tracewright; the file was left as it is.`)
  }
  if (version !== undefined) return fail(version.problem)
  const problem = findProblem(BASELINE_SCHEMA, data)
  if (problem !== undefined) fail(describeProblem(problem))
  return data as unknown as BaselineFileData
}

/**
 * Records one test's entry, under a lock file (`<file>.lock`) so that writers in several processes
 * (two `vitest -u` runs, projects sharing a spec) do not lose each other's entries: it re-reads the
 * file once it holds the lock, keeps the other tests' entries, writes keys in sorted order, and
 * replaces the file atomically (a temporary file renamed over it), so a run killed half-way leaves
 * the old file intact. A lock left by a killed writer (its pid gone, or older than 30 s) is taken
 * over, and temporary files such writers left are removed.
 *
 * @throws {BaselineError} when the file is corrupt, cannot be written, or another process holds
 * the lock for more than 10 s.
 */
export function writeBaselineEntry(path: string, testName: string, entry: BaselineEntry): void {
  try {
    mkdirSync(dirname(path), { recursive: true })
  } catch (error) {
    throw new BaselineError(`Failed to write baseline file ${path}: ${(error as Error).message}.`, { cause: error })
  }
  withLock(path, () => {
    removeLeftoverTemporaries(path)
    const existing = readBaselineFile(path)
    const tests: Record<string, BaselineEntry> = { ...existing?.tests, [testName]: entry }
    const data: BaselineFileData = { schemaVersion: BASELINE_SCHEMA_VERSION, tests }
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    try {
      writeFileSync(tmp, `${JSON.stringify(sortKeys(data), null, 2)}\n`)
      renameSync(tmp, path)
    } catch (error) {
      try { unlinkSync(tmp) } catch { /* it may not exist */ }
      throw new BaselineError(`Failed to write baseline file ${path}: ${(error as Error).message}.`, { cause: error })
    }
  })
}

/** Runs `fn` holding `<path>.lock`, created exclusively; waits (synchronously) while another process holds it. */
function withLock(path: string, fn: () => void): void {
  const lock = `${path}.lock`
  const deadline = Date.now() + LOCK_WAIT_MS
  let fd: number | undefined
  for (let delay = 1; fd === undefined; delay = Math.min(delay * 2, 50)) {
    try {
      fd = openSync(lock, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new BaselineError(`Failed to write baseline file ${path}: cannot create its lock file ${lock} (${(error as Error).message}).`, { cause: error })
      }
      if (takeOverStaleLock(lock)) continue
      if (Date.now() > deadline) {
        throw new BaselineError(
          `Failed to write baseline file ${path}: another process has held its lock file ${lock} for more than ${LOCK_WAIT_MS / 1000} s. ` +
            'If no other tracewright run is writing baselines, delete the lock file and run again.',
        )
      }
      sleepSync(delay)
    }
  }
  try {
    writeSync(fd, `${process.pid} ${Date.now()}\n`)
    closeSync(fd)
    fn()
  } finally {
    try { unlinkSync(lock) } catch { /* taken over as stale: nothing left to remove */ }
  }
}

/**
 * Removes `lock` when the writer that made it is gone (its pid no longer runs) or it is older than
 * {@link LOCK_STALE_MS}; true when the caller should try to take the lock again at once. The lock
 * is moved aside by rename, so of several writers that judged it stale only one removes it; one
 * that finds it moved a fresh lock instead (made in between by another writer) puts it back. In
 * the rare case that fails too, two writers may both write: an entry may be lost, but the file is
 * still only ever replaced whole.
 */
function takeOverStaleLock(lock: string): boolean {
  let content: string
  let age: number
  try {
    content = readFileSync(lock, 'utf8')
    age = Date.now() - statSync(lock).mtimeMs
  } catch {
    return true
  }
  const pid = Number(content.split(' ', 1)[0])
  const holderGone = Number.isSafeInteger(pid) && pid > 0 && !processRuns(pid)
  if (!holderGone && age < LOCK_STALE_MS) return false
  const aside = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}.stale`
  try {
    renameSync(lock, aside)
  } catch {
    return true
  }
  try {
    if (readFileSync(aside, 'utf8') !== content) linkSync(aside, lock)
  } catch { /* a new lock took its place: that one holds */ }
  try { unlinkSync(aside) } catch { /* already gone */ }
  return true
}

/** Deletes `<file>.<pid>.<random>.tmp` files whose writer no longer runs (killed between write and rename). */
function removeLeftoverTemporaries(path: string): void {
  const prefix = `${basename(path)}.`
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue
    const pid = Number(name.slice(prefix.length).split('.', 1)[0])
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !processRuns(pid)) {
      try { unlinkSync(join(dirname(path), name)) } catch { /* removed by another writer */ }
    }
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** Blocks for `ms`: writing a baseline is synchronous, called from a matcher. */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms)
}

/** Rounds to microseconds (3 decimals of a millisecond), so files diff cleanly. */
export function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]))
  }
  return value
}
