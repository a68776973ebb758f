import { formatMs } from '../model/render-trace.js'
import type { BaselineComparison } from './compare-baseline.js'

/** `SELECT items: 1 → 12 per run`, `+ new key (3 per run)`, `- removed key (was 1 per run)` */
export function formatStructure(comparison: BaselineComparison): string[] {
  return comparison.structure.map((c) => {
    const note = c.allowed ? '  (allowed to vary)' : ''
    if (c.change === 'added') return `  + ${c.key}: 0 → ${c.after} per run (new)${note}`
    if (c.change === 'removed') return `  - ${c.key}: ${c.before} → 0 per run (gone)${note}`
    return `  ~ ${c.key}: ${c.before} → ${c.after} per run${note}`
  })
}

/** The duration table: key, baseline median, current median, ratio, 95% interval, verdict. */
export function formatDurationTable(comparison: BaselineComparison): string[] {
  if (comparison.durations.length === 0) return []
  const rows = comparison.durations.map(({ key, comparison: c }) => [
    key,
    formatMs(c.baseMedian),
    formatMs(c.headMedian),
    `${c.ratio.toFixed(2)}×`,
    `[${c.ci[0].toFixed(2)}, ${c.ci[1].toFixed(2)}]`,
    c.verdict,
  ])
  const header = ['span key', 'baseline p50', 'current p50', 'ratio', '95% CI', 'verdict']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`
  const out = [line(header), ...rows.map(line)]
  const advice = comparison.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
  if (advice) out.push('', `  ${advice}`)
  return out
}
