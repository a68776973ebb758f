import { compareSamples, DECISION_DEFAULTS, median } from './statistics.js'
import type { CompareOptions, Comparison } from './statistics.js'
import { MAX_SAMPLES_PER_KEY, roundMs, sameEnvironment } from './baseline-file.js'
import type { BaselineEntry, BaselineKey, EnvironmentFingerprint } from './baseline-file.js'
import type { TraceSamples } from './trace-samples.js'

/** A difference in what the service does: a key that appeared, disappeared or changed its count. */
export interface StructureChange {
  readonly key: string
  readonly change: 'added' | 'removed' | 'count'
  /** Spans per run in the baseline (0 when added). */
  readonly before: number
  /** Spans per run now (0 when removed). */
  readonly after: number
  /** The key is listed in `allowVarying`: reported, not failed. */
  readonly allowed: boolean
}

/** One key's duration comparison. */
export interface KeyDuration {
  readonly key: string
  readonly comparison: Comparison
}

const DEFAULT_ALPHA = DECISION_DEFAULTS.alpha

export interface BaselineComparisonOptions extends Pick<CompareOptions, 'minRelativeEffect' | 'minAbsoluteEffectMs'> {
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
  /** The baseline came from another environment and `strict` is off: duration verdicts do not fail. */
  readonly advisory: boolean
  /** Keys gated hard that changed, and (unless advisory) keys that got slower. */
  readonly failures: readonly string[]
}

/** Builds the entry `vitest -u` records for these samples. */
export function toBaselineEntry(samples: TraceSamples, environment: EnvironmentFingerprint): BaselineEntry {
  const keys: Record<string, BaselineKey> = {}
  for (const [key, s] of samples.entries()) {
    keys[key] = {
      count: Math.round(median(s.count)),
      durationMs: s.totalMs.slice(-MAX_SAMPLES_PER_KEY).map(roundMs),
      selfMs: s.selfMs.slice(-MAX_SAMPLES_PER_KEY).map(roundMs),
    }
  }
  return { runs: samples.runs, environment, keys }
}

/**
 * Compares samples with a recorded baseline. Counts and structure are exact: a key that appears,
 * disappears or changes its count per run fails. Durations go through {@link compareSamples}
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
  const structure: StructureChange[] = []
  const durations: KeyDuration[] = []
  const keys = new Set([...Object.keys(baseline.keys), ...samples.keys()])
  // One test per key: at 1% each, twenty unchanged keys would raise a false alarm in one build of
  // six. Bonferroni keeps the chance of any false "slower" per test at alpha.
  const comparedKeys = [...keys].filter((k) => (baseline.keys[k]?.count ?? 0) > 0 && samples.get(k) !== undefined).length
  const alpha = (options.alpha ?? DEFAULT_ALPHA) / Math.max(1, comparedKeys)
  for (const key of [...keys].sort()) {
    // A key present in fewer than half the runs has a median count of 0: on either side it counts
    // as absent, so a rare key does not flip between "added" and "removed 0 → 0".
    const recorded = baseline.keys[key]
    const before = recorded !== undefined && recorded.count > 0 ? recorded : undefined
    const now = samples.get(key)
    const afterCount = now ? Math.round(median(now.count)) : 0
    if (before === undefined) {
      if (afterCount > 0) structure.push({ key, change: 'added', before: 0, after: afterCount, allowed: allowed(key) })
      continue
    }
    if (now === undefined || afterCount === 0) {
      structure.push({ key, change: 'removed', before: before.count, after: 0, allowed: allowed(key) })
      continue
    }
    if (before.count !== afterCount) {
      structure.push({ key, change: 'count', before: before.count, after: afterCount, allowed: allowed(key) })
    }
    if (options.durations !== false && before.durationMs.length > 0) {
      const compareOptions: CompareOptions = {
        ...(options.minRelativeEffect === undefined ? {} : { minRelativeEffect: options.minRelativeEffect }),
        ...(options.minAbsoluteEffectMs === undefined ? {} : { minAbsoluteEffectMs: options.minAbsoluteEffectMs }),
        alpha,
      }
      durations.push({ key, comparison: compareSamples(before.durationMs, now.totalMs, compareOptions) })
    }
  }
  const advisory = !sameEnvironment(baseline.environment, environment) && options.strict !== true
  const failures = [
    ...structure.filter((c) => !c.allowed).map((c) => c.key),
    ...(advisory ? [] : durations.filter((d) => d.comparison.verdict === 'slower').map((d) => d.key)),
  ]
  return { structure, durations, advisory, failures }
}
