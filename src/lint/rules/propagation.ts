import { serviceOf } from '../../model/captured-span.js'
import type { CapturedSpan } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { attributeOf, httpStatusOf } from '../semantic-conventions.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

// `host:port` a span was addressed at: what a CLIENT span called, or what a SERVER span was called as.
function endpointOf(span: CapturedSpan): string | undefined {
  const host = attributeOf(span, span.kind === 'CLIENT' ? ['server.address', 'net.peer.name'] : ['server.address', 'net.host.name'])
  const port = attributeOf(span, span.kind === 'CLIENT' ? ['server.port', 'net.peer.port'] : ['server.port', 'net.host.port'])
  return host === undefined || port === undefined ? undefined : `${String(host)}:${String(port)}`
}

/**
 * Context reaches every hop: no orphans, every span in the one trace, and an answered call to a
 * service that is traced in this very trace has that service's SERVER span below it. When it does
 * not, the callee started a trace of its own: the request was split in two.
 */
export const propagation: LintRule = {
  id: 'propagation',
  severity: 'error',
  description: 'Context is propagated across every hop: no orphan spans, one trace per request, and a call to a traced service has that service\'s SERVER span below it.',
  check(trace, context) {
    const findings: LintFinding[] = []
    const orphans = new Set<CapturedSpan>()
    for (const hop of context.breaks) {
      if (hop.kind !== 'orphan') continue
      orphans.add(hop.span)
      const fix = hop.span.parentSpanId === undefined
        ? 'pass the active context to the code that starts it (and inject/extract traceparent across processes)'
        : 'make sure the parent is recorded and exported: a parent-based sampler in every service, and spans ended and flushed before a process exits'
      findings.push({ span: hop.span, message: `${hop.message}; ${fix}` })
    }
    for (const span of context.spans) {
      if (span.traceId !== trace.traceId) {
        findings.push({ span, message: `${spanRef(span)} belongs to trace ${span.traceId}, not ${trace.traceId}; one request must produce one trace, so pass the context on instead of starting a new trace` })
      }
    }
    // Endpoints served by SERVER spans of this trace, and those served by orphans (already reported).
    const served = new Map<string, CapturedSpan>()
    const servedByOrphan = new Set<string>()
    for (const span of context.spans) {
      if (span.kind !== 'SERVER') continue
      const endpoint = endpointOf(span)
      if (endpoint === undefined) continue
      if (orphans.has(span)) servedByOrphan.add(endpoint)
      else if (!served.has(endpoint)) served.set(endpoint, span)
    }
    for (const span of context.spans) {
      if (span.kind !== 'CLIENT' || httpStatusOf(span) === undefined) continue
      const endpoint = endpointOf(span)
      const server = endpoint === undefined ? undefined : served.get(endpoint)
      if (server === undefined || servedByOrphan.has(endpoint as string)) continue
      if (context.children(span).some((child) => child.kind === 'SERVER')) continue
      findings.push({
        span,
        message: `${spanRef(span)} called ${endpoint}, which ${serviceOf(server)} serves traced in this trace (${spanRef(server)}), ` +
          'but no SERVER span answers it here: the callee started a new trace; inject traceparent on the call and extract it in the server',
      })
    }
    return findings
  },
}
