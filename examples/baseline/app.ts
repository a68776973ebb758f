import type { RequestListener } from 'node:http'
import { SpanKind, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('report-app', '1.0.0')

export interface ReportAppOptions {
  /** Extra milliseconds the pricing query takes: an injected slowdown. */
  readonly slowPricingMs?: number
  /** Run the stock query once per product instead of once: an injected N+1. */
  readonly stockPerProduct?: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function query(name: string, ms: number): Promise<void> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' } }, async (span) => {
    // Timers stand in for the database: their durations are steady enough for a committed baseline.
    await sleep(ms)
    span.end()
  })
}

/** `GET /report`: loads products, their prices and their stock, then renders a report. */
export function createReportApp(options: ReportAppOptions = {}): RequestListener {
  return async (_req, res) => {
    trace.getActiveSpan()?.setAttribute('http.route', '/report')
    await query('SELECT products', 4)
    await query('SELECT prices', 6 + (options.slowPricingMs ?? 0))
    if (options.stockPerProduct) {
      for (let i = 0; i < 3; i++) await query('SELECT stock', 2)
    } else {
      await query('SELECT stock', 2)
    }
    await tracer.startActiveSpan('render report', async (span) => {
      await sleep(3)
      span.end()
    })
    res.end('report')
  }
}
