import { formatMs } from '../model/render-trace.js'
import type { BaselineComparison, KeyDuration } from './compare-baseline.js'

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
export const DURATION_TABLE_HEADER = ['span key', 'baseline p50', 'current p50', 'ratio', '95% CI', 'verdict'] as const

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
  return [key, formatMs(c.baseMedian), formatMs(c.headMedian), `${c.ratio.toFixed(2)}×`, `[${c.ci[0].toFixed(2)}, ${c.ci[1].toFixed(2)}]`, c.verdict]
}

/** The duration table: key, baseline median, current median, ratio, 95% interval, verdict. */
export function formatDurationTable(comparison: BaselineComparison): string[] {
  if (comparison.durations.length === 0) return []
  const rows = comparison.durations.map(durationRowCells)
  const header = DURATION_TABLE_HEADER
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`
  const out = [line(header), ...rows.map(line)]
  const advice = comparison.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
  if (advice) out.push('', `  ${advice}`)
  return out
}
