import type { LintRule } from '../lint-rule.js'
import { currentNameOf, RENAMED_ATTRIBUTES } from '../semantic-conventions.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

/**
 * Attributes under names the semantic conventions have replaced. Where the current name is there
 * too (an instrumentation in its `dup` migration mode) nothing is reported.
 */
export const outdatedAttributes: LintRule = {
  id: 'outdated-attributes',
  severity: 'warning',
  description: 'Attributes use the current semantic-convention names, not the ones they replaced (http.method, http.status_code, http.url, ' +
    'http.target, net.peer.name, db.system, db.statement, messaging.operation, …).',
  knownDeviations: [{
    allow: { scope: '@opentelemetry/instrumentation-amqplib' },
    reason: '@opentelemetry/instrumentation-amqplib still emits the messaging conventions of 2022 (messaging.destination, messaging.protocol, messaging.url, …)',
  }],
  check(_trace, context) {
    const findings: LintFinding[] = []
    for (const span of context.spans) {
      for (const key in span.attributes) {
        if (!RENAMED_ATTRIBUTES.has(key)) continue
        const current = currentNameOf(key, span.kind)
        if (current !== undefined && span.attributes[current] !== undefined) continue
        findings.push({
          span,
          attribute: key,
          message: current === undefined
            ? `${spanRef(span)} has ${key}, which the semantic conventions no longer define; drop it`
            : `${spanRef(span)} has the outdated attribute ${key}; rename it to ${current} ` +
              '(for an instrumentation: upgrade it, or opt in to the stable conventions with OTEL_SEMCONV_STABILITY_OPT_IN)',
        })
      }
    }
    return findings
  },
}
