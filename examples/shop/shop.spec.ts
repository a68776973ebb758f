import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { CapturedSpan, Service, SpanQuery, Trace } from 'tracewright'
import { closedPort, createRunResources, skipInfra } from './infra.js'
import type { RunResources } from './infra.js'

// A contract test of a real service: the shop (server.mjs) is an Express app on PostgreSQL, Redis
// and RabbitMQ, started as its own process. It contains no tracing code at all:
// `node --import tracewright/register` loads the official OpenTelemetry instrumentations of http,
// express, pg, ioredis and amqplib, so every span asserted on here is one they emit, the same spans
// production tracing shows. The tests pin down what the shop does inside a request, which its
// responses cannot show: how many queries it makes, when it uses the cache, what it publishes, and
// where a failure is recorded.
//
// It needs PostgreSQL, Redis and RabbitMQ (see infra.ts for the defaults and variables); without
// them the tests fail with a message saying what to start. TRACEWRIGHT_SKIP_INFRA=1 excludes them.

/** SQL statements on `table`, as the pg instrumentation records them: `db.query.text` is the SQL. */
const sqlOn = (table: string): SpanQuery => ({
  attributes: { 'db.system.name': 'postgresql', 'db.query.text': new RegExp(`\\b(FROM|INTO|UPDATE) ${table}\\b`) },
})

/** The statements the shop sent to PostgreSQL or Redis in a trace (those matching `where`), in order. */
const statements = (trace: Trace, where: SpanQuery = {}): unknown[] =>
  trace.spans({ ...where, kind: 'CLIENT', attributes: { 'db.query.text': expect.any(String) } }).map((span) => span.attributes['db.query.text'])

