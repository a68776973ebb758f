// Fraud scoring: a plain node:http service with no tracing code at all. The spec starts it with
// `node --import tracewright/register fraud.mjs`: the register hook starts the OpenTelemetry Node
// SDK with the http instrumentation before this file loads, so the SERVER span of each request,
// its parent taken from the incoming `traceparent`, comes for free and is exported over OTLP.
import { createServer } from 'node:http'
import { readJson, sendJson } from './json.mjs'

const server = createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/health') return sendJson(res, 200, { status: 'ok' })
  if (req.method === 'POST' && req.url === '/score') {
    const order = await readJson(req)
    if (!Number.isInteger(order?.amount)) return sendJson(res, 400, { error: 'expected { amount }, in cents' })
    // A stand-in for a model: large orders look riskier.
    return sendJson(res, 200, { score: order.amount >= 100_000 ? 0.9 : 0.1 })
  }
  sendJson(res, 404, { error: 'not found' })
})

const port = Number(process.env.PORT)
server.listen(port, '127.0.0.1', () => console.log(`fraud listening on ${port}`))
