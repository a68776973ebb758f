import { compareKeys } from './compare-keys.js'
import type { KeyDuration, KeyFigures, StructureChange } from './compare-keys.js'
import { DECISION_DEFAULTS, median, quantileMinSamples } from './statistics.js'
import type { CompareOptions } from './statistics.js'
import { MAX_SAMPLES_PER_KEY, roundMs, sameEnvironment } from './baseline-file.js'
import type { BaselineEntry, BaselineKey, EnvironmentFingerprint } from './baseline-file.js'
import type { TraceSamples } from './trace-samples.js'

export type { KeyDuration, StructureChange } from './compare-keys.js'
export type { CriticalPathAttribution } from './attribution.js'
import type { CriticalPathAttribution } from './attribution.js'

const DEFAULT_ALPHA = DECISION_DEFAULTS.alpha

export interface BaselineComparisonOptions extends Pick<CompareOptions, 'minRelativeEffect' | 'minAbsoluteEffectMs' | 'quantiles'> {
  /** Chance of any false "slower" across all keys of the test (split between keys). Default 0.01. */
  readonly alpha?: number
  /** Keys whose presence and count may vary (substring of the key, or a RegExp). */
  readonly allowVarying?: readonly (string | RegExp)[]
  /** Fail on a slower duration even when the baseline was recorded on another machine. */
  readonly strict?: boolean
  /** Compare durations (default true); counts and structure are always compared. */
  readonly durations?: boolean
}

export interface BaselineComparison {
  readonly structure: readonly StructureChange[]
  readonly durations: readonly KeyDuration[]
  /**
   * Entry spans that got slower or faster, explained from the critical path of each side.
   * Absent from results of older tracewright versions.
   */
  readonly attribution?: readonly CriticalPathAttribution[]
  /** The baseline came from another environment and `strict` is off: duration verdicts do not fail. */
  readonly advisory: boolean
  /** Keys gated hard that changed, and (unless advisory) keys that got slower. */
  readonly failures: readonly string[]
}

/**
 * How many samples per key a baseline keeps so that the quantiles asked can be judged against it:
 * 30 for the median, more for a tail (p90 36, p99 368; see `quantileMinSamples`).
 *
 * @example
 * ```ts
 * samplesToKeep([0.5, 0.99]) // 368
 * ```
 */
export function samplesToKeep(quantiles: readonly number[] | undefined): number {
  const confidence = DECISION_DEFAULTS.confidence
  return Math.max(MAX_SAMPLES_PER_KEY, ...(quantiles ?? []).map((q) => quantileMinSamples(q, confidence)))
}

/**
 * Builds the entry `vitest -u` records for these samples, keeping the last `keep` runs of each
 * key (default 30; see {@link samplesToKeep}).
 */
export function toBaselineEntry(samples: TraceSamples, environment: EnvironmentFingerprint, keep: number = MAX_SAMPLES_PER_KEY): BaselineEntry {
  const keys: Record<string, BaselineKey> = {}
  for (const [key, s] of samples.entries()) {
    keys[key] = {
      count: Math.round(median(s.count)),
      durationMs: s.totalMs.slice(-keep).map(roundMs),
      selfMs: s.selfMs.slice(-keep).map(roundMs),
      criticalMs: s.criticalMs.slice(-keep).map(roundMs),
    }
  }
  return { runs: samples.runs, environment, keys }
}

/**
 * Compares samples with a recorded baseline. Counts and structure are exact: a key that appears,
 * disappears or changes its count per run fails. Both go through {@link compareKeys}; durations
 * (unpaired: the baseline was recorded in another run) and fail only on a "slower" verdict, and
 * only when the baseline comes from the same environment or `strict` is set.
 */
export function compareWithBaseline(
  baseline: BaselineEntry,
  samples: TraceSamples,
  environment: EnvironmentFingerprint,
  options: BaselineComparisonOptions = {},
): BaselineComparison {
  const allowed = (key: string): boolean => (options.allowVarying ?? []).some((p) => (typeof p === 'string' ? key.includes(p) : (p.lastIndex = 0, p.test(key))))
  const now: Record<string, KeyFigures> = {}
  for (const [key, s] of samples.entries()) now[key] = { count: Math.round(median(s.count)), durationMs: s.totalMs, criticalMs: s.criticalMs }
  const { structure, durations, attribution } = compareKeys(baseline.keys, now, {
    ...(options.minRelativeEffect === undefined ? {} : { minRelativeEffect: options.minRelativeEffect }),
    ...(options.minAbsoluteEffectMs === undefined ? {} : { minAbsoluteEffectMs: options.minAbsoluteEffectMs }),
    ...(options.quantiles === undefined ? {} : { quantiles: options.quantiles }),
    // An adaptive measurement decided at its last look's level; comparing at the full budget
    // again would undo the false-alarm control of the sequential design.
    alpha: samples.sequential?.alpha ?? options.alpha ?? DEFAULT_ALPHA,
    durations: options.durations !== false,
    allowed,
  })
  const advisory = !sameEnvironment(baseline.environment, environment) && options.strict !== true
  const failures = [
    ...structure.filter((c) => !c.allowed).map((c) => c.key),
    ...(advisory ? [] : durations.filter((d) => d.comparison.verdict === 'slower').map((d) => d.key)),
  ]
  return { structure, durations, attribution, advisory, failures }
}
