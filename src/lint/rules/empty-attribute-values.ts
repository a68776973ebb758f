import type { AttributeValue } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

// What `String(undefined)` and friends leave behind when a missing value is recorded anyway.
const PLACEHOLDERS = new Set(['undefined', 'null', 'NaN', '[object Object]'])

function emptiness(value: AttributeValue): string | undefined {
  if (typeof value === 'string') {
    if (value.trim() === '') return value === '' ? 'is empty' : 'is only whitespace'
    if (PLACEHOLDERS.has(value)) return `is the string ${JSON.stringify(value)}`
    return undefined
  }
  if (typeof value === 'number') return Number.isNaN(value) ? 'is NaN' : undefined
  if (Array.isArray(value) && value.length === 0) return 'is an empty array'
  return undefined
}

/** No attribute without a value: an empty string, an empty array or a stringified `undefined`. */
export const emptyAttributeValues: LintRule = {
  id: 'empty-attribute-values',
  severity: 'warning',
  description: 'Attribute values are not empty: no "", whitespace, empty arrays, NaN, or "undefined", "null", "[object Object]" strings.',
  knownDeviations: [
    {
      allow: { scope: '@opentelemetry/instrumentation-undici', attribute: 'url.query' },
      reason: '@opentelemetry/instrumentation-undici sets url.query to "" on requests without a query',
    },
    {
      allow: { scope: 'deno', attribute: 'url.query' },
      reason: 'Deno\'s built-in instrumentation of Deno.serve and fetch sets url.query to "" on requests without a query',
    },
    {
      allow: { scope: '@opentelemetry/instrumentation-amqplib', attribute: 'messaging.destination' },
      reason: '@opentelemetry/instrumentation-amqplib records RabbitMQ\'s default exchange as messaging.destination ""',
    },
  ],
  check(_trace, context) {
    const findings: LintFinding[] = []
    for (const span of context.spans) {
      for (const key in span.attributes) {
        const problem = emptiness(span.attributes[key] as AttributeValue)
        if (problem !== undefined) {
          findings.push({ span, attribute: key, message: `${spanRef(span)} has ${key}, whose value ${problem}; leave the attribute out when there is no value` })
        }
      }
    }
    return findings
  },
}