describe.skipIf(skipInfra('the shop example'))('the shop', () => {
  let run: RunResources
  let shop: Service

  beforeAll(async () => {
    // This run's own schema, queue and Redis key prefix, so runs never meet; removed in afterAll.
    run = await createRunResources('shop', await readFile(new URL('schema.sql', import.meta.url), 'utf8'))
    shop = await startService({
      command: [process.execPath, '--import', 'tracewright/register', fileURLToPath(new URL('server.mjs', import.meta.url))],
      ready: { http: '/health' },
      name: 'shop',
      // The recommendations service is down: nothing listens there.
      env: { ...run.env, RECOMMENDATIONS_URL: `http://127.0.0.1:${await closedPort()}` },
    })
  })

  afterAll(async () => {
    await shop?.stop()
    await run?.teardown()
  })

  describe('GET /orders: a customer\'s orders with their items', () => {
    test('reads the orders and all their items in two queries', async () => {
      const { response, trace } = await shop.request('GET /orders?customer=ada')
      expect(response.status).toBe(200)
      expect(response.json()).toHaveLength(3)

      // The http and express instrumentations name the entry span after the route.
      expect(trace.root).toMatchObject({ name: 'GET /orders', kind: 'SERVER' })
      expect(trace.root).toHaveAttribute('http.route', '/orders')

      // One query per table, however many orders Ada has.
      expect(trace).toHaveSpanCount(sqlOn('orders'), 1)
      expect(trace).toHaveSpanCount(sqlOn('order_items'), 1)
      expect(trace.span(sqlOn('order_items'))).toHaveAttribute('db.query.text', expect.stringContaining('order_id = ANY($1)'))
      expect(trace.span(sqlOn('order_items'))).toBeDescendantOf(trace.root)
    })

    test('the N+1 variant answers the same, and toHaveSpanCount catches it', async () => {
      const batched = await shop.request('GET /orders?customer=ada')
      const { response, trace } = await shop.request('GET /orders?customer=ada&nPlusOne=1')

      // Nothing in the response gives it away…
      expect(response.json()).toEqual(batched.response.json())

      // …but the trace does: one items query per order.
      expect(trace).toHaveSpanCount(sqlOn('order_items'), 3)
      // The assertion of the test above fails on it, as it would in CI if the N+1 shipped. The
      // message names the selector and the count, and marks each match in the captured trace:
      //
      //   Expected: 1 span matching { attributes: { "db.system.name": "postgresql", "db.query.text": /\b(FROM|INTO|UPDATE) order_items\b/ } }
      //   Received: 3 matching spans
      //
      //   trace 412ecf0870e19570330cec093a832926 · 11 spans · 9.37 ms
      //   GET /orders  SERVER  shop  8.85 ms
      //   ├─ middleware - jsonParser  INTERNAL  shop  0.05 ms
      //   └─ request handler  INTERNAL  shop  8.37 ms
      //      ├─ pg-pool.connect  CLIENT  shop  0.28 ms
      //      ├─ pg.query:SELECT test  CLIENT  shop  0.92 ms
      //      ├─ pg-pool.connect  CLIENT  shop  0.07 ms
      //      ├─ pg.query:SELECT test  CLIENT  shop  1.01 ms  ◀ match 1/3
      //      ├─ pg-pool.connect  CLIENT  shop  0.35 ms
      //      ├─ pg.query:SELECT test  CLIENT  shop  0.58 ms  ◀ match 2/3
      //      ├─ pg-pool.connect  CLIENT  shop  0.21 ms
      //      └─ pg.query:SELECT test  CLIENT  shop  0.45 ms  ◀ match 3/3
      expect(() => expect(trace).toHaveSpanCount(sqlOn('order_items'), 1)).toThrow(/Received: 3 matching spans/)
    })

    test('keeps the query structure recorded in its baseline, which the N+1 variant breaks', async () => {
      // The baseline is committed in __baselines__/shop.spec.ts.json, recorded with
      // `TRACEWRIGHT_UPDATE_BASELINES=1 npx vitest run examples/shop`. It holds, per span key
      // (service | span name | path of ancestor names), how many such spans each request makes.
      //
      // Durations are not compared (`durations: false`): a query's time depends on the state of
      // PostgreSQL (its caches, autovacuum, whatever else the server is doing) as much as on this
      // code, so a committed baseline of database timings would fail for reasons no change caused.
      // The structure, which queries run, how many times and under which span, gates exactly.
      // Warm-up runs (3 by default) are discarded: they open the pool's first connection.
      //
      // Against that baseline, the N+1 variant fails with:
      //
      //   Received: 2 structural changes, 0 slower span keys (3 runs against 5)
      //
      //   Structure (spans per run):
      //     ~ shop | pg-pool.connect | GET /orders > request handler: 2 → 4 per run
      //     ~ shop | pg.query:SELECT test | GET /orders > request handler: 2 → 4 per run
      const nPlusOne = await shop.measure('GET /orders?customer=ada&nPlusOne=1', { runs: 3 })
      expect(nPlusOne).not.toMatchBaseline({ durations: false })

      // Measured last: when recording, each call writes this test's entry, so this one is kept.
      const batched = await shop.measure('GET /orders?customer=ada', { runs: 5 })
      expect(batched).toMatchBaseline({ durations: false })
    })
  })

  describe('GET /products/:sku: cache-aside', () => {
    test('a miss reads PostgreSQL and fills Redis; the next request reads Redis only', async () => {
      const miss = await shop.request('GET /products/KB-01')
      const hit = await shop.request('GET /products/KB-01')
      expect(hit.response.json()).toEqual(miss.response.json())
      expect([miss.response.headers['x-cache'], hit.response.headers['x-cache']]).toEqual(['miss', 'hit'])

      // Two requests, two shapes. `statements` lists what the ioredis and pg instrumentations
      // recorded; ioredis records the command and key, and only counts further arguments.
      const key = `${run.redisPrefix}product:KB-01`
      expect(statements(miss.trace)).toEqual([
        `get ${key}`,
        'SELECT sku, name, price_cents FROM products WHERE sku = $1',
        `set ${key} [3 other arguments]`,
      ])
      expect(statements(hit.trace)).toEqual([`get ${key}`])

      // The same contract as span assertions: the hit never reaches PostgreSQL.
      expect(miss.trace).toHaveSpan({ name: 'set', attributes: { 'db.system.name': 'redis' } })
      expect(hit.trace).not.toHaveSpan({ attributes: { 'db.system.name': 'postgresql' } })
      expect(hit.trace).not.toHaveSpan({ name: 'set' })
      expect(hit.trace.span({ name: 'get' })).toBeChildOf({ name: 'request handler' })
    })
  })

  describe('POST /checkout: the order is stored, then packed by a consumer', () => {
    const checkout = (items: { sku: string; quantity: number }[]) =>
      shop.request({ method: 'POST', path: '/checkout', json: { customer: 'grace', items } })

    test('publishes order.placed inside the request; the consumer packs the order in the same trace', async () => {
      const { response, trace } = await checkout([{ sku: 'KB-01', quantity: 1 }, { sku: 'CB-03', quantity: 2 }])
      expect(response.status).toBe(201)
      const { orderId } = response.json<{ orderId: number }>()

      // Inside the request: one transaction, then the message, confirmed by the broker. (The
      // request handler's own statements: the consumer's hang under its CONSUMER span.)
      expect(statements(trace, { parent: { name: 'request handler' } })).toEqual([
        'BEGIN',
        'INSERT INTO orders (customer) VALUES ($1) RETURNING id',
        expect.stringContaining('INSERT INTO order_items'),
        'COMMIT',
      ])
      const publish = trace.span({ kind: 'PRODUCER' })
      expect(publish).toHaveAttribute('messaging.system', 'rabbitmq')
      expect(publish).toHaveAttribute('messaging.rabbitmq.routing_key', run.queue)
      expect(publish).toBeChildOf({ name: 'request handler' })

      // The consumer works on its own schedule, so its spans may come after the response has been
      // answered and the trace handed back: wait for them rather than expecting them in `trace`.
      // The traceparent travelled in the message's headers, so they belong to this trace.
      const consume = await shop.waitForSpan(trace, { kind: 'CONSUMER' })
      expect(consume).toBeChildOf(publish)
      expect(consume.name).toBe(`${run.queue} process`)
      const pack = await shop.waitForSpan(trace, { ...sqlOn('orders'), ancestor: { kind: 'CONSUMER' } })
      expect(pack).toHaveAttribute('db.query.text', "UPDATE orders SET status = 'packed' WHERE id = $1")
      expect(shop.store.trace(trace.traceId)).toBeConnected()

      // And the database agrees with the trace.
      expect(await run.sql('SELECT status FROM orders WHERE id = $1', [orderId])).toEqual([{ status: 'packed' }])
    })

    test('an unknown SKU fails on the items INSERT, rolls back and publishes nothing', async () => {
      const { response, trace } = await checkout([{ sku: 'NO-SUCH-SKU', quantity: 1 }])
      expect(response.status).toBe(422)

      // The error is on the statement that failed, with PostgreSQL's message and SQLSTATE…
      const failed = trace.span({ status: 'ERROR' })
      expect(failed).toHaveAttribute('db.query.text', expect.stringContaining('INSERT INTO order_items'))
      expect(failed).toHaveStatus('ERROR', /violates foreign key constraint "order_items_sku_fkey"/)
      expect(failed).toHaveRecordedException(/code: 23503/)
      // …and nowhere else: a 422 is the client's error, so the SERVER span is not marked failed.
      expect(trace).toHaveSpanCount({ status: 'ERROR' }, 1)
      expect(trace.root).toHaveAttribute('http.response.status_code', 422)

      expect(statements(trace).at(-1)).toBe('ROLLBACK')
      expect(trace).not.toHaveSpan({ kind: 'PRODUCER' })
    })
  })

  describe('POST /reservations: parallel stock calls, one transaction, a batch consumer in its own trace', () => {
    const reserve = (customer: string, items: { sku: string; quantity: number }[]) =>
      shop.request({ method: 'POST', path: '/reservations', json: { customer, items } })
    const stockCall = { kind: 'CLIENT', attributes: { 'db.system.name': 'redis', 'db.query.text': expect.stringMatching(/^decrby /) } } as const
    const sql = (text: string | RegExp): SpanQuery => ({ attributes: { 'db.system.name': 'postgresql', 'db.query.text': text } })

    test('the three stock calls run in parallel; the transaction runs one statement after another', async () => {
      const { response, trace } = await reserve('linus', [{ sku: 'KB-01', quantity: 1 }, { sku: 'MS-02', quantity: 1 }, { sku: 'CB-03', quantity: 4 }])
      expect(response.status).toBe(201)

      // ioredis sends the three DECRBYs before the first reply comes back: all in flight at once.
      expect(trace).toHaveSpanCount(stockCall, 3)
      expect(trace).toRunInParallel(stockCall)
      // The transaction's statements are awaited one by one, each starting after the one before.
      const [begin, ...rest] = trace.spans({ ...sql(/^(BEGIN|INSERT|COMMIT)/), parent: { name: 'request handler' } })
      expect(rest).toHaveLength(3)
      rest.reduce((previous, statement) => {
        expect(statement).toStartAfter(previous as CapturedSpan)
        return statement
      }, begin)
      // Stock is reserved before the transaction starts, and the message goes out after it commits.
      for (const call of trace.spans(stockCall)) expect(call).toEndBefore(sql('BEGIN'))
      expect(trace.span({ kind: 'PRODUCER' })).toStartAfter(sql('COMMIT'))
    })

    test('a structured log line carries the trace id; toHaveLog finds it on the trace and on its span', async () => {
      const { response, trace } = await reserve('margaret', [{ sku: 'CB-03', quantity: 1 }])
      const { reservationId } = response.json<{ reservationId: number }>()

      // The shop writes one JSON line per reservation to stdout with the active span's ids; the
      // harness links it to the trace, and its fields become the log's attributes.
      expect(trace).toHaveLog({ severity: 'info', attributes: { msg: 'reservation made', reservationId } })
      expect(trace.span({ name: 'request handler' })).toHaveLog({ body: expect.stringContaining('"msg":"reservation made"') })
      // Nothing was stocked in this run's Redis, so every reservation takes stock below zero.
      expect(trace).toHaveLog({ severity: 'warn', attributes: { msg: 'stock below zero', sku: 'CB-03' } })
      expect(trace).not.toHaveLog({ severity: 'error' })
    })

    test('the batch consumer\'s trace links to the publishing span; waitForSpan finds it with { linked: true }', async () => {
      const [first, second] = await Promise.all([
        reserve('grace', [{ sku: 'KB-01', quantity: 1 }]),
        reserve('ada', [{ sku: 'MS-02', quantity: 2 }]),
      ])
      for (const { response, trace } of [first, second]) {
        expect(response.status).toBe(201)
        const publish = trace.span({ kind: 'PRODUCER' })
        expect(publish).toHaveAttribute('messaging.rabbitmq.routing_key', `${run.queue}.shipping`)
        // Printed in a batch, in a trace of its own: not in the request's trace…
        expect(trace).not.toHaveSpan({ kind: 'CONSUMER' })
        // …but in one that links to this request's publish, found by waiting in the linked traces.
        const batch = await shop.waitForSpan(trace, { kind: 'CONSUMER', linkedTo: { kind: 'PRODUCER' } }, { linked: true })
        expect(batch.traceId).not.toBe(trace.traceId)
        expect(batch.name).toBe(`${run.queue}.shipping process`)
        const { reservationId } = response.json<{ reservationId: number }>()
        expect(batch).toHaveLink(publish, { 'messaging.message.id': `reservation-${reservationId}` })
        expect(batch).toStartAfter(publish)
        const print = await shop.waitForSpan(trace, { ...sql(/INSERT INTO labels/), parent: { kind: 'CONSUMER' } }, { linked: true })
        expect(print).toBeChildOf(batch)
        // The hop from the request to the consumer is a link, not a parent: connected with links.
        expect(trace).toBeConnected({ links: true })
      }
      expect(await run.sql('SELECT count(*)::int AS n FROM labels')).toEqual([{ n: expect.any(Number) }])
    })
  })

  describe('GET /products/:sku/recommendations: a downstream service that is down', () => {
    test('the failed call is an error on its CLIENT span, and the page still renders', async () => {
      const { response, trace } = await shop.request('GET /products/KB-01/recommendations')
      expect(response.status).toBe(200)
      expect(response.json()).toEqual({ recommendations: [] })

      // The undici instrumentation records the fetch that found nothing listening…
      const call = trace.span({ kind: 'CLIENT', attributes: { 'url.full': expect.stringContaining('/similar/KB-01') } })
      expect(call).toHaveStatus('ERROR', /ECONNREFUSED/)
      expect(call).toHaveAttribute('error.type', 'ECONNREFUSED')
      expect(call).toHaveRecordedException({ type: 'ECONNREFUSED' })
      expect(call).toBeChildOf({ name: 'request handler' })
      // …while the request that handled the failure is not marked failed.
      expect(trace.root).toHaveStatus('UNSET')
      expect(trace).toHaveSpanCount({ status: 'ERROR' }, 1)
    })
  })
})
