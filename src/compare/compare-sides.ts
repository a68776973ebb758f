import { compareKeys } from '../baseline/compare-keys.js'
import type { AttributeChange, ComparisonSummary, ScenarioComparison, SideSamples } from './types.js'

/** How {@link compareSides} decides. */
export interface SideComparisonOptions {
  /** base run i and head run i were measured in the same round. */
  readonly paired: boolean
  /** Smallest relative change reported as slower or faster (0.1 = 10%). */
  readonly minRelativeEffect: number
  readonly minAbsoluteEffectMs: number
  /** Chance of any false "slower" in the scenario; split between its keys. */
  readonly alpha: number
  readonly seed: number
  /** Structural and attribute changes fail the scenario. */
  readonly failOnStructure: boolean
  /** Duration verdicts are reported but do not fail (stored results from different machines). */
  readonly advisory: boolean
  /** Judge these quantiles of each key's durations (see `compareSamples`). Default: the median. */
  readonly quantiles?: readonly number[]
}

/**
 * Compares what two versions did in one scenario. Structure is exact: a key only one side has,
 * or whose spans per run (the median over runs) differ, is a structural change, and so is a
 * behaviour attribute value (a new SQL statement, a new downstream host) only one side has.
 * Keys go through {@link compareKeys}, the core baselines use too: durations of keys both sides
 * have are compared, paired when the runs were interleaved rounds, with `alpha` split between the
 * keys so that a scenario with many spans does not raise more false alarms than one with few.
 *
 * @example
 * ```ts
 * const result = compareSides('get order', baseSide, headSide, { paired: true, minRelativeEffect: 0.1,
 *   minAbsoluteEffectMs: 1, alpha: 0.01, seed: 1, failOnStructure: false, advisory: false })
 * result.durations.filter((d) => d.comparison.verdict === 'slower')
 * ```
 */
export function compareSides(name: string, base: SideSamples, head: SideSamples, options: SideComparisonOptions): ScenarioComparison {
  const { structure, durations, attribution } = compareKeys(base.keys, head.keys, {
    paired: options.paired,
    ...(options.quantiles === undefined ? {} : { quantiles: options.quantiles }),
    minRelativeEffect: options.minRelativeEffect,
    minAbsoluteEffectMs: options.minAbsoluteEffectMs,
    alpha: options.alpha,
    seed: options.seed,
  })
  const keys = [...new Set([...Object.keys(base.keys), ...Object.keys(head.keys)])].sort()
  const attributes = compareBehaviour(keys, base, head)
  const failures = new Set<string>()
  if (options.failOnStructure) {
    for (const change of structure) failures.add(change.key)
    for (const change of attributes) failures.add(change.key)
  }
  if (!options.advisory) {
    for (const d of durations) if (d.comparison.verdict === 'slower') failures.add(d.key)
  }
  return {
    name,
    structure,
    attributes,
    durations,
    attribution,
    advisory: options.advisory,
    failures: [...failures].sort(),
    samples: { base, head },
  }
}

// Only sides that recorded behaviour (live runs, reports) are compared on it: a baseline file
// has none, and comparing against nothing would call every value new.
function compareBehaviour(keys: readonly string[], base: SideSamples, head: SideSamples): AttributeChange[] {
  const recorded = (side: SideSamples): boolean => Object.values(side.keys).some((k) => k.behaviour !== undefined)
  if (!recorded(base) || !recorded(head)) return []
  const changes: AttributeChange[] = []
  for (const key of keys) {
    const before = base.keys[key]?.behaviour ?? {}
    const after = head.keys[key]?.behaviour ?? {}
    for (const attribute of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const was = new Set(before[attribute] ?? [])
      const now = new Set(after[attribute] ?? [])
      for (const value of now) if (!was.has(value)) changes.push({ key, attribute, change: 'added', value })
      for (const value of was) if (!now.has(value)) changes.push({ key, attribute, change: 'removed', value })
    }
  }
  return changes
}

/**
 * Counts verdicts and changes over every scenario, and decides whether the comparison found a
 * regression (any scenario with a failure).
 *
 * @example
 * ```ts
 * const summary = summariseScenarios(scenarios, [])
 * if (summary.regression) process.exitCode = 1
 * ```
 */
export function summariseScenarios(scenarios: readonly ScenarioComparison[], unmatched: readonly string[]): ComparisonSummary {
  const verdicts = scenarios.flatMap((s) => s.durations.map((d) => d.comparison.verdict))
  const count = (verdict: string): number => verdicts.filter((v) => v === verdict).length
  return {
    scenarios: scenarios.length,
    keys: scenarios.reduce((n, s) => n + new Set([...Object.keys(s.samples.base.keys), ...Object.keys(s.samples.head.keys)]).size, 0),
    slower: count('slower'),
    faster: count('faster'),
    unchanged: count('unchanged'),
    inconclusive: count('inconclusive'),
    structuralChanges: scenarios.reduce((n, s) => n + s.structure.length, 0),
    attributeChanges: scenarios.reduce((n, s) => n + s.attributes.length, 0),
    regression: scenarios.some((s) => s.failures.length > 0),
    unmatched,
  }
}
