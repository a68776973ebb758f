// Payments: `POST /charge` authorizes a card for an amount (in cents). It has its own
// OpenTelemetry set-up (tracing.mjs) and exports OTLP/HTTP as JSON with the official
// `@opentelemetry/exporter-trace-otlp-http` exporter. A card ending in 0002 is declined.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { SpanStatusCode } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { readJson, sendJson } from './json.mjs'
import { serveTraced, startTracing } from './tracing.mjs'

const tracer = startTracing(new OTLPTraceExporter(), { service: 'payments', scope: 'checkout-payments' })

class CardDeclinedError extends Error {
  name = 'CardDeclinedError'
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return sendJson(res, 200, { status: 'ok' })
  if (req.method === 'POST' && req.url === '/charge') return serveTraced(tracer, '/charge', req, res, () => charge(req, res))
  sendJson(res, 404, { error: 'not found' })
})

async function charge(req, res) {
  const request = await readJson(req)
  if (typeof request?.card !== 'string' || !Number.isInteger(request.amount)) {
    return sendJson(res, 400, { error: 'expected { card, amount }, amount in cents' })
  }
  try {
    sendJson(res, 200, { chargeId: await authorize(request.card, request.amount) })
  } catch (error) {
    if (!(error instanceof CardDeclinedError)) throw error
    // 402 Payment Required: the request was fine, the card was not. Not a server error.
    sendJson(res, 402, { error: error.message })
  }
}

// The step that asks the card network. A declined card is this step's error: the exception and the
// ERROR status go on this span, where someone reading the trace looks for them.
function authorize(card, amount) {
  return tracer.startActiveSpan('authorize card', { attributes: { 'payment.amount': amount } }, async (span) => {
    try {
      // The card network answers over the wire; a timer stands in for it.
      await new Promise((resolve) => setTimeout(resolve, 2))
      if (card.endsWith('0002')) throw new CardDeclinedError(`card ending in ${card.slice(-4)} was declined`)
      return `ch_${randomUUID()}`
    } catch (error) {
      span.recordException(error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
      throw error
    } finally {
      span.end()
    }
  })
}

const port = Number(process.env.PORT)
server.listen(port, '127.0.0.1', () => console.log(`payments listening on ${port}`))
