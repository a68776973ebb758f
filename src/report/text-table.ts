/** How a column's cells line up: text left, numbers right. */
export type Align = 'left' | 'right'

/**
 * A terminal table: each column padded to its widest cell, aligned as `align` says, two spaces
 * between columns and two before the first; trailing blanks trimmed. The markdown twin is
 * `markdownTable` with the same arguments.
 *
 * @example
 * ```ts
 * textTable(['span key', 'p50'], ['left', 'right'], [['orders | GET /orders/:id', '12.0 ms']])
 * ```
 */
export function textTable(header: readonly string[], align: readonly Align[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => (align[i] === 'right' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()}`
  return [header, ...rows].map(line)
}
