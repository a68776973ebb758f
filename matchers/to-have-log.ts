import type { MatcherState, SyncMatcherResult } from 'vitest'
import type { CapturedLog } from '../src/model/captured-log.js'
import { isCapturedSpan } from '../src/model/captured-span.js'
import type { CapturedSpan } from '../src/model/captured-span.js'
import { describeValue } from '../src/select/describe.js'
import { matchAttribute, matchText } from '../src/select/select-spans.js'
import type { Equals } from '../src/select/select-spans.js'
import type { AttributeMatcher, TextMatcher } from '../src/select/selector.js'
import { isAsymmetricMatcher } from '../src/select/selector.js'
import { Trace } from '../src/select/trace.js'
import { currentLogs } from '../src/select/trace-trees.js'
import { describeReceived, formatFailure, matcherEquals, spanLabel, traceOfSpan } from './failure-message.js'

/**
 * A log record to look for; omitted keys match anything. `severity` as a string is compared
 * without regard to case (`'warn'` matches `WARN`); `body` as a string must equal the whole body
 * (use a RegExp or `expect.stringContaining()` for part of it).
 */
export interface LogQuery {
  /** `severityText` of an OTLP record (else its severity number's name, `WARN`, `ERROR2`), or a line's level. */
  readonly severity?: TextMatcher
  /** The record's body as text; an output line's whole text. */
  readonly body?: TextMatcher
  /** OTLP record attributes, or a JSON output line's top-level fields; `undefined` means "must be absent". */
  readonly attributes?: Readonly<Record<string, AttributeMatcher | undefined>>
}

const LOG_QUERY_KEYS = ['severity', 'body', 'attributes'] as const
/** Log lines listed in a failure; the rest are counted. */
const LISTED_LOGS = 30

/**
 * Passes when the trace (or, for a span, the trace's logs carrying that span's id) has a log
 * record matching `query`: OTLP log records the service exported, and output lines stamped with
 * the trace id that a child process wrote. Logs are read as the store holds them when the assertion
 * runs, since they are exported on their own schedule and may follow the trace's spans. A failure
 * lists the trace's logs beside its tree, each with what differs.
 *
 * @example
 * ```ts
 * expect(trace).toHaveLog({ severity: 'warn', body: /retrying/ })
 * expect(trace.span('charge')).toHaveLog({ attributes: { 'payment.id': expect.any(String) } })
 * expect(trace).not.toHaveLog({ severity: 'error' })
 * ```
 */
export function toHaveLog(this: MatcherState, received: unknown, query: LogQuery): SyncMatcherResult {
  const { trace, span } = receivedLogs(received)
  const equals = matcherEquals(this)
  const checks = compileLogQuery(query, equals)
  const all = currentLogs(trace)
  const logs = span === undefined ? all : all.filter((log) => log.spanId === span.spanId)
  const matching = logs.filter((log) => checks.every((c) => c.test(log)))
  const pass = matching.length > 0
  const owner = span === undefined ? `trace ${trace.traceId}` : spanLabel(span)
  return {
    pass,
    message: () => formatFailure(this, {
      matcher: 'toHaveLog',
      received: span === undefined ? 'trace' : 'span',
      args: 'query',
      expected: `${owner} to have a log record matching ${describeValue(query)}`,
      actual: logs.length === 0 ? 'no log records' : pass ? `${matching.length} matching log record${matching.length === 1 ? '' : 's'}` : `${logs.length} log record${logs.length === 1 ? '' : 's'}, none matching`,
      details: [`Logs of ${owner}:`, ...listLogs(trace, logs, checks), ...(logs.length === 0 ? noLogsHint(all.length, span) : [])],
      trace,
      logs: false,
      ...(span === undefined ? {} : { marks: new Map([[span.spanId, { label: 'received' }]]) }),
    }),
    actual: logs.map((log) => ({ severity: log.severity, body: log.body, attributes: log.attributes ?? {} })),
    expected: query,
  }
}

