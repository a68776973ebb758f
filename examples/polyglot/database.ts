// The orders data every language's example reads, in a PostgreSQL schema of its own per test run
// (removed afterwards). Set-up runs in the test process with a plain, untraced client.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** Where PostgreSQL listens; DATABASE_URL overrides the default. */
export const postgresUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

const SCHEMA_SQL = `
CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL);
CREATE TABLE order_items (order_id integer NOT NULL REFERENCES orders, sku text NOT NULL, quantity integer NOT NULL);
-- Ada has three orders: the N+1 variant makes three items queries where one does.
INSERT INTO orders (customer) VALUES ('ada'), ('ada'), ('ada'), ('grace');
INSERT INTO order_items VALUES (1, 'KB-01', 1), (1, 'CB-03', 2), (2, 'MS-02', 1), (3, 'CB-03', 5), (4, 'KB-01', 1);
`

/** A run's own schema. */
export interface OrdersDatabase {
  /**
   * DATABASE_URL for the services: PostgreSQL with the schema on `search_path`
   * (`?options=-csearch_path=…`, which libpq, pgx, node-postgres and the Java example all read).
   */
  readonly url: string
  /** Drops the schema. Safe to call twice. */
  teardown(): Promise<void>
}

/**
 * Creates a schema with the orders tables and data.
 *
 * @example
 * ```ts
 * const db = await createOrdersDatabase('go')
 * afterAll(() => db.teardown())
 * ```
 */
export async function createOrdersDatabase(name: string): Promise<OrdersDatabase> {
  const schema = `orders_${name}_${randomBytes(4).toString('hex')}`
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw new Error(`Failed to reach PostgreSQL at ${postgresUrl} (DATABASE_URL): ${(error as Error).message}. ` +
      'Please start it (e.g. `service postgresql start`) or point DATABASE_URL at one.', { cause: error })
  }
  try {
    await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; ${SCHEMA_SQL}`)
  } finally {
    await client.end()
  }
  const url = new URL(postgresUrl)
  url.searchParams.set('options', `-csearch_path=${schema}`)
  let dropped: Promise<void> | undefined
  return {
    url: url.toString(),
    teardown: () => (dropped ??= (async () => {
      const admin = new pg.Client({ connectionString: postgresUrl })
      await admin.connect()
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await admin.end()
      }
    })()),
  }
}
