import type { CapturedSpan } from '../model/captured-span.js'

/**
 * How messages name a span.
 *
 * @example
 * ```ts
 * spanRef(trace.root) // 'SERVER span "GET /users/:id"'
 * ```
 */
export function spanRef(span: CapturedSpan): string {
  return `${span.kind} span ${JSON.stringify(span.name)}`
}

/** A value quoted for a message: strings in double quotes, everything else as written. */
export function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}
