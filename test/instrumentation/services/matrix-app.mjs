// One app exercising every instrumentation tracewright/register loads, written once and run both
// ways: as its own process through `tracewright/register` (matrix-server.mjs), and inside the test
// process against the harness's provider (instrumentation.test.ts). The client libraries are passed
// in, so the in-process test can hand over modules it required after enabling the
// instrumentations, and the child process the ones it imported.
//
// Every endpoint answers 200 unless it is about a failing request, so each test reads the spans,
// not the response, for what went wrong.

/** See matrix-app.d.mts for the types. */
export async function createMatrixApp(libs, config) {
  const { express, pg, Redis, amqp, http } = libs
  const connection = { connectionString: config.databaseUrl, options: `-c search_path=${config.schema}` }
  const db = new pg.Pool({ ...connection, max: 2, idleTimeoutMillis: 0 })
  // One pooled connection opened up front, kept open: a request's trace then shows a pool checkout,
  // and a new connection only where the endpoint opens one itself.
  await db.query('SELECT 1')
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  const broker = await amqp.connect(config.amqpUrl)
  const publisher = await broker.createConfirmChannel()
  const consumer = await broker.createChannel()
  await consumer.consume(config.queue, async (message) => {
    if (message === null) return
    // Work in the consumer's span: the message's trace continues into the database.
    await db.query('SELECT $1::text AS received', [message.content.toString()])
    consumer.ack(message)
  })

  const app = express()
  const self = (req) => `http://${req.headers.host}`

  app.get('/health', (_req, res) => { res.send('ok') })
  app.get('/downstream', (req, res) => {
    res.status(Number(req.query.status ?? 200)).send('downstream')
  })

  // http and undici: outgoing calls with fetch and node:http, and a SERVER span on the far side.
  app.get('/http/fetch', async (req, res) => {
    const answer = await fetch(`${self(req)}/downstream?via=fetch`)
    res.send(await answer.text())
  })
  app.get('/http/node', async (req, res) => {
    const text = await new Promise((resolve, reject) => {
      http.get(`${self(req)}/downstream?via=http`, (answer) => {
        let body = ''
        answer.setEncoding('utf8').on('data', (chunk) => { body += chunk }).on('end', () => resolve(body))
      }).on('error', reject)
    })
    res.send(text)
  })
  app.get('/http/503', async (req, res) => {
    const answer = await fetch(`${self(req)}/downstream?status=503`)
    res.send(`downstream answered ${answer.status}`)
  })
  app.get('/http/refused', async (_req, res) => {
    try {
      await fetch(`${config.deadUrl}/nothing-listens`)
      res.send('unexpected answer')
    } catch (error) {
      res.send(`refused: ${error.cause?.code ?? error.message}`)
    }
  })

  // pg: a pooled query with a parameter; then a connection of its own (a failed query makes the
  // pool drop its connection) and a query that fails with 42P01 undefined_table.
  app.get('/pg', async (_req, res) => {
    const { rows } = await db.query('SELECT $1::int + 1 AS answer', [41])
    const client = new pg.Client(connection)
    await client.connect()
    const failed = await client.query('SELECT * FROM no_such_table').then(() => 'no error', (error) => error.code)
    await client.end()
    res.json({ answer: rows[0].answer, failed })
  })

  // ioredis: a write, a read, and a command the server refuses.
  app.get('/redis', async (_req, res) => {
    const key = `${config.redisPrefix}greeting`
    await redis.set(key, 'hello')
    const value = await redis.get(key)
    const failed = await redis.incr(key).then(() => 'no error', (error) => error.message)
    res.json({ value, failed })
  })

  // amqplib: publish (PRODUCER), confirmed by the broker before the answer; consumed above (CONSUMER).
  app.post('/amqp', async (_req, res) => {
    publisher.sendToQueue(config.queue, Buffer.from('ping'), { contentType: 'text/plain' })
    await publisher.waitForConfirms()
    res.status(202).send('published')
  })

  // express: a router, a middleware, and a handler that throws into the error handler.
  const router = express.Router()
  router.use((_req, res, next) => {
    res.set('x-router', 'matrix')
    next()
  })
  router.get('/items/:id', (req, res) => { res.json({ id: req.params.id }) })
  router.get('/boom', () => {
    throw new RangeError('boom in a route')
  })
  app.use('/express', router)
  app.use((error, _req, res, _next) => {
    res.status(500).send(error.message)
  })

  return {
    app,
    async close() {
      await Promise.allSettled([broker.close(), redis.quit(), db.end()])
    },
  }
}
