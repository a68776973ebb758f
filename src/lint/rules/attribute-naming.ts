import type { LintRule } from '../lint-rule.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

// Lower-case namespaces and names of letters, digits and underscores, joined by dots.
const DOTTED_LOWER_CASE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/
// Keys whose last part is a name the conventions take from outside (a header, a metadata key, a
// parameter), which keeps its own spelling: `http.request.header.x-request-id`.
const TEMPLATE_PREFIXES = ['http.request.header.', 'http.response.header.', 'rpc.grpc.request.metadata.', 'rpc.grpc.response.metadata.',
  'rpc.request.metadata.', 'rpc.response.metadata.', 'db.query.parameter.', 'db.operation.parameter.', 'messaging.header.']

function problemOf(key: string): string | undefined {
  const template = TEMPLATE_PREFIXES.find((prefix) => key.startsWith(prefix))
  if (template !== undefined) return key.length > template.length ? undefined : 'ends where a name should follow'
  if (DOTTED_LOWER_CASE.test(key)) return undefined
  if (!key.includes('.')) return 'has no namespace'
  if (key !== key.toLowerCase()) return 'is not lower case'
  return 'is not made of dotted lower-case words'
}

function suggestionFor(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '_')
    .replace(/_*\._*/g, '.')
    .replace(/^[._]+|[._]+$/g, '')
  return words.includes('.') ? words : `app.${words}`
}

/** Attribute keys are dotted lower-case namespaces (`order.item_count`, not `itemCount`). */
export const attributeNaming: LintRule = {
  id: 'attribute-naming',
  severity: 'warning',
  description: 'Attribute keys are lower-case words in dotted namespaces (order.item_count), as the semantic conventions name theirs.',
  check(_trace, context) {
    const findings: LintFinding[] = []
    // Keys repeat on every span: judge each once (null: the key is fine).
    const verdicts = new Map<string, string | null>()
    for (const span of context.spans) {
      for (const key in span.attributes) {
        let problem = verdicts.get(key)
        if (problem === undefined) verdicts.set(key, (problem = problemOf(key) ?? null))
        if (problem === null) continue
        findings.push({ span, attribute: key, message: `${spanRef(span)} has attribute key ${JSON.stringify(key)}, which ${problem}; name it like ${JSON.stringify(suggestionFor(key))}` })
      }
    }
    return findings
  },
}
