import type { CapturedSpan } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { httpNameMethodOf } from '../semantic-conventions.js'
import { findHighCardinality } from '../span-names.js'
import type { NameCardinality } from '../span-names.js'
import { quoted, spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

// The name to suggest: HTTP servers are named after the route, HTTP clients after the method.
function fix(span: CapturedSpan, found: NameCardinality): string {
  const method = httpNameMethodOf(span)
  const route = span.attributes['http.route']
  if (span.kind === 'SERVER' && method !== undefined) {
    // A route holding raw ids is no template to name a span after (http-attributes reports it).
    const name = typeof route === 'string' && route !== '' && findHighCardinality(route) === undefined ? `${method} ${route}` : found.template
    return `name it after the route (${quoted(name)}) and put the ${found.noun} in an attribute`
  }
  if (span.kind === 'CLIENT' && method !== undefined) {
    return `name it ${quoted(method)}, or after the URL template (${quoted(found.template)}); url.full keeps the full URL`
  }
  return found.template === ''
    ? `give it a fixed name that says what the operation does, and put the ${found.noun} in an attribute`
    : `name it ${quoted(found.template)} and put the ${found.noun} in an attribute`
}

/** Span names are low cardinality: the same operation always has the same name. */
export const spanNameCardinality: LintRule = {
  id: 'span-name-cardinality',
  severity: 'error',
  description: 'Span names are low cardinality: no ids, UUIDs, numbers, full URLs, query strings or quoted values in them, and never empty.',
  check(_trace, context) {
    const findings: LintFinding[] = []
    for (const span of context.spans) {
      if (span.name.trim() === '') {
        findings.push({ span, message: `${span.kind} span ${span.spanId} has an empty name; name it after the operation it measures` })
        continue
      }
      const found = findHighCardinality(span.name)
      if (found !== undefined) findings.push({ span, message: `${spanRef(span)} has ${found.what} in its name; ${fix(span, found)}` })
    }
    return findings
  },
}