function receivedLogs(received: unknown): { trace: Trace; span: CapturedSpan | undefined } {
  if (received instanceof Trace) return { trace: received, span: undefined }
  if (isCapturedSpan(received)) return { trace: traceOfSpan(received), span: received }
  throw new TypeError(`toHaveLog() expects a Trace or a span, received ${describeReceived(received)}. Pass the \`trace\` that \`await svc.request(...)\` resolves to, or one of its spans.`)
}

interface LogCheck {
  readonly field: string
  test(log: CapturedLog): boolean
}

function compileLogQuery(query: LogQuery, equals: Equals): LogCheck[] {
  if (typeof query !== 'object' || query === null || Array.isArray(query) || isAsymmetricMatcher(query) || query instanceof RegExp) {
    throw new TypeError(`toHaveLog() expects a query object, e.g. toHaveLog({ severity: 'warn', body: /retrying/ }). Received ${describeValue(query)}.`)
  }
  const unknown = Object.keys(query).filter((k) => !(LOG_QUERY_KEYS as readonly string[]).includes(k))
  if (unknown.length) throw new TypeError(`toHaveLog(): unknown key ${JSON.stringify(unknown[0])} in ${describeValue(query)}. Allowed keys: ${LOG_QUERY_KEYS.join(', ')}.`)
  const checks: LogCheck[] = []
  const { severity, body, attributes } = query
  if (severity !== undefined) {
    assertText('severity', severity)
    checks.push({
      field: 'severity',
      test: (log) => typeof severity === 'string' ? severity.toLowerCase() === (log.severity ?? '').toLowerCase() : matchText(severity, log.severity ?? '', equals),
    })
  }
  if (body !== undefined) {
    assertText('body', body)
    checks.push({ field: 'body', test: (log) => matchText(body, log.body, equals) })
  }
  if (attributes !== undefined) {
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
      throw new TypeError(`toHaveLog() expects attributes as an object of attribute name to expected value. Received ${describeValue(attributes)}.`)
    }
    for (const [key, expected] of Object.entries(attributes)) {
      checks.push({
        field: `attributes[${JSON.stringify(key)}]`,
        test: (log) => expected === undefined ? !(key in (log.attributes ?? {})) : matchAttribute(expected, log.attributes?.[key], equals),
      })
    }
  }
  return checks
}

function assertText(field: string, value: unknown): void {
  if (typeof value === 'string' || value instanceof RegExp || isAsymmetricMatcher(value)) return
  throw new TypeError(`toHaveLog() expects ${field} to be a string, a RegExp or an asymmetric matcher such as expect.stringContaining(). Received ${describeValue(value)}.`)
}

function listLogs(trace: Trace, logs: readonly CapturedLog[], checks: readonly LogCheck[]): string[] {
  if (logs.length === 0) return ['  (none)']
  const lines = logs.slice(0, LISTED_LOGS).map((log) => {
    const failed = checks.filter((c) => !c.test(log)).map((c) => c.field)
    const owner = log.spanId === undefined ? undefined : trace.spanById(log.spanId)?.name
    const attributes = log.attributes && Object.keys(log.attributes).length > 0 && log.source === 'otlp' ? ` ${describeValue(log.attributes)}` : ''
    return `${failed.length === 0 ? '> ' : '  '}[${log.source}${log.severity ? ` ${log.severity}` : ''}${owner ? ` · ${owner}` : ''}] ${log.body}${attributes}` +
      (failed.length === 0 ? '' : `  (${failed.join(', ')} differ${failed.length === 1 ? 's' : ''})`)
  })
  if (logs.length > LISTED_LOGS) lines.push(`  … and ${logs.length - LISTED_LOGS} more`)
  return lines
}

function noLogsHint(inTrace: number, span: CapturedSpan | undefined): string[] {
  const others = span === undefined ? 0 : inTrace
  return [
    '',
    others > 0
      ? `The trace has ${others} log record${others === 1 ? '' : 's'}, none carrying this span's id; assert on the trace to search them all.`
      : 'Logs reach tracewright as OTLP log records (an SDK logger provider exporting to the harness\'s endpoint) or as output lines of a child process that carry the trace id (a traceparent, trace_id=… or "traceId":…).',
  ]
}
