import type { CapturedSpan } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { attributeOf, httpStatusOf } from '../semantic-conventions.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

const hasException = (span: CapturedSpan): boolean => span.events.some((e) => e.name === 'exception')

// Whether an ERROR span says why: an exception, a status message, error.type, or a status code the
// conventions let the reason be read from (and then tell instrumentations not to repeat it).
function explainsError(span: CapturedSpan): boolean {
  if (hasException(span) || (span.status.message ?? '') !== '') return true
  if (span.attributes['error.type'] !== undefined) return true
  const status = httpStatusOf(span)
  if (status !== undefined && status >= 400) return true
  const rpcStatus = attributeOf(span, ['rpc.response.status_code', 'rpc.grpc.status_code'])
  return rpcStatus !== undefined && rpcStatus !== 0 && rpcStatus !== 'OK'
}

/** Errors are recorded on the span that failed, and nowhere they did not happen. */
export const errorStatus: LintRule = {
  id: 'error-status',
  severity: 'error',
  description: 'A span with status ERROR says why (an exception event, a status message or error.type); a SERVER span that answered 5xx is ERROR, ' +
    'one that answered 4xx is not (unless an exception failed it); a span that recorded an exception is not OK.',
  check(_trace, context) {
    const findings: LintFinding[] = []
    for (const span of context.spans) {
      const code = span.status.code
      if (code === 'ERROR' && !explainsError(span)) {
        findings.push({
          span,
          message: `${spanRef(span)} has status ERROR but does not say why; record the exception (span.recordException(error)), ` +
            'or set a status message or error.type',
        })
      }
      if (code === 'OK' && hasException(span)) {
        findings.push({
          span,
          message: `${spanRef(span)} recorded an exception but its status is OK; set status ERROR if the exception failed the operation, ` +
            'or leave the status UNSET if it was handled',
        })
      }
      const status = span.kind === 'SERVER' ? httpStatusOf(span) : undefined
      if (status !== undefined && status >= 500 && code !== 'ERROR') {
        findings.push({
          span,
          attribute: 'http.response.status_code',
          message: `${spanRef(span)} answered ${status} but its status is ${code}; set status ERROR on a SERVER span that answers 5xx`,
        })
      }
      if (status !== undefined && status >= 400 && status < 500 && code === 'ERROR' && !hasException(span)) {
        findings.push({
          span,
          attribute: 'http.response.status_code',
          message: `${spanRef(span)} answered ${status} and has status ERROR; a 4xx is the client's mistake, not the server's: leave the SERVER span's status UNSET`,
        })
      }
    }
    return findings
  },
}
