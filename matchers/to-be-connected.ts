import type { MatcherState, SyncMatcherResult } from 'vitest'
import { serviceOf } from '../src/model/captured-span.js'
import type { CapturedSpan } from '../src/model/captured-span.js'
import { renderTrace } from '../src/model/render-trace.js'
import { findTraceBreaks } from '../src/model/trace-breaks.js'
import type { SpanMark } from '../src/model/render-trace.js'
import type { Trace } from '../src/select/trace.js'
import { describeValue } from '../src/select/describe.js'
import { assertTrace, formatFailure } from './failure-message.js'

/** Options of {@link toBeConnected}. */
export interface ConnectedOptions {
  /**
   * Follow span links: a CONSUMER span whose link points to a PRODUCER span counts as connected
   * without a parent, and the traces linking into this one (a batch consumer's) are checked too.
   */
  readonly links?: boolean
}

const LABELS = {
  orphan: 'orphan',
  'server-without-client': 'SERVER without a CLIENT parent',
  'service-hop-without-client': 'service hop without a CLIENT span',
  'link-not-captured': 'link to a span never captured',
  'link-not-from-producer': 'link hop not PRODUCER → CONSUMER',
} as const

interface Break {
  readonly span: CapturedSpan
  readonly kind: keyof typeof LABELS
  readonly message: string
}

/** Linked traces whose breaks are drawn in a failure; the rest are only listed. */
const DRAWN_LINKED_TRACES = 2

/**
 * Passes when the trace is one connected tree: every span's parent was captured (but for the entry
 * span), every SERVER span below the entry is the child of its caller's CLIENT span, and every hop
 * between services goes CLIENT → SERVER or PRODUCER → CONSUMER. A failure shows where the trace
 * breaks — broken context propagation is the most common tracing bug.
 *
 * With `{ links: true }` a PRODUCER → CONSUMER hop may be a span link instead of parentage, as
 * messaging consumers that batch or start their own trace do: a CONSUMER span linking to a
 * captured PRODUCER span needs no parent, and every trace in the store linking into this one is
 * held to the same rules. A link to a span never captured is a break, named by its ids.
 *
 * @example
 * ```ts
 * const { trace } = await gateway.request('POST /checkout')
 * expect(trace).toBeConnected()
 * expect(trace).toBeConnected({ links: true }) // and the consumer traces linking to it
 * ```
 */
export function toBeConnected(this: MatcherState, received: unknown, options?: ConnectedOptions): SyncMatcherResult {
  assertTrace('toBeConnected', received)
  if (options !== undefined && (typeof options !== 'object' || options === null || Object.keys(options).some((k) => k !== 'links'))) {
    throw new TypeError(`toBeConnected() expects no options or { links: true }, received ${describeValue(options)}.`)
  }
  const followLinks = options?.links === true
  const breaks = followLinks ? linkAwareBreaks(received, received.traceId) : findTraceBreaks(received)
  const linked = followLinks ? received.linkingTraces().map((t) => ({ trace: t, breaks: linkAwareBreaks(t, received.traceId) })) : []
  const total = breaks.length + linked.reduce((n, l) => n + l.breaks.length, 0)
  const pass = total === 0
  return {
    pass,
    message: () => {
      const marks = new Map<string, SpanMark>()
      for (const b of breaks) marks.set(b.span.spanId, { label: LABELS[b.kind] })
      const numbered = [...breaks, ...linked.flatMap((l) => l.breaks)].map((b, i) => `${i + 1}. ${b.message}.`)
      return formatFailure(this, {
        matcher: 'toBeConnected',
        received: 'trace',
        args: followLinks ? 'options' : '',
        expected: followLinks
          ? 'one connected trace, and the traces linking to it: every parent captured, every service hop through a CLIENT or PRODUCER span or a PRODUCER → CONSUMER link'
          : 'one connected trace: every parent captured, every service hop through a CLIENT (or PRODUCER) span',
        actual: pass ? `a connected trace${linked.length ? ` and ${linked.length} connected linked trace${linked.length === 1 ? '' : 's'}` : ''}` : `${total} break${total === 1 ? '' : 's'}`,
        details: [...numbered, ...drawLinked(linked)],
        trace: received,
        marks,
      })
    },
  }
}

// The breaks of one trace when links count: an orphan CONSUMER linked to a captured PRODUCER is
// connected; every CONSUMER's links, and every link into `home` (the asserted trace), must reach a
// captured PRODUCER span.
function linkAwareBreaks(trace: Trace, home: string): Break[] {
  const out: Break[] = []
  const linkedToProducer = (span: CapturedSpan): boolean => trace.links(span).some((r) => r.span?.kind === 'PRODUCER')
  for (const b of findTraceBreaks(trace)) {
    if (b.kind === 'orphan' && b.span.kind === 'CONSUMER' && linkedToProducer(b.span)) continue
    out.push(b)
  }
  for (const span of trace.spans()) {
    const intoHome = span.links.some((l) => l.traceId === home && home !== trace.traceId)
    if (span.kind !== 'CONSUMER' && !intoHome) continue
    for (const r of trace.links(span)) {
      const where = `${span.kind} span "${span.name}" (${serviceOf(span)}${trace.traceId === home ? '' : `, trace ${trace.traceId}`})`
      if (r.span === undefined) {
        out.push({ span, kind: 'link-not-captured', message: `${where} links to span ${r.link.spanId} of trace ${r.link.traceId}, which was never captured: the producer did not export it, or it was released from the store` })
      } else if (r.span.kind !== 'PRODUCER' || span.kind !== 'CONSUMER') {
        out.push({ span, kind: 'link-not-from-producer', message: `${where} links to ${r.span.kind} span "${r.span.name}" (${serviceOf(r.span)}): a hop made by a link should go from a PRODUCER span to a CONSUMER span` })
      }
    }
  }
  return out
}

function drawLinked(linked: readonly { trace: Trace; breaks: readonly Break[] }[]): string[] {
  const broken = linked.filter((l) => l.breaks.length > 0)
  const out: string[] = []
  for (const { trace, breaks } of broken.slice(0, DRAWN_LINKED_TRACES)) {
    const marks = new Map<string, SpanMark>(breaks.map((b) => [b.span.spanId, { label: LABELS[b.kind] }]))
    out.push('', `Linked trace ${trace.traceId}:`, renderTrace(trace, { marks, logs: false }))
  }
  if (broken.length > DRAWN_LINKED_TRACES) out.push('', `… and ${broken.length - DRAWN_LINKED_TRACES} more linked traces with breaks`)
  return out
}
