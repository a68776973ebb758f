// Version 1 of the shop service: an order and its items in two queries, then pricing.
//   node --import tracewright/register examples/compare/v1.mjs
import { db, query } from './db.mjs'
import { serve, work } from './server.mjs'

serve({
  'GET /orders': async () => query('SELECT id, customer FROM orders', 'orders', () => [...db.orders.values()]),
  'GET /orders/:id': async ({ id }) => {
    const order = await query('SELECT id, customer FROM orders WHERE id = ?', 'orders', () => db.orders.get(id))
    if (order === undefined) return undefined
    const items = await query('SELECT id, sku, cents FROM items WHERE order_id = ?', 'items',
      () => [...db.items.values()].filter((item) => item.orderId === id))
    await work('price order', 4)
    return { ...order, items, total: items.reduce((sum, item) => sum + item.cents, 0) }
  },
})
