import { serviceOf } from '../../model/captured-span.js'
import type { CapturedSpan } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { findHighCardinality } from '../span-names.js'
import { hasNamespace, hasRequired, httpNameMethodOf, HTTP_CLIENT_ATTRIBUTES, HTTP_SERVER_ATTRIBUTES } from '../semantic-conventions.js'
import type { RequiredAttribute } from '../semantic-conventions.js'
import { quoted, spanRef } from '../span-reference.js'
import type { LintContext, LintFinding } from '../types.js'

/**
 * An HTTP SERVER or CLIENT span: one with attributes in the `http.` or `url.` namespaces. Calls that
 * travel over HTTP but are described by another convention (Elasticsearch, the AWS SDK, …) carry
 * `db.`, `messaging.` or `rpc.` attributes and are those rules' to check.
 */
function isHttpSpan(span: CapturedSpan): boolean {
  return (span.kind === 'SERVER' || span.kind === 'CLIENT') &&
    (hasNamespace(span, 'http.') || hasNamespace(span, 'url.')) &&
    !hasNamespace(span, 'db.') && !hasNamespace(span, 'messaging.') && !hasNamespace(span, 'rpc.')
}

/**
 * The route a framework span below `server` (in the same service, before the next remote call)
 * matched, e.g. express's `request handler` span, which carries `http.route`.
 */
function routeKnownBelow(server: CapturedSpan, context: LintContext): { route: string; span: CapturedSpan } | undefined {
  const stack = [...context.children(server)]
  while (stack.length > 0) {
    const span = stack.pop() as CapturedSpan
    if (span.kind !== 'INTERNAL' || serviceOf(span) !== serviceOf(server)) continue
    const route = span.attributes['http.route']
    if (typeof route === 'string' && route !== '') return { route, span }
    stack.push(...context.children(span))
  }
  return undefined
}

function missing(span: CapturedSpan, attributes: readonly RequiredAttribute[]): LintFinding[] {
  // A request that failed before any response (error.type says why) has no status code to record.
  const failedEarly = span.attributes['error.type'] !== undefined
  return attributes
    .filter((a) => !hasRequired(span, a) && !(failedEarly && a.key === 'http.response.status_code'))
    .map((a) => ({ span, attribute: a.key, message: `${spanRef(span)} has no ${a.key}; ${a.hint}` }))
}

function checkRoute(span: CapturedSpan, context: LintContext): LintFinding | undefined {
  const route = span.attributes['http.route']
  if (typeof route === 'string') {
    // A route holding ids is the raw path recorded as the route: every request gets its own.
    const raw = findHighCardinality(route)
    return raw === undefined ? undefined : {
      span,
      attribute: 'http.route',
      message: `${spanRef(span)} has http.route ${quoted(route)}, which is a request path, not a route template; set it to the template the router matched (e.g. ${quoted(raw.template)})`,
    }
  }
  if (route !== undefined) return undefined
  const method = httpNameMethodOf(span) ?? 'HTTP'
  const below = routeKnownBelow(span, context)
  if (below !== undefined) {
    return {
      span,
      attribute: 'http.route',
      message: `${spanRef(span)} has no http.route, though ${spanRef(below.span)} below it matched the route ${quoted(below.route)}; ` +
        `set http.route on the SERVER span (and name it ${quoted(`${method} ${below.route}`)})`,
    }
  }
  // Without a router nothing knows the route and the span is named by its method alone, as the
  // conventions say; a path in the name means the route was known but not recorded.
  if (!span.name.startsWith(`${method} /`)) return undefined
  const path = span.name.slice(method.length + 1)
  const example = findHighCardinality(path)?.template ?? path
  return {
    span,
    attribute: 'http.route',
    message: `${spanRef(span)} has no http.route; set it to the route template that matched the request (e.g. ${quoted(example)})`,
  }
}

/** HTTP SERVER and CLIENT spans carry the stable HTTP semantic-convention attributes. */
export const httpAttributes: LintRule = {
  id: 'http-attributes',
  severity: 'error',
  description: 'HTTP SERVER spans carry http.request.method, url.path, http.response.status_code and, when a route matched, http.route as a template; ' +
    'HTTP CLIENT spans carry http.request.method, url.full, server.address and http.response.status_code.',
  knownDeviations: [
    {
      allow: { scope: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', attribute: 'http.route' },
      reason: "Go's otelhttp names a SERVER span after the net/http ServeMux pattern that matched (GET /orders) but does not record the pattern as http.route",
    },
    {
      allow: { scope: 'opentelemetry.instrumentation.urllib', attribute: 'server.address' },
      reason: "Python's urllib instrumentation records url.full (http.url before the stable conventions) but no server.address on its CLIENT spans",
    },
    {
      allow: { scope: 'deno', attribute: 'server.address' },
      reason: "Deno's built-in fetch instrumentation records url.full but no server.address on its CLIENT spans",
    },
  ],
  check(_trace, context) {
    const findings: LintFinding[] = []
    for (const span of context.spans) {
      if (!isHttpSpan(span)) continue
      if (span.kind === 'SERVER') {
        findings.push(...missing(span, HTTP_SERVER_ATTRIBUTES))
        const route = checkRoute(span, context)
        if (route !== undefined) findings.push(route)
      } else {
        findings.push(...missing(span, HTTP_CLIENT_ATTRIBUTES))
      }
    }
    return findings
  },
}
