import type { LintRule } from '../lint-rule.js'
import { httpNameMethodOf } from '../semantic-conventions.js'
import { quoted, spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

/**
 * An HTTP SERVER span is named `METHOD route`, or just `METHOD` when no route is known (a server
 * without a router, a request no route matched), as the HTTP conventions say.
 */
export const serverSpanName: LintRule = {
  id: 'server-span-name',
  severity: 'error',
  description: 'An HTTP SERVER span is named "METHOD route" (GET /users/:id), or "METHOD" alone when no route matched.',
  check(_trace, context) {
    const findings: LintFinding[] = []
    for (const span of context.spans) {
      if (span.kind !== 'SERVER') continue
      const method = httpNameMethodOf(span)
      if (method === undefined) continue
      const route = span.attributes['http.route']
      if (typeof route === 'string' && route !== '') {
        const expected = `${method} ${route}`
        if (span.name !== expected) {
          findings.push({ span, message: `${spanRef(span)} should be named ${quoted(expected)}: the method and the route (http.route) it matched` })
        }
      } else if (span.name !== method && !span.name.startsWith(`${method} /`)) {
        // `METHOD /path` without a route is the http-attributes rule's to report: it lacks http.route.
        findings.push({
          span,
          message: `${spanRef(span)} should be named ${quoted(method)}, or ${quoted(`${method} <route>`)} once http.route is set: ` +
            'SERVER spans are named after the method and route they handle',
        })
      }
    }
    return findings
  },
}
