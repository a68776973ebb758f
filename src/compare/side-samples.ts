import { roundMs } from '../baseline/baseline-file.js'
import type { EnvironmentFingerprint } from '../baseline/baseline-file.js'
import { spanKey } from '../baseline/span-key.js'
import { median } from '../baseline/statistics.js'
import type { TraceSamples } from '../baseline/trace-samples.js'
import { serviceOf } from '../model/captured-span.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { treeOf } from '../select/trace-trees.js'
import type { Trace } from '../select/trace.js'
import type { ReportSpan, ReportTrace, SideKey, SideSamples } from './types.js'

/**
 * Attributes whose value says what a span does rather than how it went: the statement a database
 * ran, the host a call went to, the queue written to, the remote method, the route. A value that
 * only one version has is a change in behaviour even when every span key is the same. URLs count
 * by host name only: a port is often picked at random per run.
 */
export const BEHAVIOUR_ATTRIBUTES: readonly string[] = [
  'db.system.name',
  'db.system',
  'db.namespace',
  'db.collection.name',
  'db.operation.name',
  'db.query.text',
  'db.statement',
  'server.address',
  'url.full',
  'http.url',
  'http.route',
  'messaging.system',
  'messaging.destination.name',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'peer.service',
]

/** At most this many distinct values are kept per key and attribute (a statement with literals varies per run). */
export const MAX_BEHAVIOUR_VALUES = 20

/**
 * Summarises one version's measured runs of a scenario as a {@link SideSamples}: per span key the
 * median spans per run, the summed duration and self time of every run (rounded to µs, none
 * dropped, so rounds stay paired) and the behaviour attribute values seen.
 *
 * @example
 * ```ts
 * const side = toSideSamples(await svc.measure('GET /orders/42', { runs: 20 }), currentEnvironment())
 * side.keys['orders | SELECT items | GET /orders/:id']?.behaviour?.['db.query.text']
 * ```
 */
export function toSideSamples(samples: TraceSamples, environment: EnvironmentFingerprint): SideSamples {
  const behaviour = new Map<string, Map<string, Set<string>>>()
  for (const run of samples.traces) {
    for (const trace of run) {
      for (const span of treeOf(trace).spans()) {
        const values = behaviourOf(span)
        if (values.length === 0) continue
        const key = spanKey(trace, span)
        let perAttribute = behaviour.get(key)
        if (perAttribute === undefined) behaviour.set(key, (perAttribute = new Map()))
        for (const [attribute, value] of values) {
          let seen = perAttribute.get(attribute)
          if (seen === undefined) perAttribute.set(attribute, (seen = new Set()))
          if (seen.size < MAX_BEHAVIOUR_VALUES) seen.add(value)
        }
      }
    }
  }
  const keys: Record<string, SideKey> = {}
  for (const [key, s] of samples.entries()) {
    const perAttribute = behaviour.get(key)
    keys[key] = {
      count: Math.round(median(s.count)),
      durationMs: s.totalMs.map(roundMs),
      selfMs: s.selfMs.map(roundMs),
      criticalMs: s.criticalMs.map(roundMs),
      behaviour: Object.fromEntries([...(perAttribute ?? new Map<string, Set<string>>())].sort(([a], [b]) => a.localeCompare(b)).map(([a, v]) => [a, [...v].sort()])),
    }
  }
  return { runs: samples.runs, environment, keys }
}

/** The behaviour attribute values of one span, as `[attribute, text]` pairs. */
function behaviourOf(span: CapturedSpan): [string, string][] {
  const out: [string, string][] = []
  for (const attribute of BEHAVIOUR_ATTRIBUTES) {
    const value = span.attributes[attribute]
    if (value === undefined) continue
    if (attribute === 'url.full' || attribute === 'http.url') {
      const host = hostOf(String(value))
      if (host !== undefined) out.push([`${attribute} host`, host])
    } else {
      out.push([attribute, Array.isArray(value) ? JSON.stringify(value) : String(value)])
    }
  }
  return out
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname
  } catch {
    return undefined
  }
}

/**
 * The traces of the run whose total duration (all its traces' durations added) is the median:
 * a typical run, not a lucky or an unlucky one, for the report's waterfalls.
 *
 * @example
 * ```ts
 * const traces = representativeRun(samples) // Trace[] of one run
 * ```
 */
export function representativeRun(samples: TraceSamples): readonly Trace[] {
  const totals = samples.traces.map((run, index) => ({ index, total: run.reduce((sum, trace) => sum + trace.durationMs, 0) }))
  totals.sort((a, b) => a.total - b.total)
  const middle = totals[(totals.length - 1) >> 1]
  return middle === undefined ? [] : samples.traces[middle.index] ?? []
}

/**
 * A trace as a report keeps it: plain JSON, times in ms relative to its first span, each span
 * with its key.
 *
 * @example
 * ```ts
 * JSON.stringify(toReportTrace(trace))
 * ```
 */
export function toReportTrace(trace: Trace): ReportTrace {
  const spans = treeOf(trace).spans()
  const first = spans.reduce<bigint | undefined>((min, s) => (min === undefined || s.start < min ? s.start : min), undefined) ?? 0n
  return {
    traceId: trace.traceId,
    durationMs: roundMs(trace.durationMs),
    spans: spans.map((span): ReportSpan => ({
      spanId: span.spanId,
      ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
      name: span.name,
      kind: span.kind,
      service: serviceOf(span),
      key: spanKey(trace, span),
      offsetMs: roundMs(Number(span.start - first) / 1e6),
      durationMs: roundMs(span.durationMs),
      status: span.status.code,
      ...(span.status.message === undefined ? {} : { statusMessage: span.status.message }),
      attributes: span.attributes,
    })),
  }
}
