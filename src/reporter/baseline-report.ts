import type { BaselineComparison } from '../baseline/compare-baseline.js'

/** The version of the JSON report's shape; docs/reporter.md describes it. */
export const REPORT_SCHEMA_VERSION = 1

/** How many span keys the "slowest operations" list shows. */
export const SLOWEST_OPERATIONS = 10

/** What one `toMatchBaseline` call left on its test, as the reporter reads it. */
export interface BaselineMetaEntry {
  /** Absolute path of the baseline file. */
  readonly file: string
  /** The test's full name: the key of its entry in the baseline file. */
  readonly test: string
  /** True in update mode: the call recorded the baseline instead of comparing. */
  readonly recorded: boolean
  readonly comparison?: BaselineComparison
}

/** One `toMatchBaseline` call of the run. */
export interface BaselineResult {
  /** The spec file, relative to the vitest root, with `/` separators. */
  readonly module: string
  /** The test's full name (`describe > test`), as keyed in the baseline file. */
  readonly test: string
  /** What vitest concluded about the whole test, which may have failed for other reasons. */
  readonly testState: 'passed' | 'failed' | 'skipped' | 'pending'
  /** The baseline file, relative to the vitest root, with `/` separators. */
  readonly baselineFile: string
  readonly recorded: boolean
  /** Present when the call compared (not in update mode). */
  readonly comparison?: BaselineComparison
}

/** One row of the run's slowest operations: a span key by its current median duration. */
export interface SlowOperation {
  readonly key: string
  /** Median summed duration per run now, ms. */
  readonly medianMs: number
  /** Median summed duration per run in the baseline, ms. */
  readonly baselineMedianMs: number
  /** The test that measured it (the slowest one, when several tests measured the key). */
  readonly test: string
  readonly module: string
}

/** Counts over every `toMatchBaseline` call of the run. */
export interface ReportSummary {
  readonly compared: number
  /** Comparisons with a failure (a hard structural change, or a gated "slower" key). */
  readonly failed: number
  /** Comparisons whose duration verdicts did not gate (baseline from another environment). */
  readonly advisory: number
  readonly recorded: number
}

/**
 * Everything `tracewright/reporter` reports about one run; serialised as is, it is the JSON
 * report (`outputFile`).
 *
 * @example
 * ```ts
 * const report = buildBaselineReport(results)
 * if (report.summary.failed > 0) console.log(report.results.filter((r) => r.comparison?.failures.length))
 * ```
 */
export interface BaselineReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION
  readonly summary: ReportSummary
  readonly results: readonly BaselineResult[]
  readonly slowest: readonly SlowOperation[]
}

/**
 * Reads the `tracewright` entries of a test's meta. The meta crossed a process boundary and may
 * come from another tracewright version, so entries without the expected shape are skipped
 * rather than trusted. A test retried or calling the matcher again for the same baseline file
 * keeps only its last entry per file: that is the one its baseline file and verdict reflect.
 *
 * @example
 * ```ts
 * const entries = readBaselineMeta(testCase.meta())
 * ```
 */
export function readBaselineMeta(meta: unknown): BaselineMetaEntry[] {
  const entries = (meta as { tracewright?: unknown } | undefined)?.tracewright
  if (!Array.isArray(entries)) return []
  const lastPerFile = new Map<string, BaselineMetaEntry>()
  for (const entry of entries) {
    if (!isMetaEntry(entry)) continue
    lastPerFile.delete(entry.file)
    lastPerFile.set(entry.file, entry)
  }
  return [...lastPerFile.values()]
}

function isMetaEntry(value: unknown): value is BaselineMetaEntry {
  if (typeof value !== 'object' || value === null) return false
  const { file, test, recorded, comparison } = value as Partial<Record<keyof BaselineMetaEntry, unknown>>
  if (typeof file !== 'string' || typeof test !== 'string' || typeof recorded !== 'boolean') return false
  if (comparison === undefined) return recorded
  const c = comparison as Partial<Record<keyof BaselineComparison, unknown>> | null
  return typeof c === 'object' && c !== null && Array.isArray(c.structure) && Array.isArray(c.durations) &&
    Array.isArray(c.failures) && typeof c.advisory === 'boolean'
}

