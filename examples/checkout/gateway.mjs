// The gateway: `POST /checkout` takes a JSON cart, charges the card through payments and, once
// paid, asks fraud to score the order. It has its own OpenTelemetry set-up (tracing.mjs) and
// exports with the official OTLP/HTTP protobuf exporter, the default encoding of OTLP over HTTP.
// Its spans are made by hand: the SERVER span of each request and one CLIENT span per call.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { readJson, sendJson } from './json.mjs'
import { serveTraced, startTracing } from './tracing.mjs'

const tracer = startTracing(new OTLPTraceExporter(), { service: 'gateway', scope: 'checkout-gateway' })
const paymentsUrl = requiredEnv('PAYMENTS_URL')
const fraudUrl = requiredEnv('FRAUD_URL')

/** Orders at or above this fraud score are confirmed but held for a person to review. */
const REVIEW_SCORE = 0.8

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return sendJson(res, 200, { status: 'ok' })
  if (req.method === 'POST' && req.url === '/checkout') return serveTraced(tracer, '/checkout', req, res, () => checkout(req, res))
  sendJson(res, 404, { error: 'not found' })
})

async function checkout(req, res) {
  const cart = await readJson(req)
  if (!isCart(cart)) return sendJson(res, 400, { error: 'expected { card, items: [{ sku, price, quantity }] }, prices in cents' })
  const amount = cart.items.reduce((sum, item) => sum + item.price * item.quantity, 0)

  const charge = await post(paymentsUrl, '/charge', { card: cart.card, amount })
  // A declined card is the customer's problem, not the gateway's: pass the 402 on.
  if (charge.status === 402) return sendJson(res, 402, { error: charge.body.error })
  if (charge.status !== 200) return sendJson(res, 502, { error: `payments answered ${charge.status}` })

  const fraud = await post(fraudUrl, '/score', { amount, items: cart.items.length })
  if (fraud.status !== 200) return sendJson(res, 502, { error: `fraud answered ${fraud.status}` })

  sendJson(res, 201, { orderId: randomUUID(), amount, chargeId: charge.body.chargeId, review: fraud.body.score >= REVIEW_SCORE })
}

// A CLIENT span as an HTTP client instrumentation makes one: named after the method, with the
// stable semantic-convention attributes, and the trace context injected into the request headers
// (W3C `traceparent`) so the called service continues this trace.
function post(baseUrl, path, body) {
  const url = new URL(path, baseUrl)
  return tracer.startActiveSpan('POST', {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': 'POST',
      'url.full': url.href,
      'server.address': url.hostname,
      'server.port': Number(url.port),
    },
  }, async (span) => {
    try {
      const headers = { 'content-type': 'application/json' }
      propagation.inject(context.active(), headers)
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
      span.setAttribute('http.response.status_code', response.status)
      // For a client any 4xx or 5xx answer is a failed call (a server span only fails on a 5xx).
      if (response.status >= 400) {
        span.setAttribute('error.type', String(response.status))
        span.setStatus({ code: SpanStatusCode.ERROR })
      }
      return { status: response.status, body: await response.json() }
    } catch (error) {
      span.recordException(error)
      span.setAttribute('error.type', error.name)
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
      throw error
    } finally {
      span.end()
    }
  })
}

function isCart(cart) {
  return typeof cart?.card === 'string' && Array.isArray(cart.items) && cart.items.length > 0 &&
    cart.items.every((item) => typeof item?.sku === 'string' && Number.isInteger(item.price) && Number.isInteger(item.quantity))
}

function requiredEnv(name) {
  const value = process.env[name]
  if (value) return value
  console.error(`gateway: ${name} is not set. Please pass the base URL of that service, e.g. ${name}=http://127.0.0.1:4000`)
  process.exit(2)
}

const port = Number(process.env.PORT)
server.listen(port, '127.0.0.1', () => console.log(`gateway listening on ${port}`))
