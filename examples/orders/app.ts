import type { RequestListener } from 'node:http'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { request } from 'undici'
import { findItems, findItemsOneByOne, findOrder } from './repository.js'
import type { Item } from './repository.js'

const tracer = trace.getTracer('orders-app', '1.0.0')

export interface OrdersAppOptions {
  /** Base URL of the inventory service. */
  readonly inventoryUrl: string
  /** Load items one query per item (the N+1 bug) instead of one query. */
  readonly nPlusOne?: boolean
}

/**
 * The orders service: `GET /orders/:id` reads the order and its items and asks the inventory
 * service for the stock of each SKU; `POST /orders/:id/audit` answers at once and writes an
 * audit record in the background.
 */
export function createOrdersApp(options: OrdersAppOptions): RequestListener {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const order = /^\/orders\/(\w+)$/.exec(url.pathname)
    const audit = /^\/orders\/(\w+)\/audit$/.exec(url.pathname)
    if (req.method === 'GET' && order) {
      trace.getActiveSpan()?.setAttribute('http.route', '/orders/:id')
      const found = await findOrder(order[1] as string)
      if (!found) {
        res.writeHead(404).end()
        return
      }
      const items = options.nPlusOne ? await findItemsOneByOne(found.itemIds) : await findItems(found.itemIds)
      const stock = await checkStock(options.inventoryUrl, items)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...found, items, stock }))
      return
    }
    if (req.method === 'POST' && audit) {
      trace.getActiveSpan()?.setAttribute('http.route', '/orders/:id/audit')
      res.writeHead(202).end()
      // Background work in the request's context: its span ends after the response.
      setTimeout(() => {
        tracer.startActiveSpan('write audit record', (span) => {
          span.setAttribute('order.id', audit[1] as string)
          span.end()
        })
      }, 20)
      return
    }
    res.writeHead(404).end()
  }
}

async function checkStock(inventoryUrl: string, items: readonly Item[]): Promise<Record<string, number>> {
  const skus = [...new Set(items.map((i) => i.sku))]
  const results = await Promise.all(skus.map((sku) => fetchStock(inventoryUrl, sku)))
  return Object.fromEntries(skus.map((sku, i) => [sku, results[i] ?? 0]))
}

// A hand-made CLIENT span, as an HTTP client instrumentation would make it: stable semantic
// convention attributes, context injected into the outgoing headers.
async function fetchStock(inventoryUrl: string, sku: string): Promise<number> {
  const target = new URL(`/stock/${sku}`, inventoryUrl)
  return tracer.startActiveSpan('GET', {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': 'GET',
      'url.full': target.href,
      'server.address': target.hostname,
      'server.port': Number(target.port),
    },
  }, async (span) => {
    try {
      const headers: Record<string, string> = {}
      propagation.inject(context.active(), headers)
      const res = await request(target, { headers })
      span.setAttribute('http.response.status_code', res.statusCode)
      const body = await res.body.json() as { available?: number }
      if (res.statusCode >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `inventory answered ${res.statusCode}` })
        span.setAttribute('error.type', String(res.statusCode))
        return 0
      }
      return body.available ?? 0
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
      throw error
    } finally {
      span.end()
    }
  })
}
