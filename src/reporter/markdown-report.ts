import { DURATION_TABLE_HEADER, durationRowCells, formatStructure } from '../baseline/format-comparison.js'
import type { BaselineComparison, KeyDuration } from '../baseline/compare-baseline.js'
import { formatMs } from '../model/render-trace.js'
import { advisoryNote, describeFindings, describeMissing, describeSummary, ERROR_RATE_CAPTION, formatErrorRate, SLOWEST_CAPTION } from './baseline-report.js'
import type { BaselineReport, BaselineResult } from './baseline-report.js'

/**
 * The report as GitHub-flavoured markdown, for `$GITHUB_STEP_SUMMARY`: the same content as the
 * terminal report, with tables that render as tables and structural changes as a diff.
 *
 * @example
 * ```ts
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, formatMarkdownReport(report))
 * ```
 */
export function formatMarkdownReport(report: BaselineReport): string {
  const blocks = ['## tracewright baselines', escapeMarkdown(describeSummary(report.summary))]
  for (const result of report.results) {
    if (result.comparison !== undefined) blocks.push(...comparedBlocks(result, result.comparison))
  }
  const missing = report.results.filter((r) => r.missing === true)
  if (missing.length > 0) {
    blocks.push('### Missing baselines', missing.map((r) => `- ✗ ${escapeMarkdown(title(r))}: ${describeMissing(r.baselineFile, codeSpan)}`).join('\n'))
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
      ['left', 'right', 'right', 'right', 'right', 'left'],
      comparison.durations.map((d) => durationCells(d, comparison.advisory)),
    ))
    const advice = comparison.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
    if (advice !== undefined) blocks.push(escapeMarkdown(advice))
  }
  if (comparison.structure.length > 0) {
    blocks.push('Structure (spans per run):', codeBlock('diff', formatStructure(comparison).map((line) => line.trimStart())))
  }
  if (comparison.advisory) blocks.push(`> ${escapeMarkdown(advisoryNote(result.environment))}`)
  return blocks
}

function durationCells(duration: KeyDuration, advisory: boolean): string[] {
  const [key, baseline, current, ratio, ci, verdict] = durationRowCells(duration)
  // A gated "slower" is what failed the test: make it stand out.
  return [escapeMarkdown(key), baseline, current, ratio, ci, verdict === 'slower' && !advisory ? '**slower**' : verdict]
}

function title(result: Pick<BaselineResult, 'module' | 'test'>): string {
  return `${result.module} > ${result.test}`
}

/**
 * Escapes text for a markdown paragraph or table cell: a `|` in a span key must not split the
 * cell, and a name like `render <Report>` or `a_b_c` must read as written, not as HTML or
 * emphasis. Line breaks become spaces, since a table row is one line.
 *
 * @example
 * ```ts
 * escapeMarkdown('orders | SELECT items | GET /orders/:id') // 'orders \\| SELECT items \\| GET /orders/:id'
 * ```
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~#&]/g, '\\$&').replace(/\r\n|\r|\n/g, ' ')
}

type Align = 'left' | 'right'

/**
 * A GitHub-flavoured markdown table of cells that are already markdown: escape text with
 * {@link escapeMarkdown} first.
 *
 * @example
 * ```ts
 * markdownTable(['key', 'ms'], ['left', 'right'], [[escapeMarkdown('a | b'), '1.00 ms']])
 * // '| key | ms |\n| :-- | --: |\n| a \\| b | 1.00 ms |'
 * ```
 */
export function markdownTable(header: readonly string[], align: readonly Align[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (align[i] === 'right' ? '--:' : ':--'))), ...rows.map(line)].join('\n')
}

/**
 * An inline code span (outside tables: a `|` in it would still split a cell): its delimiter is
 * longer than any backtick run inside.
 *
 * @example
 * ```ts
 * codeSpan('__baselines__/a.json') // '`__baselines__/a.json`'
 * codeSpan('a`b')                  // '``a`b``'
 * ```
 */
export function codeSpan(text: string): string {
  const delimiter = '`'.repeat(longestBacktickRun([text]) + 1)
  const padded = text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text
  return `${delimiter}${padded}${delimiter}`
}

/**
 * A fenced code block whose fence is longer than any backtick run inside it.
 *
 * @example
 * ```ts
 * codeBlock('diff', ['+ orders | SELECT items | GET /orders/:id: 0 → 1 per run (new)'])
 * ```
 */
export function codeBlock(language: string, lines: readonly string[]): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(lines) + 1))
  return [`${fence}${language}`, ...lines, fence].join('\n')
}

function longestBacktickRun(texts: readonly string[]): number {
  return Math.max(0, ...texts.flatMap((text) => (text.match(/`+/g) ?? []).map((run) => run.length)))
}
