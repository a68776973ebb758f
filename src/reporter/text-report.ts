import { styleText } from 'node:util'
import { formatDurationTable, formatStructure } from '../baseline/format-comparison.js'
import type { BaselineComparison } from '../baseline/compare-baseline.js'
import type { Verdict } from '../baseline/statistics.js'
import { formatMs } from '../model/render-trace.js'
import { ADVISORY_NOTE, describeFindings, describeSummary } from './baseline-report.js'
import type { BaselineReport, BaselineResult, SlowOperation } from './baseline-report.js'

type Style = Parameters<typeof styleText>[0]

/** Options of {@link formatTextReport}. */
export interface TextReportOptions {
  /** Use ANSI colours. Default false. */
  readonly colors?: boolean
}

/**
 * The terminal report: a block per `toMatchBaseline` call (its duration table, structural changes
 * and whether its verdicts were advisory), a line per recorded baseline, the slowest operations,
 * and the counts.
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
    lines.push('', ...(result.comparison === undefined ? recordedLines(result, paint) : comparedLines(result, result.comparison, paint)))
  }
  if (report.slowest.length > 0) {
    lines.push('', paint('bold', 'Slowest operations') + ' (current median duration per run, across the compared tests)', ...slowestTable(report.slowest))
  }
  return lines.join('\n')
}

function recordedLines(result: BaselineResult, paint: (style: Style, text: string) => string): string[] {
  return [`${paint('cyan', '●')} ${title(result)}`, `  recorded the baseline in ${result.baselineFile} (update mode)`]
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
      return verdict === undefined || !line.endsWith(verdict)
        ? `  ${line}`
        : `  ${line.slice(0, -verdict.length)}${paint(verdictStyle(verdict, comparison.advisory), verdict)}`
    })
    lines.push('  Durations:', ...rows)
  }
  if (comparison.advisory) lines.push(`  ${paint('yellow', ADVISORY_NOTE)}`)
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

function slowestTable(slowest: readonly SlowOperation[]): string[] {
  const header = ['span key', 'current p50', 'baseline p50', 'test']
  const rows = slowest.map((o) => [o.key, formatMs(o.medianMs), formatMs(o.baselineMedianMs), title(o)])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = new Set([1, 2])
  return [header, ...rows].map((cells) => `  ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()}`)
}
