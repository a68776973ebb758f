import { attributionLines, DURATION_TABLE_ALIGN, durationRowCells, durationTableHeader, formatStructure, quantileTable } from '../comparison-tables.js'
import { textTable } from '../text-table.js'
import type { Verdict } from '../../baseline/statistics.js'
import type { ComparisonReport, ScenarioComparison } from '../../compare/types.js'
import {
  describeAttributeChange,
  describeOutcome,
  describeScenarioFindings,
  describeSettings,
  describeSide,
  groupAttributeChanges,
} from './describe-comparison.js'

/**
 * Options of {@link formatComparisonText}.
 */
export interface ComparisonTextOptions {
  /** Colour verdicts with ANSI escapes. Default false. */
  readonly color?: boolean
}

const COLORS: Readonly<Record<Verdict | 'bad' | 'good', [number, number]>> = {
  slower: [31, 39],
  bad: [31, 39],
  faster: [32, 39],
  good: [32, 39],
  unchanged: [2, 22],
  inconclusive: [33, 39],
}

/**
 * The comparison as a terminal report: the outcome, then per scenario a table of span keys (base
 * and head medians, the ratio with its 95% interval, the verdict), the structural diff and the
 * behaviour changes.
 *
 * @example
 * ```ts
 * process.stdout.write(formatComparisonText(report, { color: process.stdout.isTTY }))
 * ```
 */
export function formatComparisonText(report: ComparisonReport, options: ComparisonTextOptions = {}): string {
  const paint = (style: keyof typeof COLORS, text: string): string => {
    if (options.color !== true) return text
    const [open, close] = COLORS[style]
    return `\x1b[${open}m${text}\x1b[${close}m`
  }
  const lines = [
    `tracewright compare · ${describeSettings(report)}`,
    `  base: ${describeSide(report.base)}`,
    `  head: ${describeSide(report.head)}`,
  ]
  for (const scenario of report.scenarios) lines.push('', ...scenarioLines(scenario, paint))
  if (report.summary.unmatched.length > 0) lines.push('', `Not compared (only one side has them): ${report.summary.unmatched.join('; ')}`)
  lines.push('', paint(report.summary.regression ? 'bad' : 'good', describeOutcome(report)))
  return `${lines.join('\n')}\n`
}

function scenarioLines(scenario: ScenarioComparison, paint: (style: keyof typeof COLORS, text: string) => string): string[] {
  const failed = scenario.failures.length > 0
  const lines = [`${paint(failed ? 'bad' : 'good', failed ? '✗' : '✓')} ${scenario.name}: ${describeScenarioFindings(scenario)}`]
  if (scenario.durations.length > 0) {
    const table = textTable(durationTableHeader('base', 'head'), DURATION_TABLE_ALIGN, scenario.durations.map(durationRowCells))
    lines.push(table[0] as string, ...table.slice(1).map((line, i) => {
      const verdict = scenario.durations[i]?.comparison.verdict ?? 'unchanged'
      const gated = verdict === 'slower' && scenario.advisory ? 'unchanged' : verdict
      return line.replace(/\S+$/, (v) => paint(gated, v))
    }))
    const quantiles = quantileTable(scenario.durations, 'base', 'head')
    if (quantiles !== undefined) lines.push('  Quantiles:', ...textTable(quantiles.header, quantiles.align, quantiles.rows))
    const advice = scenario.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
    if (advice !== undefined) lines.push(`  Inconclusive keys: ${advice}`)
    lines.push(...attributionLines(scenario).map((line) => `  ${line}`))
  }
  if (scenario.structure.length > 0) lines.push('  Structure (spans per run, base → head):', ...formatStructure(scenario).map((l) => `  ${l}`))
  if (scenario.attributes.length > 0) {
    lines.push('  Behaviour (attribute values only one version has):')
    for (const [key, changes] of groupAttributeChanges(scenario.attributes)) {
      lines.push(`    ${key}`, ...changes.map((c) => `      ${describeAttributeChange(c)}`))
    }
  }
  return lines
}
