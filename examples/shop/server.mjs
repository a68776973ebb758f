// The shop: a small Express service backed by PostgreSQL, Redis and RabbitMQ. Started as
// `node --import tracewright/register server.mjs`, the official OpenTelemetry instrumentations of
// http, express, pg, ioredis and amqplib record what it does. Its only tracing code is what no
// instrumentation can do for it: the shipping consumer handles messages in batches, so it starts
// its own trace per batch and links it to each message's producer span, and its log lines carry
// the trace id.
//
// Where its data lives comes from the environment, so every test run gets its own:
//   DATABASE_URL      PostgreSQL; tables live in SHOP_SCHEMA (found through search_path)
//   REDIS_URL         Redis; every key starts with SHOP_REDIS_PREFIX
//   AMQP_URL          RabbitMQ; orders are published to SHOP_QUEUE, and consumed from it here
//   RECOMMENDATIONS_URL  a downstream service for product recommendations (optional)
//
// Endpoints:
//   GET  /health
//   GET  /orders?customer=ada            a customer's orders with their items: two queries
//   GET  /orders?customer=ada&nPlusOne=1 the same answer, one items query per order (the N+1)
//   GET  /products/:sku                  cache-aside: Redis first, PostgreSQL on a miss
//   GET  /products/:sku/recommendations  asks RECOMMENDATIONS_URL; degrades to [] when it fails
//   POST /checkout { customer, items }   stores the order and publishes `order.placed`
//   (consumer) order.placed              marks the order packed
//   POST /reservations { customer, items }  reserves stock in Redis (one DECRBY per item, all at
//                                        once), records the reservation in one transaction, then
//                                        publishes `reservation.made` to SHOP_QUEUE.shipping
//   (batch consumer) reservation.made    every 25 ms takes what is queued and prints a shipping
//                                        label per reservation, in a trace of its own linked to
//                                        each message's producer span
import express from 'express'
import pg from 'pg'
import { Redis } from 'ioredis'
import amqp from 'amqplib'
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api'

const env = (name) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`shop: ${name} is not set`)
  return value
}
const schema = env('SHOP_SCHEMA')
const queue = env('SHOP_QUEUE')
const prefix = env('SHOP_REDIS_PREFIX')
const recommendationsUrl = process.env.RECOMMENDATIONS_URL

// Unqualified table names, found through search_path: the span names and query texts stay the same
// whatever the schema is called, so a committed baseline matches every run.
const db = new pg.Pool({
  connectionString: env('DATABASE_URL'),
  options: `-c search_path=${schema}`,
  max: 4,
  // Idle connections stay open: whether a request opens one (a pg.connect span) then depends only
  // on what ran before it, not on how long ago.
  idleTimeoutMillis: 0,
})
const cache = new Redis(env('REDIS_URL'), { lazyConnect: true, maxRetriesPerRequest: 1 })
await cache.connect()
const broker = await amqp.connect(env('AMQP_URL'))
// A confirm channel: POST /checkout answers only once the broker has the message.
const publisher = await broker.createConfirmChannel()
const consumer = await broker.createChannel()

await consumer.consume(queue, async (message) => {
  if (message === null) return
  try {
    const { orderId } = JSON.parse(message.content.toString())
    await db.query("UPDATE orders SET status = 'packed' WHERE id = $1", [orderId])
    consumer.ack(message)
  } catch (error) {
    console.error('order.placed failed:', error)
    consumer.nack(message, false, false)
  }
})

// The shipping labels are printed in batches: one trace per batch, whose CONSUMER span links to the
// span that published each message (its context travelled in the message headers). amqplib's
// `get` is not instrumented, so the batch span is the consumer's only span besides its queries.
const shippingQueue = `${queue}.shipping`
const shipping = await broker.createChannel()
await shipping.assertQueue(shippingQueue, { durable: false, exclusive: true })
const tracer = trace.getTracer('shop-shipping', '1.0.0')

async function printLabels() {
  const batch = []
  for (let message = await shipping.get(shippingQueue); message !== false; message = await shipping.get(shippingQueue)) batch.push(message)
  if (batch.length === 0) return
  const links = batch.map((message) => ({
    context: trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.properties.headers ?? {})),
    attributes: { 'messaging.message.id': message.properties.messageId },
  })).filter((link) => link.context !== undefined)
  await tracer.startActiveSpan(`${shippingQueue} process`, {
    kind: SpanKind.CONSUMER,
    root: true,
    links,
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.batch.message_count': batch.length },
  }, async (span) => {
    try {
      const ids = batch.map((message) => JSON.parse(message.content.toString()).reservationId)
      await db.query('INSERT INTO labels (reservation_id) SELECT unnest($1::int[])', [ids])
      for (const message of batch) shipping.ack(message)
    } catch (error) {
      span.recordException(error)
      for (const message of batch) shipping.nack(message, false, false)
    } finally {
      span.end()
    }
  })
}
const shippingLoop = setInterval(() => printLabels().catch((error) => console.error('shipping failed:', error)), 25)
shippingLoop.unref()

