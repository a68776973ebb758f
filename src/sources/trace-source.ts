import type { CapturedSpan } from '../model/captured-span.js'

/**
 * A tracing backend that the harness reads a trace from by its id, for a service whose spans go
 * to the team's own backend rather than to tracewright's receiver (pull mode of `attachService`).
 * An adapter for another backend (Tempo, a vendor's API) implements this; `jaegerTraces()` is the
 * one that ships.
 *
 * The harness settles a pulled trace by the same completeness rule as a foreign exporter's pushed
 * one: the entry span is there, every referenced parent is there, and nothing new came for the
 * quiet window. It queries with backoff until then, so `fetchTrace` only has to say what the
 * backend holds right now.
 *
 * @example
 * ```ts
 * const tempo: TraceSource = {
 *   url: 'http://tempo:3200',
 *   async fetchTrace(traceId, signal) {
 *     const res = await fetch(`http://tempo:3200/api/v2/traces/${traceId}`, { signal })
 *     if (res.status === 404) return []
 *     return myDecoder(await res.json())
 *   },
 * }
 * ```
 */
export interface TraceSource {
  /** Where the backend is, named in every timeout and error (e.g. `http://jaeger:16686`). */
  readonly url: string
  /**
   * The spans of `traceId` that the backend holds now: an empty array when it has none yet (a
   * trace not ingested is not an error). Throws when the backend cannot answer; the harness keeps
   * querying until its timeout, then names the last error.
   */
  fetchTrace(traceId: string, signal?: AbortSignal): Promise<readonly CapturedSpan[]>
  /** Releases what the adapter holds (connections). Optional. */
  close?(): Promise<void>
}

/** True when `value` is a {@link TraceSource} (has `fetchTrace`), rather than a collector. */
export function isTraceSource(value: unknown): value is TraceSource {
  return typeof value === 'object' && value !== null && typeof (value as { fetchTrace?: unknown }).fetchTrace === 'function'
}
