import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { BaselineError } from '../errors.js'

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
  /** Summed duration per run, ms, rounded to µs; at most 30. */
  readonly durationMs: readonly number[]
  /** Summed self time per run, ms, rounded to µs; at most 30. */
  readonly selfMs: readonly number[]
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

function validateBaseline(path: string, data: unknown): BaselineFileData {
  const fail = (what: string): never => {
    throw new BaselineError(`Failed to read baseline file ${path}: ${what}. Please restore it from version control, or delete it and record a new one with \`vitest -u\`.`)
  }
  if (typeof data !== 'object' || data === null) return fail('it is not a tracewright baseline (expected an object)')
  const version = (data as { schemaVersion?: unknown }).schemaVersion
  if (typeof version !== 'number') return fail('it has no schemaVersion')
  if (version > BASELINE_SCHEMA_VERSION) {
    throw new BaselineError(`Failed to read baseline file ${path}: it was written by a newer tracewright (schema ${version}; this version reads ${BASELINE_SCHEMA_VERSION}). Please upgrade tracewright; the file was left as it is.`)
  }
  if (version !== BASELINE_SCHEMA_VERSION) return fail(`schema ${version} is not supported`)
  const tests = (data as { tests?: unknown }).tests
  if (typeof tests !== 'object' || tests === null) return fail('it has no tests')
  for (const [name, entry] of Object.entries(tests)) {
    const e = entry as Partial<BaselineEntry> | null
    if (typeof e !== 'object' || e === null || typeof e.keys !== 'object' || e.keys === null || typeof e.runs !== 'number' || typeof e.environment !== 'object') {
      fail(`test ${JSON.stringify(name)} is malformed`)
    }
    for (const [key, k] of Object.entries((e as BaselineEntry).keys)) {
      const ok = typeof k === 'object' && k !== null && typeof k.count === 'number' &&
        Array.isArray(k.durationMs) && k.durationMs.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
        Array.isArray(k.selfMs) && k.selfMs.every((v) => typeof v === 'number' && Number.isFinite(v))
      if (!ok) fail(`key ${JSON.stringify(key)} of test ${JSON.stringify(name)} is malformed`)
    }
  }
  return data as BaselineFileData
}

/**
 * Records one test's entry. Re-reads the file just before writing so entries other tests wrote
 * meanwhile are kept, writes keys in sorted order, and replaces the file atomically (a temporary
 * file renamed over it): a run killed half-way leaves the old file intact.
 */
export function writeBaselineEntry(path: string, testName: string, entry: BaselineEntry): void {
  const existing = readBaselineFile(path)
  const tests: Record<string, BaselineEntry> = { ...existing?.tests, [testName]: entry }
  const data: BaselineFileData = { schemaVersion: BASELINE_SCHEMA_VERSION, tests }
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    writeFileSync(tmp, `${JSON.stringify(sortKeys(data), null, 2)}\n`)
    renameSync(tmp, path)
  } catch (error) {
    try { unlinkSync(tmp) } catch { /* it may not exist */ }
    throw new BaselineError(`Failed to write baseline file ${path}: ${(error as Error).message}.`, { cause: error })
  }
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
