import type { EnvironmentFingerprint } from './baseline-file.js'
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
