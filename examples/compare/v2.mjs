// Version 2 of the shop service. Two regressions, as they slip into real code:
// - the items are loaded one query per item (an N+1: 1 query becomes 3 for order 42), with a
//   different statement;
// - pricing got three times slower ("new tax rules").
//   node --import tracewright/register examples/compare/v2.mjs
import { db, query } from './db.mjs'
import { serve, work } from './server.mjs'

serve({
  'GET /orders': async () => query('SELECT id, customer FROM orders', 'orders', () => [...db.orders.values()]),
  'GET /orders/:id': async ({ id }) => {
    const order = await query('SELECT id, customer FROM orders WHERE id = ?', 'orders', () => db.orders.get(id))
    if (order === undefined) return undefined
    const items = []
    for (const itemId of order.itemIds) {
      items.push(await query('SELECT id, sku, cents FROM items WHERE id = ?', 'items', () => db.items.get(itemId)))
    }
    await work('price order', 12)
    return { ...order, items, total: items.reduce((sum, item) => sum + item.cents, 0) }
  },
})