/**
 * Adds the summary counts and the slowest operations to the run's results.
 *
 * @example
 * ```ts
 * const report = buildBaselineReport([{ module: 'orders.spec.ts', test: 'reads once', testState: 'passed',
 *   baselineFile: '__baselines__/orders.spec.ts.json', recorded: true }])
 * report.summary // { compared: 0, failed: 0, advisory: 0, recorded: 1 }
 * ```
 */
export function buildBaselineReport(results: readonly BaselineResult[]): BaselineReport {
  const compared = results.filter((r) => r.comparison !== undefined)
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    summary: {
      compared: compared.length,
      failed: compared.filter((r) => (r.comparison?.failures.length ?? 0) > 0).length,
      advisory: compared.filter((r) => r.comparison?.advisory === true).length,
      recorded: results.filter((r) => r.recorded).length,
    },
    results,
    slowest: slowestOperations(results, SLOWEST_OPERATIONS),
  }
}

/**
 * The `limit` span keys with the highest current median across every comparison of the run.
 * A key measured by several tests counts once, with its slowest median. Recorded baselines carry
 * no durations in the test meta, so an update-mode run has no slowest operations.
 *
 * @example
 * ```ts
 * slowestOperations(results, 3).map((o) => `${o.key}: ${o.medianMs} ms`)
 * ```
 */
export function slowestOperations(results: readonly BaselineResult[], limit: number): SlowOperation[] {
  const byKey = new Map<string, SlowOperation>()
  for (const result of results) {
    for (const { key, comparison } of result.comparison?.durations ?? []) {
      const previous = byKey.get(key)
      if (previous !== undefined && previous.medianMs >= comparison.headMedian) continue
      byKey.set(key, { key, medianMs: comparison.headMedian, baselineMedianMs: comparison.baseMedian, test: result.test, module: result.module })
    }
  }
  return [...byKey.values()].sort((a, b) => b.medianMs - a.medianMs || a.key.localeCompare(b.key)).slice(0, limit)
}

/**
 * The one-line count both formats print.
 *
 * @example
 * ```ts
 * describeSummary({ compared: 1, failed: 1, advisory: 1, recorded: 2 }) // '1 compared (1 failed, 1 advisory), 2 recorded'
 * ```
 */
export function describeSummary(summary: ReportSummary): string {
  const notes = [
    ...(summary.failed > 0 ? [`${summary.failed} failed`] : []),
    ...(summary.advisory > 0 ? [`${summary.advisory} advisory`] : []),
  ]
  const parts = [
    ...(summary.compared > 0 || summary.recorded === 0 ? [`${summary.compared} compared${notes.length ? ` (${notes.join(', ')})` : ''}`] : []),
    ...(summary.recorded > 0 ? [`${summary.recorded} recorded`] : []),
  ]
  return parts.join(', ')
}

/**
 * What a comparison found, in one line.
 *
 * @example
 * ```ts
 * describeFindings(comparison) // '2 structural changes, 1 slower span key'
 * ```
 */
export function describeFindings(comparison: BaselineComparison): string {
  const structural = comparison.structure.filter((c) => !c.allowed).length
  const allowed = comparison.structure.length - structural
  const slower = comparison.durations.filter((d) => d.comparison.verdict === 'slower').length
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  return [
    plural(structural, 'structural change'),
    ...(allowed > 0 ? [`${allowed} allowed to vary`] : []),
    `${plural(slower, 'slower span key')}${slower > 0 && comparison.advisory ? ' (advisory)' : ''}`,
  ].join(', ')
}

/**
 * The note both formats print under an advisory comparison.
 *
 * @example
 * ```ts
 * if (comparison.advisory) lines.push(ADVISORY_NOTE)
 * ```
 */
export const ADVISORY_NOTE = 'Duration verdicts are advisory: the baseline was recorded in another environment (CPU, cores, Node version or OS), ' +
  'so "slower" does not fail the test. Pass { strict: true } to gate on them anyway; a same-job A/B comparison is the trustworthy one.'
