import { formatMs } from '../model/render-trace.js'
import { describeAttribution } from '../baseline/attribution.js'
import type { BaselineComparison, KeyDuration } from '../baseline/compare-baseline.js'
import { quantileLabel } from '../baseline/statistics.js'
import type { QuantileComparison, TailComparison } from '../baseline/statistics.js'
import { formatInterval, formatRatio } from './comparison/describe-comparison.js'
import { escapeMarkdown, markdownTable } from './markdown.js'
import { textTable } from './text-table.js'
import type { Align } from './text-table.js'

// The two pieces every comparison shows, a baseline check or `tracewright compare`, in the
// terminal, in markdown and in a failing matcher's message: the structure diff and the duration
// table.

/** `SELECT items: 1 → 12 per run`, `+ new key (3 per run)`, `- removed key (was 1 per run)` */
export function formatStructure(comparison: BaselineComparison): string[] {
  return comparison.structure.map((c) => {
    const note = c.allowed ? '  (allowed to vary)' : ''
    if (c.change === 'added') return `  + ${c.key}: 0 → ${c.after} per run (new)${note}`
    if (c.change === 'removed') return `  - ${c.key}: ${c.before} → 0 per run (gone)${note}`
    return `  ~ ${c.key}: ${c.before} → ${c.after} per run${note}`
  })
}

/** The header of the duration table, one cell per column of {@link durationRowCells}. */
export const DURATION_TABLE_HEADER = durationTableHeader('baseline', 'current')

/** The duration table's header, its two median columns named after the sides compared. */
export function durationTableHeader(base: string, head: string): readonly string[] {
  return ['span key', `${base} p50`, `${head} p50`, 'ratio', '95% CI', 'verdict']
}

/** How the duration table's columns line up in markdown: the key and the verdict read as text. */
export const DURATION_TABLE_ALIGN: readonly Align[] = ['left', 'right', 'right', 'right', 'right', 'left']

/**
 * The cells of one row of the duration table, as plain text: key, baseline median, current median,
 * ratio, 95% interval, verdict. The terminal table pads them; the markdown report escapes the key
 * and emphasises a gating verdict.
 *
 * @example
 * ```ts
 * durationRowCells(comparison.durations[0]) // ['orders | GET /orders/:id', '20.0 ms', '30.0 ms', '1.50×', '[1.35, 1.65]', 'slower']
 * ```
 */
export function durationRowCells({ key, comparison: c }: KeyDuration): [key: string, baseline: string, current: string, ratio: string, ci: string, verdict: string] {
  return [key, formatMs(c.baseMedian), formatMs(c.headMedian), formatRatio(c.ratio), formatInterval(c.ci), c.verdict]
}

/** A row of the duration table as markdown cells: the key escaped, a gating "slower" in bold. */
export function durationMarkdownCells(duration: KeyDuration, advisory: boolean): string[] {
  const [key, base, head, ratio, ci, verdict] = durationRowCells(duration)
  // A gated "slower" is what fails the build: make it stand out.
  return [escapeMarkdown(key), base, head, ratio, ci, verdict === 'slower' && !advisory ? '**slower**' : verdict]
}

/** The duration table: key, baseline median, current median, ratio, 95% interval, verdict; then the quantiles and the attribution. */
export function formatDurationTable(comparison: BaselineComparison): string[] {
  if (comparison.durations.length === 0) return []
  const out = textTable(DURATION_TABLE_HEADER, ['left', 'right', 'right', 'right', 'right', 'right'], comparison.durations.map(durationRowCells))
  const quantiles = quantileTable(comparison.durations, 'baseline', 'current')
  if (quantiles !== undefined) out.push('', 'Quantiles (base → head, ratio, verdict):', ...textTable(quantiles.header, quantiles.align, quantiles.rows))
  const advice = comparison.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
  if (advice) out.push('', `  ${advice}`)
  const why = attributionLines(comparison)
  if (why.length > 0) out.push('', ...why.map((line) => `  ${line}`))
  return out
}

/** A table of the quantile verdicts: header, alignment and rows of plain cells. */
export interface QuantileTable {
  readonly header: readonly string[]
  readonly align: readonly Align[]
  readonly rows: readonly (readonly string[])[]
}

