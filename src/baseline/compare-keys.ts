import { attributeCriticalPath, isEntryKey } from './attribution.js'
import type { CriticalPathAttribution } from './attribution.js'
import { compareSamples } from './statistics.js'
import type { CompareOptions, Comparison } from './statistics.js'

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

/**
 * One side's figures for one span key: spans per run (the median over runs; 0 counts as absent,
 * so a key seen in fewer than half the runs does not flip between "added" and "removed") and the
 * durations measured. A baseline file's key and a compare side's key both have this shape.
 */
export interface KeyFigures {
  readonly count: number
  readonly durationMs: readonly number[]
  /** Time on the critical path per run, ms, for attribution (absent in older files). */
  readonly criticalMs?: readonly number[]
}

/** How {@link compareKeys} decides; the statistics options go to {@link compareSamples} as they are. */
export interface KeyComparisonOptions extends Omit<CompareOptions, 'alpha'> {
  /** Chance of any false "slower" across all keys compared (split between them). */
  readonly alpha: number
  /** Compare durations (default true); structure is always compared. */
  readonly durations?: boolean
  /** Keys whose presence and count may vary: their changes are marked `allowed`. */
  readonly allowed?: (key: string) => boolean
}

/** What {@link compareKeys} found, keys in sorted order. */
export interface KeyComparison {
  readonly structure: readonly StructureChange[]
  readonly durations: readonly KeyDuration[]
  /**
   * For each entry span (a trace root) that got slower or faster: which spans of its critical
   * path explain it, and which run more or less often. Empty when no entry span changed.
   */
  readonly attribution: readonly CriticalPathAttribution[]
}

/**
 * The one comparison of two sides span key by span key, shared by baselines and `tracewright
 * compare`. Over the union of keys: a key only one side has, or whose spans per run differ, is a
 * structure change; a key both sides timed gets a duration verdict from {@link compareSamples}.
 * An entry span that got slower or faster is explained from the critical path of each side
 * ({@link attributeCriticalPath}).
 *
 * One test per key: at 1% each, twenty unchanged keys would raise a false alarm in one build of
 * six, so `alpha` is split evenly between the keys actually tested (Bonferroni), which keeps the
 * chance of any false "slower" at `alpha`.
 *
 * @example
 * ```ts
 * compareKeys(baseline.keys, { 'orders | GET /orders/:id': { count: 1, durationMs: [12, 13] } }, { alpha: 0.01 })
 * ```
 */
export function compareKeys(
  base: Readonly<Record<string, KeyFigures>>,
  head: Readonly<Record<string, KeyFigures>>,
  options: KeyComparisonOptions,
): KeyComparison {
  const { alpha, durations: timing = true, allowed = () => false, ...statistics } = options
  const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort()
  const present = (side: Readonly<Record<string, KeyFigures>>, key: string): KeyFigures | undefined => {
    const figures = side[key]
    return figures !== undefined && figures.count > 0 ? figures : undefined
  }
  const timed = keys.filter((key) => {
    const before = present(base, key)
    const after = present(head, key)
    return timing && before !== undefined && after !== undefined && before.durationMs.length > 0 && after.durationMs.length > 0
  })
  const compareOptions: CompareOptions = { ...statistics, alpha: alpha / Math.max(1, timed.length) }
  const structure: StructureChange[] = []
  for (const key of keys) {
    const before = present(base, key)?.count ?? 0
    const after = present(head, key)?.count ?? 0
    if (before === after) continue
    const change = before === 0 ? 'added' : after === 0 ? 'removed' : 'count'
    structure.push({ key, change, before, after, allowed: allowed(key) })
  }
  const durations = timed.map((key): KeyDuration => ({
    key,
    comparison: compareSamples((base[key] as KeyFigures).durationMs, (head[key] as KeyFigures).durationMs, compareOptions),
  }))
  const attribution = durations
    .filter((d) => isEntryKey(d.key) && (d.comparison.verdict === 'slower' || d.comparison.verdict === 'faster'))
    .map((d) => attributeCriticalPath(base, head, d.key))
    .filter((a): a is CriticalPathAttribution => a !== undefined)
  return { structure, durations, attribution }
}
