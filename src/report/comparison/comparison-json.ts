import type { ComparisonReport } from '../../compare/types.js'

/**
 * The comparison as the JSON report: the {@link ComparisonReport} as is, indented, with a
 * `schemaVersion` (docs/compare.md documents the shape). `tracewright compare --base-file` reads
 * it back, so a stored report can be one side of a later comparison.
 *
 * @example
 * ```ts
 * writeFileSync('comparison.json', formatComparisonJson(report))
 * ```
 */
export function formatComparisonJson(report: ComparisonReport): string {
  // Infinite ratios (a span that took 0 ms before) have no JSON spelling; null says "unbounded".
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`
}
