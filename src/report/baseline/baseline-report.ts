import type { EnvironmentFingerprint } from '../../baseline/baseline-file.js'
import type { BaselineComparison } from '../../baseline/compare-baseline.js'
import { BASELINE_TASK_META_SCHEMA } from '../../baseline/task-meta.js'
import type { BaselineTaskMeta, OperationFigures, ResultEnvironment } from '../../baseline/task-meta.js'
import { findProblem } from '../../schema.js'

export type { OperationFigures, ResultEnvironment }

/** The version of the JSON report's shape; docs/reporter.md describes it. */
export const REPORT_SCHEMA_VERSION = 1

/** How many span keys the "slowest operations" list shows. */
export const SLOWEST_OPERATIONS = 10

/** What one `toMatchBaseline` call left on its test, as the reporter reads it. */
export type BaselineMetaEntry = BaselineTaskMeta

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
  /** Present (and true) when the baseline file had no entry for the test; there is then no `comparison`. */
  readonly missing?: true
  /** Present when the call compared (not in update mode, nor with a missing baseline). */
  readonly comparison?: BaselineComparison
  /** Per span key, what the measured runs did, in every mode. */
  readonly operations?: Readonly<Record<string, OperationFigures>>
  /** Where the baseline was recorded (when there was one) and where this run measured. */
  readonly environment?: ResultEnvironment
}

/** One row of the run's slowest operations: a span key by its current median duration. */
export interface SlowOperation {
  readonly key: string
  /** Median summed duration per run now, ms. */
  readonly medianMs: number
  /**
   * Median summed duration per run in the baseline, ms. Absent when the test recorded its
   * baseline, had none, or the key is not in it (new, or durations not compared).
   */
  readonly baselineMedianMs?: number
  /** The test that measured it (the slowest one, when several tests measured the key). */
  readonly test: string
  readonly module: string
}

/** One row of the run's error rates: a span key whose spans ended with status ERROR. */
export interface OperationErrorRate {
  readonly key: string
  /** Spans with this key, summed over the measured runs of every test that measured it. */
  readonly spans: number
  /** Of those, spans with status ERROR. */
  readonly errors: number
  /** `errors / spans`, from 0 to 1. */
  readonly rate: number
}

/** Counts over every `toMatchBaseline` call of the run. */
export interface ReportSummary {
  readonly compared: number
  /** Comparisons with a failure (a hard structural change, or a gated "slower" key). */
  readonly failed: number
  /** Comparisons whose duration verdicts did not gate (baseline from another environment). */
  readonly advisory: number
  readonly recorded: number
  /** Calls whose test had no recorded baseline (they failed; `vitest -u` records one). */
  readonly missing: number
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
  /** Span keys with at least one error, highest error rate first. */
  readonly errorRates: readonly OperationErrorRate[]
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
  return findProblem(BASELINE_TASK_META_SCHEMA, value) === undefined
}

/**
 * Adds the summary counts, the slowest operations and the error rates to the run's results.
 *
 * @example
 * ```ts
 * const report = buildBaselineReport([{ module: 'orders.spec.ts', test: 'reads once', testState: 'passed',
 *   baselineFile: '__baselines__/orders.spec.ts.json', recorded: true }])
 * report.summary // { compared: 0, failed: 0, advisory: 0, recorded: 1, missing: 0 }
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
      missing: results.filter((r) => r.missing === true).length,
    },
    results,
    slowest: slowestOperations(results, SLOWEST_OPERATIONS),
    errorRates: errorRatesByOperation(results),
  }
}

/**
 * The `limit` span keys with the highest current median across every `toMatchBaseline` call of the
 * run, whether it compared, recorded or found no baseline. A key measured by several tests counts
 * once, with its slowest median. The figures come from the call's `operations`; for meta of an
 * older tracewright without them, from its duration comparisons.
 *
 * @example
 * ```ts
 * slowestOperations(results, 3).map((o) => `${o.key}: ${o.medianMs} ms`)
 * ```
 */
export function slowestOperations(results: readonly BaselineResult[], limit: number): SlowOperation[] {
  const byKey = new Map<string, SlowOperation>()
  for (const result of results) {
    const durations = result.comparison?.durations ?? []
    const baselineMedians = new Map(durations.map((d) => [d.key, d.comparison.baseMedian]))
    const measured: [string, number][] = result.operations === undefined
      ? durations.map((d) => [d.key, d.comparison.headMedian])
      : Object.entries(result.operations).map(([key, figures]) => [key, figures.medianMs])
    for (const [key, medianMs] of measured) {
      const previous = byKey.get(key)
      if (previous !== undefined && previous.medianMs >= medianMs) continue
      const baselineMedianMs = baselineMedians.get(key)
      byKey.set(key, { key, medianMs, ...(baselineMedianMs === undefined ? {} : { baselineMedianMs }), test: result.test, module: result.module })
    }
  }
  return [...byKey.values()].sort((a, b) => b.medianMs - a.medianMs || a.key.localeCompare(b.key)).slice(0, limit)
}

/**
 * The span keys whose spans ended with status ERROR, across every `toMatchBaseline` call of the
 * run: spans and errors summed over the tests that measured the key, highest error rate first,
 * then most errors, then by key. Keys without errors are left out.
 *
 * @example
 * ```ts
 * errorRatesByOperation(results).map((o) => `${o.key}: ${o.errors}/${o.spans}`)
 * ```
 */