/**
 * The quantiles of every key side by side (`p50`, `p90`, `p99` …), one cell per quantile:
 * `120 ms → 350 ms ×2.92 slower`, or why a quantile was not judged; then the tail test's column
 * when it ran. Undefined when the comparison judged medians only.
 *
 * @example
 * ```ts
 * const table = quantileTable(scenario.durations, 'base', 'head')
 * if (table) lines.push(...textTable(table.header, table.align, table.rows))
 * ```
 */
export function quantileTable(durations: readonly KeyDuration[], base: string, head: string): QuantileTable | undefined {
  const asked = durations.find((d) => d.comparison.quantiles !== undefined)?.comparison.quantiles
  if (asked === undefined) return undefined
  const withTail = durations.some((d) => d.comparison.tail !== undefined)
  const header = ['span key', ...asked.map((q) => `${quantileLabel(q.quantile)} ${base} → ${head}`), ...(withTail ? ['tail: exceedances (needed)'] : [])]
  const rows = durations.map((d) => [
    d.key,
    ...asked.map((q) => quantileCell(d.comparison.quantiles?.find((x) => x.quantile === q.quantile))),
    ...(withTail ? [tailCell(d.comparison.tail)] : []),
  ])
  return { header, align: header.map((_, i) => (i === 0 ? 'left' : 'right')), rows }
}

/**
 * One quantile's cell: `120 ms → 350 ms ×2.92 slower`; `not judged (needs 368 a side)` when the
 * samples cannot support it.
 *
 * @example
 * ```ts
 * quantileCell(comparison.quantiles?.[2])
 * ```
 */
export function quantileCell(q: QuantileComparison | undefined): string {
  if (q === undefined) return '–'
  const values = `${formatMs(q.base)} → ${formatMs(q.head)}`
  return q.judged ? `${values} ${formatRatio(q.ratio)} ${q.verdict}` : `${values} not judged (needs ${q.minSamples} a side)`
}

/**
 * The tail test's cell: `head 9 (9) 2.31× slower` — 9 head runs beyond base's slowest (paired:
 * the 9 largest per-pair changes all slowdowns), 9 needed, head's slowest 9 runs 2.31× base's;
 * the verdict last, as in a quantile's cell.
 *
 * @example
 * ```ts
 * tailCell(comparison.tail)
 * ```
 */
export function tailCell(tail: TailComparison | undefined): string {
  if (tail === undefined) return '–'
  if (!tail.judged) return `not judged (needs ${tail.minSamples} a side)`
  const beyond = tail.side === 'none' ? 'none' : `${tail.side} ${tail.exceedances}`
  return `${beyond} (${tail.needed}) ${formatRatio(tail.ratio)} ${tail.verdict}`
}

/**
 * The quantile table and the attribution lines as markdown blocks, for the PR comment and the job
 * summary; none when the comparison judged medians only and no entry span changed.
 *
 * @example
 * ```ts
 * blocks.push(...quantileAndAttributionMarkdown(scenario, 'base', 'head'))
 * ```
 */
export function quantileAndAttributionMarkdown(comparison: BaselineComparison, base: string, head: string): string[] {
  const blocks: string[] = []
  const quantiles = quantileTable(comparison.durations, base, head)
  if (quantiles !== undefined) blocks.push(markdownTable(quantiles.header, quantiles.align, quantiles.rows.map(([key, ...cells]) => [escapeMarkdown(key ?? ''), ...cells])))
  const why = attributionLines(comparison)
  if (why.length > 0) blocks.push(why.map((line) => `- ${escapeMarkdown(line)}`).join('\n'))
  return blocks
}

/**
 * Why each entry span that changed did: `Why "shop | GET /orders/:id" is slower: +230 ms end to
 * end; 210 ms of it is …`.
 *
 * @example
 * ```ts
 * for (const line of attributionLines(comparison)) console.log(line)
 * ```
 */
export function attributionLines(comparison: BaselineComparison): string[] {
  return (comparison.attribution ?? []).map((a) => `Why ${JSON.stringify(a.key)} is ${a.deltaMs >= 0 ? 'slower' : 'faster'}: ${describeAttribution(a)}.`)
}
