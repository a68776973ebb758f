import type { CapturedSpan } from '../../model/captured-span.js'
import type { KnownDeviation, LintRule } from '../lint-rule.js'
import {
  DB_OPERATION,
  DB_SYSTEM,
  hasNamespace,
  hasRequired,
  MESSAGING_OPERATION,
  MESSAGING_SYSTEM,
  RPC_METHOD,
  RPC_SYSTEM,
} from '../semantic-conventions.js'
import type { RequiredAttribute } from '../semantic-conventions.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

interface OperationRuleSpec {
  readonly id: string
  /** The attribute namespace that makes a span one of this protocol's, e.g. `db.`. */
  readonly namespace: string
  /** `Database`, `Messaging`, `RPC`: how the rule's description names the spans. */
  readonly label: string
  readonly system: RequiredAttribute
  readonly operation: RequiredAttribute
  /** Spans that legitimately have no operation. */
  readonly withoutOperation?: (span: CapturedSpan) => boolean
  readonly knownDeviations?: readonly KnownDeviation[]
}

function describeRequired(attribute: RequiredAttribute): string {
  return attribute.accepts.length === 0 ? attribute.key : `${attribute.key} (or ${attribute.accepts.join(', ')})`
}

// One rule per protocol, all checking the same thing: the system, and what was done.
function operationAttributesRule(spec: OperationRuleSpec): LintRule {
  return {
    id: spec.id,
    severity: 'error',
    description: `${spec.label} spans (with ${spec.namespace}* attributes) carry ${describeRequired(spec.system)} and ${describeRequired(spec.operation)}.`,
    ...(spec.knownDeviations ? { knownDeviations: spec.knownDeviations } : {}),
    check(_trace, context) {
      const findings: LintFinding[] = []
      for (const span of context.spans) {
        if (!hasNamespace(span, spec.namespace)) continue
        for (const attribute of [spec.system, spec.operation]) {
          if (hasRequired(span, attribute)) continue
          if (attribute === spec.operation && spec.withoutOperation?.(span)) continue
          findings.push({ span, attribute: attribute.key, message: `${spanRef(span)} has ${spec.namespace}* attributes but no ${attribute.key}; ${attribute.hint}` })
        }
      }
      return findings
    },
  }
}

// Opening a connection (`pg.connect`, `pg-pool.connect`, ioredis's `connect`) or taking one from a
// pool (Go otelpgx's `pool.acquire`) is not an operation on the data: the conventions define no
// operation name for it.
const CONNECTION_SPAN = /(^|[^a-z])(connect|pool\.acquire)$/i

/** Database spans carry the system and the operation. */
export const dbAttributes = operationAttributesRule({
  id: 'db-attributes',
  namespace: 'db.',
  label: 'Database',
  system: DB_SYSTEM,
  operation: DB_OPERATION,
  withoutOperation: (span) => CONNECTION_SPAN.test(span.name),
})

/** Messaging spans carry the system and the operation. */
export const messagingAttributes = operationAttributesRule({
  id: 'messaging-attributes',
  namespace: 'messaging.',
  label: 'Messaging',
  system: MESSAGING_SYSTEM,
  operation: MESSAGING_OPERATION,
  knownDeviations: [{
    allow: { scope: '@opentelemetry/instrumentation-amqplib', attribute: 'messaging.operation.type' },
    reason: "@opentelemetry/instrumentation-amqplib records no operation on its publish spans (it follows the messaging conventions of 2022)",
  }],
})

/** RPC spans carry the system and the method. */
export const rpcAttributes = operationAttributesRule({
  id: 'rpc-attributes',
  namespace: 'rpc.',
  label: 'RPC',
  system: RPC_SYSTEM,
  operation: RPC_METHOD,
})
