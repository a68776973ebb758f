import { Buffer } from 'node:buffer'
import { Pool } from 'undici'
import { ServiceError, UsageError } from '../errors.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { decodeTraceRequest } from '../collector/otlp/decode-traces.js'
import { isOtlpObject } from '../collector/otlp/otlp-values.js'
import type { TraceSource } from './trace-source.js'

/**
 * Options of {@link jaegerTraces}.
 *
 * @example
 * ```ts
 * const options: JaegerTracesOptions = { url: 'http://jaeger:16686' }
 * ```
 */
export interface JaegerTracesOptions {
  /** Jaeger's query service, e.g. `http://jaeger:16686` (the UI's address). */
  readonly url: string
  /** Extra headers of every query (a proxy's authentication). */
  readonly headers?: Readonly<Record<string, string>>
  /** How long one query may take, ms. Default 5,000. */
  readonly queryTimeoutMs?: number
}

/**
 * A {@link TraceSource} reading traces from Jaeger (v2, or v1.5x and later) through its HTTP query
 * API's v3 endpoint, `GET /api/v3/traces/{traceId}`, which answers with the trace as OTLP/JSON
 * (wrapped in `{ "result": … }`); the spans are decoded by the same code as tracewright's receiver.
 *
 * @example
 * ```ts
 * const svc = await attachService({ url: 'http://orders.staging', traces: jaegerTraces({ url: 'http://jaeger:16686' }) })
 * ```
 */
export function jaegerTraces(options: JaegerTracesOptions): TraceSource {
  const base = parseBase(options)
  const timeoutMs = options.queryTimeoutMs ?? 5_000
  const pool = new Pool(base.origin, { connections: 4 })
  const prefix = base.pathname.replace(/\/$/, '')
  return {
    url: base.href.replace(/\/$/, ''),
    async fetchTrace(traceId: string, signal?: AbortSignal): Promise<readonly CapturedSpan[]> {
      const path = `${prefix}/api/v3/traces/${traceId}`
      const res = await pool.request({
        method: 'GET', path, headers: { accept: 'application/json', ...options.headers },
        headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(signal === undefined ? {} : { signal }),
      })
      const text = await res.body.text()
      // Jaeger answers 404 for a trace it does not hold (yet): not an error while settling.
      if (res.statusCode === 404) return []
      if (res.statusCode !== 200) {
        throw new ServiceError(`Failed to query Jaeger at ${base.origin}${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`)
      }
      return decodeJaegerTrace(text, `${base.origin}${path}`)
    },
    close: () => pool.destroy(),
  }
}

/** The spans of a v3 `GetTrace` answer: OTLP/JSON under `result` (one object, or one per line when streamed). */
export function decodeJaegerTrace(text: string, where: string): CapturedSpan[] {
  const spans: CapturedSpan[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (error) {
      throw new ServiceError(`Failed to read Jaeger's answer from ${where}: it is not JSON (${(error as Error).message}). It starts with: ${JSON.stringify(text.slice(0, 200))}`)
    }
    if (!isOtlpObject(parsed)) continue
    const failure = parsed['error']
    if (isOtlpObject(failure)) {
      // A trace not found can come back as an error object with HTTP code 404 inside a 200 stream.
      if (failure['httpCode'] === 404 || failure['code'] === 5) continue
      throw new ServiceError(`Failed to query Jaeger at ${where}: ${String(failure['message'] ?? JSON.stringify(failure))}`)
    }
    const result = isOtlpObject(parsed['result']) ? parsed['result'] : parsed
    spans.push(...decodeTraceRequest(Buffer.from(JSON.stringify(result)), 'json').spans)
  }
  return spans
}

function parseBase(options: JaegerTracesOptions): URL {
  let base: URL | undefined
  try {
    base = typeof options?.url === 'string' ? new URL(options.url) : undefined
  } catch {
    base = undefined
  }
  if (base === undefined || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
    throw new UsageError(`Failed to set up the Jaeger trace source: url must be the http(s) address of Jaeger's query service, e.g. 'http://jaeger:16686', got ${JSON.stringify(options?.url)}.`)
  }
  return base
}
