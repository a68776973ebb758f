import { formatMs } from '../model/render-trace.js'
import type { BaselineComparison, KeyDuration } from '../baseline/compare-baseline.js'
import { formatInterval, formatRatio } from './comparison/describe-comparison.js'
import { escapeMarkdown } from './markdown.js'
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

/** The duration table: key, baseline median, current median, ratio, 95% interval, verdict. */
export function formatDurationTable(comparison: BaselineComparison): string[] {
  if (comparison.durations.length === 0) return []
  const out = textTable(DURATION_TABLE_HEADER, ['left', 'right', 'right', 'right', 'right', 'right'], comparison.durations.map(durationRowCells))
  const advice = comparison.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
  if (advice) out.push('', `  ${advice}`)
  return out
}