/** One JSON log line carrying the active span's trace and span id, as a structured logger writes it. */
function log(level, msg, fields) {
  const context = trace.getActiveSpan()?.spanContext()
  console.log(JSON.stringify({ level, msg, ...fields, traceId: context?.traceId, spanId: context?.spanId }))
}

/** Runs `work` in one transaction on a pooled connection: COMMIT when it resolves, ROLLBACK when it throws. */
async function transaction(work) {
  const client = await db.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
}

const app = express()
app.use(express.json())

app.get('/health', (_req, res) => {
  res.send('ok')
})

app.get('/orders', async (req, res) => {
  const customer = String(req.query.customer ?? '')
  const { rows: orders } = await db.query('SELECT id, status FROM orders WHERE customer = $1 ORDER BY id', [customer])
  if (req.query.nPlusOne === '1') {
    // The regression the tests catch: one round trip per order.
    for (const order of orders) {
      const { rows } = await db.query('SELECT sku, quantity FROM order_items WHERE order_id = $1 ORDER BY sku', [order.id])
      order.items = rows
    }
  } else {
    const { rows } = await db.query(
      'SELECT order_id, sku, quantity FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, sku',
      [orders.map((o) => o.id)],
    )
    for (const order of orders) {
      order.items = rows.filter((r) => r.order_id === order.id).map(({ sku, quantity }) => ({ sku, quantity }))
    }
  }
  res.json(orders)
})

app.get('/products/:sku', async (req, res) => {
  const key = `${prefix}product:${req.params.sku}`
  const cached = await cache.get(key)
  if (cached !== null) {
    res.set('x-cache', 'hit').type('json').send(cached)
    return
  }
  const { rows } = await db.query('SELECT sku, name, price_cents FROM products WHERE sku = $1', [req.params.sku])
  if (rows.length === 0) {
    res.status(404).json({ error: 'no such product' })
    return
  }
  const body = JSON.stringify(rows[0])
  await cache.set(key, body, 'EX', 60)
  res.set('x-cache', 'miss').type('json').send(body)
})

app.get('/products/:sku/recommendations', async (req, res) => {
  // Recommendations are nice to have: when the service is down, the page still renders.
  try {
    const answer = await fetch(`${recommendationsUrl}/similar/${encodeURIComponent(req.params.sku)}`)
    res.json({ recommendations: await answer.json() })
  } catch (error) {
    console.error(`recommendations unavailable: ${error.cause?.code ?? error.message}`)
    res.json({ recommendations: [] })
  }
})

app.post('/checkout', async (req, res) => {
  const { customer, items } = req.body
  let orderId
  try {
    orderId = await transaction(async (client) => {
      const { rows } = await client.query('INSERT INTO orders (customer) VALUES ($1) RETURNING id', [customer])
      await client.query(
        'INSERT INTO order_items (order_id, sku, quantity) SELECT $1, * FROM unnest($2::text[], $3::int[])',
        [rows[0].id, items.map((i) => i.sku), items.map((i) => i.quantity)],
      )
      return rows[0].id
    })
  } catch (error) {
    // 23503: foreign_key_violation, an item whose SKU is not in products.
    if (error.code === '23503') {
      res.status(422).json({ error: 'unknown product' })
      return
    }
    throw error
  }
  publisher.sendToQueue(queue, Buffer.from(JSON.stringify({ orderId })), { contentType: 'application/json', type: 'order.placed' })
  await publisher.waitForConfirms()
  res.status(201).json({ orderId })
})

app.post('/reservations', async (req, res) => {
  const { customer, items } = req.body
  // Every item's stock at once: the DECRBYs are in flight together.
  const left = await Promise.all(items.map((i) => cache.decrby(`${prefix}stock:${i.sku}`, i.quantity)))
  left.forEach((stock, n) => {
    if (stock < 0) log('warn', 'stock below zero', { sku: items[n].sku, stock })
  })
  const reservationId = await transaction(async (client) => {
    const { rows } = await client.query('INSERT INTO reservations (customer) VALUES ($1) RETURNING id', [customer])
    await client.query(
      'INSERT INTO reservation_items (reservation_id, sku, quantity) SELECT $1, * FROM unnest($2::text[], $3::int[])',
      [rows[0].id, items.map((i) => i.sku), items.map((i) => i.quantity)],
    )
    return rows[0].id
  })
  publisher.sendToQueue(shippingQueue, Buffer.from(JSON.stringify({ reservationId })), {
    contentType: 'application/json', type: 'reservation.made', messageId: `reservation-${reservationId}`,
  })
  await publisher.waitForConfirms()
  log('info', 'reservation made', { reservationId, items: items.length })
  res.status(201).json({ reservationId })
})

const server = app.listen(Number(env('PORT')), '127.0.0.1', () => console.log(`shop listening on ${server.address().port}`))

