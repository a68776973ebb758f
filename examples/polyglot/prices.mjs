// The prices service the orders examples call downstream: GET /prices/:sku answers a price from a
// fixed list, 404 for an unknown SKU, and 503 for the SKU "broken" (the error path). The specs of
// each language run its handler in the test process as a plain, untraced HTTP server; the
// cross-language spec runs this file as a traced Node service
// (`node --import tracewright/register prices.mjs`), listening on $PORT.
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

const PRICES = { 'KB-01': 4900, 'MS-02': 2500, 'CB-03': 1250 }

/** The request listener. */
export function handlePrices(req, res) {
  const sku = /^\/prices\/([^/?]+)$/.exec(req.url ?? '')?.[1]
  if (sku === 'broken') {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('prices are being recalculated')
  } else if (sku !== undefined && sku in PRICES) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku, price_cents: PRICES[sku] }))
  } else {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' }).end(req.url === '/health' ? 'ok' : 'no such price')
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = createServer(handlePrices).listen(Number(process.env.PORT), '127.0.0.1')
  process.once('SIGTERM', () => server.close())
}
