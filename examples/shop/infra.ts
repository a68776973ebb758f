// The real infrastructure the shop runs against: PostgreSQL, Redis and RabbitMQ. Each test run gets
// its own schema, queue and key prefix, and removes them afterwards, so runs never see each other's
// data and leave nothing behind. Nothing here is traced: it runs in the test process, before and
// after the service, with plain clients.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import amqp from 'amqplib'
import { Redis } from 'ioredis'
import pg from 'pg'

/** Where the infrastructure listens; the usual variables override the defaults. */
export const infraUrls = {
  postgres: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  redis: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  rabbitmq: process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
}

/**
 * `TRACEWRIGHT_SKIP_INFRA=1` excludes the tests that need PostgreSQL, Redis and RabbitMQ, and says
 * so once per file. Without it they run, and fail with one message naming what to start.
 *
 * @example
 * ```ts
 * describe.skipIf(skipInfra('the shop example'))('the shop', () => { … })
 * ```
 */
export function skipInfra(what: string): boolean {
  if (process.env['TRACEWRIGHT_SKIP_INFRA'] !== '1') return false
  console.warn(`TRACEWRIGHT_SKIP_INFRA=1: skipping ${what}, which needs PostgreSQL, Redis and RabbitMQ.`)
  return true
}

/** A short timeout for every connection attempt: a missing server should fail in seconds, not minutes. */
const CONNECT_TIMEOUT_MS = 3000

async function reachPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: infraUrls.postgres, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  try {
    await client.connect()
  } finally {
    await client.end().catch(() => {})
  }
}

async function reachRedis(): Promise<void> {
  const redis = new Redis(infraUrls.redis, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  // The error event says why (ECONNREFUSED); the rejected connect() only that the connection closed.
  let cause: unknown
  redis.on('error', (error) => { cause ??= error })
  try {
    await redis.connect().catch((error: unknown) => { throw cause ?? error })
  } finally {
    redis.disconnect()
  }
}

async function reachRabbitmq(): Promise<void> {
  const connection = await amqp.connect(infraUrls.rabbitmq, { timeout: CONNECT_TIMEOUT_MS })
  await connection.close()
}

/**
 * Checks that PostgreSQL, Redis and RabbitMQ answer, and throws one error naming every one that does
 * not, and how to start it or opt out.
 */
export async function requireInfrastructure(): Promise<void> {
  const checks = [
    ['PostgreSQL', infraUrls.postgres, 'DATABASE_URL', reachPostgres],
    ['Redis', infraUrls.redis, 'REDIS_URL', reachRedis],
    ['RabbitMQ', infraUrls.rabbitmq, 'AMQP_URL', reachRabbitmq],
  ] as const
  const results = await Promise.allSettled(checks.map(([, , , reach]) => reach()))
  const missing = checks.flatMap(([name, url, variable], i) => {
    const result = results[i]
    if (result?.status !== 'rejected') return []
    const reason = result.reason as { code?: string; message?: string }
    return [`  - ${name} at ${redact(url)} (${variable}): ${reason.code ?? reason.message ?? String(reason)}`]
  })
  if (missing.length > 0) {
    throw new Error(
      `Failed to reach the infrastructure these tests run against:\n${missing.join('\n')}\n` +
        'Please start them with `bash scripts/services.sh up` (it installs what is missing), ' +
        'point the variables above at running servers, or set TRACEWRIGHT_SKIP_INFRA=1 to exclude these tests.',
    )
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

/** One run's own schema, queue and key prefix, and how to remove them. */
export interface RunResources {
  /** PostgreSQL schema `<name>_<random>`; the service finds its tables through `search_path`. */
  readonly schema: string
  /** RabbitMQ queue `<name>-<random>`, declared non-durable. */
  readonly queue: string
  /** Redis key prefix `<name>:<random>:`. */
  readonly redisPrefix: string
  /** The environment server.mjs reads to use these resources (`DATABASE_URL`, `SHOP_SCHEMA`, …). */
  readonly env: Readonly<Record<string, string>>
  /** Runs SQL in the run's schema, with no tracing (set-up and checks). */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<T[]>
  /** Drops the schema, deletes the queue and every key under the prefix. Safe to call twice. */
  teardown(): Promise<void>
}

/**
 * Checks the infrastructure is reachable, then creates a schema (running `ddl` in it) and a queue
 * with names unique to this run.
 *
 * @example
 * ```ts
 * const run = await createRunResources('shop', 'CREATE TABLE products (sku text PRIMARY KEY)')
 * afterAll(() => run.teardown())
 * ```
 */
export async function createRunResources(name: string, ddl = ''): Promise<RunResources> {
  await requireInfrastructure()
  const id = randomBytes(4).toString('hex')
  const schema = `${name}_${id}`
  const queue = `${name}-${id}`
  const redisPrefix = `${name}:${id}:`
  const db = new pg.Pool({ connectionString: infraUrls.postgres, options: `-c search_path=${schema}`, max: 2 })
  const redis = new Redis(infraUrls.redis, { lazyConnect: true, maxRetriesPerRequest: 1 })
  let tornDown: Promise<void> | undefined
  const teardown = (): Promise<void> => {
    tornDown ??= (async () => {
      const results = await Promise.allSettled([
        db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => db.end()),
        (async () => {
          const connection = await amqp.connect(infraUrls.rabbitmq)
          try {
            const channel = await connection.createChannel()
            await channel.deleteQueue(queue)
          } finally {
            await connection.close()
          }
        })(),
        (async () => {
          try {
            await redis.connect().catch(() => {})
            const keys: string[] = []
            for await (const batch of redis.scanStream({ match: `${redisPrefix}*`, count: 100 })) keys.push(...(batch as string[]))
            if (keys.length > 0) await redis.del(...keys)
          } finally {
            redis.disconnect()
          }
        })(),
      ])
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
      if (failed.length > 0) throw new Error(`Failed to remove this run's resources (${schema}, ${queue}, ${redisPrefix}*): ${failed.join('; ')}`)
    })()
    return tornDown
  }
  try {
    await db.query(`CREATE SCHEMA ${schema}`)
    if (ddl !== '') await db.query(ddl)
    const connection = await amqp.connect(infraUrls.rabbitmq)
    try {
      const channel = await connection.createChannel()
      // Not durable, deleted at teardown; auto-delete would drop it whenever the consumer reconnects.
      await channel.assertQueue(queue, { durable: false })
    } finally {
      await connection.close()
    }
  } catch (error) {
    await teardown().catch(() => {})
    throw error
  }
  return {
    schema,
    queue,
    redisPrefix,
    env: {
      DATABASE_URL: infraUrls.postgres,
      REDIS_URL: infraUrls.redis,
      AMQP_URL: infraUrls.rabbitmq,
      SHOP_SCHEMA: schema,
      SHOP_QUEUE: queue,
      SHOP_REDIS_PREFIX: redisPrefix,
    },
    sql: async (text, values) => (await db.query(text, values as unknown[] | undefined)).rows,
    teardown,
  }
}

/**
 * A local port with nothing listening on it (bound once by the system, then released): where a
 * downstream service that is down would be.
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${await closedPort()}`
 * ```
 */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
