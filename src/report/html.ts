/**
 * Escapes text for HTML (and inline SVG) text and double-quoted attribute values. Span names,
 * attribute values and commands come from the services under test and must never become markup.
 *
 * @example
 * ```ts
 * escapeHtml('SELECT * FROM a WHERE b < 3') // 'SELECT * FROM a WHERE b &#60; 3'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * Shortens text to `max` characters with an ellipsis in the middle, so both the start of a span
 * key (its service and name) and its end stay readable.
 *
 * @example
 * ```ts
 * truncateMiddle('orders | SELECT items | GET /orders/:id', 20) // 'orders | S…rders/:id'
 * ```
 */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text
  const head = Math.ceil((max - 1) / 2)
  const tail = Math.floor((max - 1) / 2)
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`
}

/**
 * A number for an SVG coordinate: two decimals at most.
 *
 * @example
 * ```ts
 * svgNumber(12.3456) // '12.35'
 * ```
 */
export function svgNumber(value: number): string {
  return String(Math.round(value * 100) / 100)
}
