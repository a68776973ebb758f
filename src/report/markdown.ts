import type { Align } from './text-table.js'

// Markdown every report writes (the baseline summary, the comparison PR comment): one escaping
// rule and one table shape.

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
