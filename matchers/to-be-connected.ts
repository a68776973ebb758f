import type { MatcherState, SyncMatcherResult } from 'vitest'
import { findTraceBreaks } from '../src/model/trace-breaks.js'
import type { SpanMark } from '../src/model/render-trace.js'
import { assertTrace, formatFailure } from './failure-message.js'

const LABELS = {
  orphan: 'orphan',
  'server-without-client': 'SERVER without a CLIENT parent',
  'service-hop-without-client': 'service hop without a CLIENT span',
} as const

/**
 * Passes when the trace is one connected tree: every span's parent was captured (but for the entry
 * span), every SERVER span below the entry is the child of its caller's CLIENT span, and every hop
 * between services goes CLIENT → SERVER or PRODUCER → CONSUMER. A failure shows where the trace
 * breaks — broken context propagation is the most common tracing bug.
 *
 * @example
 * ```ts
 * const { trace } = await gateway.request('POST /checkout')
 * expect(trace).toBeConnected()
 * ```
 */
export function toBeConnected(this: MatcherState, received: unknown): SyncMatcherResult {
  assertTrace('toBeConnected', received)
  const breaks = findTraceBreaks(received)
  const pass = breaks.length === 0
  return {
    pass,
    message: () => {
      const marks = new Map<string, SpanMark>()
      for (const b of breaks) marks.set(b.span.spanId, { label: LABELS[b.kind] })
      return formatFailure(this, {
        matcher: 'toBeConnected',
        received: 'trace',
        args: '',
        expected: 'one connected trace: every parent captured, every service hop through a CLIENT (or PRODUCER) span',
        actual: pass ? 'a connected trace' : `${breaks.length} break${breaks.length === 1 ? '' : 's'}`,
        details: breaks.map((b, i) => `${i + 1}. ${b.message}.`),
        trace: received,
        marks,
      })
    },
  }
}
