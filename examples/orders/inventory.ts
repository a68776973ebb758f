import type { RequestListener } from 'node:http'
import { trace } from '@opentelemetry/api'

const stock: Record<string, number> = { 'KB-01': 12, 'MS-02': 0, 'CB-03': 7 }

/** The downstream inventory service: `GET /stock/:sku`; fails for the SKU `BROKEN`. */
export const inventoryApp: RequestListener = (req, res) => {
  const match = /^\/stock\/([\w-]+)$/.exec(req.url ?? '')
  trace.getActiveSpan()?.setAttribute('http.route', '/stock/:sku')
  if (req.method !== 'GET' || !match) {
    res.writeHead(404).end()
    return
  }
  const sku = match[1] as string
  if (sku === 'BROKEN') {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'warehouse offline' }))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku, available: stock[sku] ?? 0 }))
}
