import type { CapturedSpan } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { hasNamespace, httpMethodOf } from '../semantic-conventions.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

// The kinds a span crossing a process boundary may have, by the protocol its attributes name. An
// INTERNAL span never crosses one, so a protocol span that is INTERNAL hides a call.
function expectedKindOf(span: CapturedSpan): string | undefined {
  if (httpMethodOf(span) !== undefined) return span.attributes['http.route'] !== undefined ? 'SERVER' : 'CLIENT (or SERVER when it handles the request)'
  if (hasNamespace(span, 'db.')) return 'CLIENT'
  if (hasNamespace(span, 'messaging.')) return 'PRODUCER (sending) or CONSUMER (receiving, processing)'
  if (hasNamespace(span, 'rpc.')) return 'CLIENT (or SERVER when it handles the call)'
  return undefined
}

const HOP_FIX = {
  'server-without-client': 'make the outgoing call through an instrumented client, so a CLIENT span is the SERVER span\'s parent',
  'service-hop-without-client': 'the caller should record the call as a CLIENT (or PRODUCER) span, and the callee its handling as SERVER (or CONSUMER)',
} as const

/** Span kinds say which spans enter, leave and stay inside a service. */
export const spanKind: LintRule = {
  id: 'span-kind',
  severity: 'error',
  description: 'The entry span is SERVER (or CONSUMER), calls out of a process are CLIENT or PRODUCER spans, and a downstream SERVER span is the child of a CLIENT span.',
  check(_trace, context) {
    const findings: LintFinding[] = []
    const entry = context.entry
    const badEntry = entry !== undefined && entry.kind !== 'SERVER' && entry.kind !== 'CONSUMER'
    if (badEntry) {
      findings.push({
        span: entry,
        message: `the entry ${spanRef(entry)} should be SERVER (a request handled) or CONSUMER (a message processed); ` +
          'make the span that receives the request the root of the service\'s work',
      })
    }
    for (const span of context.spans) {
      if (span.kind !== 'INTERNAL' || (badEntry && span === entry)) continue
      const expected = expectedKindOf(span)
      if (expected !== undefined) {
        findings.push({ span, message: `${spanRef(span)} carries protocol attributes but is INTERNAL; it crosses a process boundary, so make it ${expected}` })
      }
    }
    for (const hop of context.breaks) {
      if (hop.kind === 'orphan') continue
      findings.push({ span: hop.span, message: `${hop.message}; ${HOP_FIX[hop.kind]}` })
    }
    return findings
  },
}
