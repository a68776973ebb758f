import { FINGERPRINT_SCHEMA } from './baseline-file.js'
import type { EnvironmentFingerprint } from './baseline-file.js'
import { array, boolean, both, literal, number, object, optional, record, rule, string } from '../schema.js'
import type { Schema } from '../schema.js'
import type { BaselineComparison } from './compare-baseline.js'

/** Per span key, what the measured runs of one `toMatchBaseline` call did. */
export interface OperationFigures {
  /** Spans with this key, summed over the measured runs. */
  readonly spans: number
  /** Of those, spans with status ERROR. */
  readonly errors: number
  /** Median over the runs of the key's summed duration, ms. */
  readonly medianMs: number
  /** Median over the runs of the key's summed self time, ms. */
  readonly selfMedianMs: number
}

/** The machines of a call: where its baseline was recorded (when it had one) and where it ran. */
export interface ResultEnvironment {
  readonly baseline?: EnvironmentFingerprint
  readonly current: EnvironmentFingerprint
}

/**
 * What one `toMatchBaseline` call leaves on its test (`task.meta.tracewright`), for
 * `tracewright/reporter`: the matcher writes it, the reporter reads it.
 */
export interface BaselineTaskMeta {
  /** Absolute path of the baseline file. */
  readonly file: string
  /** The test's full name: the key of its entry in the baseline file. */
  readonly test: string
  /** True in update mode: the call recorded the baseline instead of comparing. */
  readonly recorded: boolean
  /** The baseline file had no entry for the test: the call failed saying how to record one. */
  readonly missing?: true
  readonly comparison?: BaselineComparison
  /** Per span key, what the measured runs did. Absent from the meta of older tracewright versions. */
  readonly operations?: Readonly<Record<string, OperationFigures>>
  readonly environment?: ResultEnvironment
}

const STRUCTURE_CHANGE = object({ key: string, change: string, before: number, after: number, allowed: boolean })

// Only what the formats read; Infinity is a number here (structured clone keeps it).
const KEY_DURATION = object({
  key: string,
  comparison: object({
    verdict: string,
    ratio: number,
    baseMedian: number,
    headMedian: number,
    ci: both(array(number), rule('two bounds', (v) => Array.isArray(v) && v.length === 2)),
    advice: optional(string),
    quantiles: optional(array(object({ quantile: number, verdict: string, judged: boolean, minSamples: number, base: number, head: number, ratio: number }))),
    tail: optional(object({ verdict: string, judged: boolean, minSamples: number, side: string, exceedances: number, needed: number, ratio: number })),
  }),
})

const ATTRIBUTION = object({ key: string, baseMs: number, headMs: number, deltaMs: number, contributions: array(object({ key: string, deltaMs: number })), frequency: array(object({ key: string, before: number, after: number })) })

/**
 * The shape of a {@link BaselineTaskMeta}, checked by the reporter: the meta crossed a process
 * boundary and may come from another tracewright version. A call either recorded, found no
 * baseline (`missing`), or compared.
 */
export const BASELINE_TASK_META_SCHEMA: Schema = both(object({
  file: string,
  test: string,
  recorded: boolean,
  missing: optional(literal(true)),
  comparison: optional(object({ advisory: boolean, failures: array(string), structure: array(STRUCTURE_CHANGE), durations: array(KEY_DURATION), attribution: optional(array(ATTRIBUTION)) })),
  operations: optional(record(object({ spans: number, errors: number, medianMs: number, selfMedianMs: number }))),
  environment: optional(object({ current: FINGERPRINT_SCHEMA, baseline: optional(FINGERPRINT_SCHEMA) })),
}), rule('exactly one of recorded, missing or a comparison', (value) => {
  const entry = value as Partial<BaselineTaskMeta>
  return entry.missing !== undefined ? !entry.recorded && entry.comparison === undefined : entry.comparison !== undefined || entry.recorded === true
}))