export function errorRatesByOperation(results: readonly BaselineResult[]): OperationErrorRate[] {
  const totals = new Map<string, { spans: number; errors: number }>()
  for (const result of results) {
    for (const [key, { spans, errors }] of Object.entries(result.operations ?? {})) {
      const total = totals.get(key) ?? { spans: 0, errors: 0 }
      totals.set(key, { spans: total.spans + spans, errors: total.errors + errors })
    }
  }
  return [...totals]
    .filter(([, t]) => t.errors > 0 && t.spans > 0)
    .map(([key, t]) => ({ key, spans: t.spans, errors: t.errors, rate: t.errors / t.spans }))
    .sort((a, b) => b.rate - a.rate || b.errors - a.errors || a.key.localeCompare(b.key))
}

/**
 * An error rate as a percentage with one decimal; a rate that would round to 0.0% reads `<0.1%`.
 *
 * @example
 * ```ts
 * formatErrorRate(1 / 3)  // '33.3%'
 * formatErrorRate(1 / 5000) // '<0.1%'
 * ```
 */
export function formatErrorRate(rate: number): string {
  const percent = (rate * 100).toFixed(1)
  return percent === '0.0' && rate > 0 ? '<0.1%' : `${percent}%`
}

/**
 * The one-line count both formats print.
 *
 * @example
 * ```ts
 * describeSummary({ compared: 1, failed: 1, advisory: 1, recorded: 2, missing: 1 })
 * // '1 compared (1 failed, 1 advisory), 1 missing baseline, 2 recorded'
 * ```
 */
export function describeSummary(summary: ReportSummary): string {
  const notes = [
    ...(summary.failed > 0 ? [`${summary.failed} failed`] : []),
    ...(summary.advisory > 0 ? [`${summary.advisory} advisory`] : []),
  ]
  const nothingElse = summary.recorded === 0 && summary.missing === 0
  const parts = [
    ...(summary.compared > 0 || nothingElse ? [`${summary.compared} compared${notes.length ? ` (${notes.join(', ')})` : ''}`] : []),
    ...(summary.missing > 0 ? [`${summary.missing} missing baseline${summary.missing === 1 ? '' : 's'}`] : []),
    ...(summary.recorded > 0 ? [`${summary.recorded} recorded`] : []),
  ]
  return parts.join(', ')
}

/**
 * What both formats say about a call whose baseline file had no entry for its test; `code` marks
 * up the command and the path (the markdown report passes its code spans).
 *
 * @example
 * ```ts
 * describeMissing('__baselines__/orders.spec.ts.json') // 'no baseline recorded: run vitest -u to record it in __baselines__/orders.spec.ts.json'
 * ```
 */
export function describeMissing(baselineFile: string, code: (text: string) => string = (text) => text, updateCommand = 'vitest -u'): string {
  return `no baseline recorded: run ${code(updateCommand)} to record it in ${code(baselineFile)}`
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
 * What the slowest-operations figures are, for the caption both formats print.
 *
 * @example
 * ```ts
 * lines.push(`Slowest operations (${SLOWEST_CAPTION})`)
 * ```
 */
export const SLOWEST_CAPTION = 'median summed duration per run, children included, across the measured tests'

/**
 * What the error-rate figures are, for the caption both formats print.
 *
 * @example
 * ```ts
 * lines.push(`Error rate by operation (${ERROR_RATE_CAPTION})`)
 * ```
 */
export const ERROR_RATE_CAPTION = 'spans with status ERROR, summed over the measured runs of every test'

const ENVIRONMENT_LABELS: Readonly<Record<keyof EnvironmentFingerprint, string>> = { cpu: 'CPU', cores: 'cores', node: 'Node', os: 'OS' }

/**
 * How the baseline's environment differs from this run's, one `label baseline → now` per field
 * that differs; empty when they are the same or the baseline's is unknown.
 *
 * @example
 * ```ts
 * describeEnvironmentChanges({ baseline: { ...env, node: 'v22.12.0' }, current: { ...env, node: 'v24.1.0' } })
 * // ['Node v22.12.0 → v24.1.0']
 * ```
 */
export function describeEnvironmentChanges(environment: ResultEnvironment | undefined): string[] {
  const { baseline, current } = environment ?? {}
  if (baseline === undefined || current === undefined) return []
  return (Object.keys(ENVIRONMENT_LABELS) as (keyof EnvironmentFingerprint)[])
    .filter((field) => baseline[field] !== current[field])
    .map((field) => {
      // A CPU model is free text with spaces: quoted, it reads as one value.
      const show = (value: string | number): string => (field === 'cpu' ? JSON.stringify(value) : String(value))
      return `${ENVIRONMENT_LABELS[field]} ${show(baseline[field])} → ${show(current[field])}`
    })
}

/**
 * The note both formats print under an advisory comparison, naming what differed between the
 * baseline's environment and this run's when the meta says.
 *
 * @example
 * ```ts
 * if (result.comparison?.advisory) lines.push(advisoryNote(result.environment))
 * // 'Duration verdicts are advisory: the baseline was recorded in another environment (baseline → this run: cores 8 → 4), so …'
 * ```
 */
export function advisoryNote(environment: ResultEnvironment | undefined): string {
  const changes = describeEnvironmentChanges(environment)
  const which = changes.length > 0 ? `baseline → this run: ${changes.join('; ')}` : 'CPU, cores, Node version or OS'
  return `Duration verdicts are advisory: the baseline was recorded in another environment (${which}), ` +
    'so "slower" does not fail the test. Pass { strict: true } to gate on them anyway; a same-job A/B comparison is the trustworthy one.'
}
