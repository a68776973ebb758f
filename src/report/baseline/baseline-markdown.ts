import { DURATION_TABLE_ALIGN, DURATION_TABLE_HEADER, durationMarkdownCells, formatStructure, quantileAndAttributionMarkdown } from '../comparison-tables.js'
import type { BaselineComparison } from '../../baseline/compare-baseline.js'
import { formatMs } from '../../model/render-trace.js'
import { advisoryNote, describeFindings, describeMissing, describeSummary, ERROR_RATE_CAPTION, formatErrorRate, SLOWEST_CAPTION } from './baseline-report.js'
import type { BaselineReport, BaselineResult } from './baseline-report.js'
import { codeBlock, codeSpan, escapeMarkdown, markdownTable } from '../markdown.js'

/**
 * The report as GitHub-flavoured markdown, for `$GITHUB_STEP_SUMMARY`: the same content as the
 * terminal report, with tables that render as tables and structural changes as a diff.
 *
 * @example
 * ```ts
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, formatMarkdownReport(report))
 * ```
 */
export function formatMarkdownReport(report: BaselineReport, options: { readonly updateCommand?: string } = {}): string {
  const blocks = ['## tracewright baselines', escapeMarkdown(describeSummary(report.summary))]
  for (const result of report.results) {
    if (result.comparison !== undefined) blocks.push(...comparedBlocks(result, result.comparison))
  }
  const missing = report.results.filter((r) => r.missing === true)
  if (missing.length > 0) {
    blocks.push('### Missing baselines', missing.map((r) => `- ✗ ${escapeMarkdown(title(r))}: ${describeMissing(r.baselineFile, codeSpan, options.updateCommand)}`).join('\n'))
  }
  const recorded = report.results.filter((r) => r.recorded)
  if (recorded.length > 0) {
    blocks.push('### Recorded (update mode)', recorded.map((r) => `- ${escapeMarkdown(title(r))}: recorded the baseline in ${codeSpan(r.baselineFile)}`).join('\n'))
  }
  if (report.slowest.length > 0) {
    // The baseline column only when some key has a baseline median: an update-mode run has none.
    const withBaseline = report.slowest.some((o) => o.baselineMedianMs !== undefined)
    blocks.push(
      '### Slowest operations',
      `${capitalise(SLOWEST_CAPTION)}.`,
      markdownTable(
        ['span key', 'current p50', ...(withBaseline ? ['baseline p50'] : []), 'test'],
        ['left', 'right', ...(withBaseline ? ['right' as const] : []), 'left'],
        report.slowest.map((o) => [
          escapeMarkdown(o.key),
          formatMs(o.medianMs),
          ...(withBaseline ? [o.baselineMedianMs === undefined ? '—' : formatMs(o.baselineMedianMs)] : []),
          escapeMarkdown(title(o)),
        ]),
      ),
    )
  }
  if (report.errorRates.length > 0) {
    blocks.push(
      '### Error rate by operation',
      `${capitalise(ERROR_RATE_CAPTION)}.`,
      markdownTable(['span key', 'spans', 'errors', 'error rate'], ['left', 'right', 'right', 'right'],
        report.errorRates.map((o) => [escapeMarkdown(o.key), String(o.spans), String(o.errors), formatErrorRate(o.rate)])),
    )
  }
  return `${blocks.join('\n\n')}\n`
}

function capitalise(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`
}

function comparedBlocks(result: BaselineResult, comparison: BaselineComparison): string[] {
  const failed = comparison.failures.length > 0
  const blocks = [
    `### ${failed ? '✗' : '✓'} ${escapeMarkdown(title(result))}`,
    `Against ${codeSpan(result.baselineFile)}: ${escapeMarkdown(describeFindings(comparison))}`,
  ]
  if (comparison.durations.length > 0) {
    blocks.push(markdownTable(
      DURATION_TABLE_HEADER,
      DURATION_TABLE_ALIGN,
      comparison.durations.map((d) => durationMarkdownCells(d, comparison.advisory)),
    ))
    const advice = comparison.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
    if (advice !== undefined) blocks.push(escapeMarkdown(advice))
    blocks.push(...quantileAndAttributionMarkdown(comparison, 'baseline', 'current'))
  }
  if (comparison.structure.length > 0) {
    blocks.push('Structure (spans per run):', codeBlock('diff', formatStructure(comparison).map((line) => line.trimStart())))
  }
  if (comparison.advisory) blocks.push(`> ${escapeMarkdown(advisoryNote(result.environment))}`)
  return blocks
}

function title(result: Pick<BaselineResult, 'module' | 'test'>): string {
  return `${result.module} > ${result.test}`
}
