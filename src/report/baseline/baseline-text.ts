import { styleText } from 'node:util'
import { formatDurationTable, formatStructure } from '../comparison-tables.js'
import type { BaselineComparison } from '../../baseline/compare-baseline.js'
import type { Verdict } from '../../baseline/statistics.js'
import { formatMs } from '../../model/render-trace.js'
import { textTable } from '../text-table.js'
import { advisoryNote, describeFindings, describeMissing, describeSummary, ERROR_RATE_CAPTION, formatErrorRate, SLOWEST_CAPTION } from './baseline-report.js'
import type { BaselineReport, BaselineResult, OperationErrorRate, SlowOperation } from './baseline-report.js'

type Style = Parameters<typeof styleText>[0]

/** Options of {@link formatTextReport}. */
export interface TextReportOptions {
  /** Use ANSI colours. Default false. */
  readonly colors?: boolean
  /** The runner's command that records baselines, for missing ones. Default `vitest -u`. */
  readonly updateCommand?: string
}

/**
 * The terminal report: the counts, a block per comparing `toMatchBaseline` call (its duration
 * table, structural changes and whether its verdicts were advisory, and why), a line per test
 * without a baseline and per recorded baseline, the slowest operations, and the error rate by
 * operation.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatTextReport(report, { colors: process.stdout.isTTY })}\n`)
 * ```
 */
export function formatTextReport(report: BaselineReport, options: TextReportOptions = {}): string {
  const paint = (style: Style, text: string): string => (options.colors === true ? styleText(style, text, { validateStream: false }) : text)
  const lines = ['', `${paint('bold', 'tracewright baselines')}  ${describeSummary(report.summary)}`]
  for (const result of report.results) {
    if (result.comparison !== undefined) lines.push('', ...comparedLines(result, result.comparison, paint))
  }
  const missing = report.results.filter((r) => r.missing === true)
  if (missing.length > 0) {
    lines.push('', paint('bold', 'Missing baselines'), ...missing.map((r) => `  ${paint('red', '✗')} ${title(r)}: ${describeMissing(r.baselineFile, undefined, options.updateCommand)}`))
  }
  const recorded = report.results.filter((r) => r.recorded)
  if (recorded.length > 0) {
    lines.push('', `${paint('bold', 'Recorded')} (update mode)`, ...recorded.map((r) => `  ${paint('cyan', '●')} ${title(r)}: recorded the baseline in ${r.baselineFile}`))
  }
  if (report.slowest.length > 0) {
    lines.push('', `${paint('bold', 'Slowest operations')} (${SLOWEST_CAPTION})`, ...slowestTable(report.slowest))
  }
  if (report.errorRates.length > 0) {
    lines.push('', `${paint('bold', 'Error rate by operation')} (${ERROR_RATE_CAPTION})`, ...errorRateTable(report.errorRates))
  }
  return lines.join('\n')
}

function comparedLines(result: BaselineResult, comparison: BaselineComparison, paint: (style: Style, text: string) => string): string[] {
  const failed = comparison.failures.length > 0
  const lines = [
    `${failed ? paint('red', '✗') : paint('green', '✓')} ${title(result)}`,
    `  against ${result.baselineFile}: ${describeFindings(comparison)}`,
  ]
  if (comparison.structure.length > 0) {
    const changes = formatStructure(comparison).map((line, i) => `  ${paint(comparison.structure[i]?.allowed ? 'dim' : 'red', line)}`)
    lines.push('  Structure (spans per run):', ...changes)
  }
  const table = formatDurationTable(comparison)
  if (table.length > 0) {
    // Row i + 1 of the table is durations[i]; its last cell is the verdict.
    const rows = table.map((line, i) => {
      const verdict = i >= 1 ? comparison.durations[i - 1]?.comparison.verdict : undefined
      if (line === '') return line
      return verdict === undefined || !line.endsWith(verdict)
        ? `  ${line}`
        : `  ${line.slice(0, -verdict.length)}${paint(verdictStyle(verdict, comparison.advisory), verdict)}`
    })
    lines.push('  Durations:', ...rows)
  }
  if (comparison.advisory) lines.push(`  ${paint('yellow', advisoryNote(result.environment))}`)
  return lines
}

function verdictStyle(verdict: Verdict, advisory: boolean): Style {
  if (verdict === 'slower') return advisory ? 'yellow' : 'red'
  if (verdict === 'faster') return 'green'
  if (verdict === 'inconclusive') return 'yellow'
  return 'dim'
}

function title(result: Pick<BaselineResult, 'module' | 'test'>): string {
  return `${result.module} > ${result.test}`
}

// The baseline column only when some key has a baseline median: an update-mode run has none.
function slowestTable(slowest: readonly SlowOperation[]): string[] {
  const withBaseline = slowest.some((o) => o.baselineMedianMs !== undefined)
  const header = ['span key', 'current p50', ...(withBaseline ? ['baseline p50'] : []), 'test']
  const rows = slowest.map((o) => [
    o.key,
    formatMs(o.medianMs),
    ...(withBaseline ? [o.baselineMedianMs === undefined ? '—' : formatMs(o.baselineMedianMs)] : []),
    title(o),
  ])
  return textTable(header, ['left', 'right', ...(withBaseline ? ['right' as const] : []), 'left'], rows)
}

function errorRateTable(errorRates: readonly OperationErrorRate[]): string[] {
  const header = ['span key', 'spans', 'errors', 'error rate']
  const rows = errorRates.map((o) => [o.key, String(o.spans), String(o.errors), formatErrorRate(o.rate)])
  return textTable(header, ['left', 'right', 'right', 'right'], rows)
}
