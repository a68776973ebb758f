import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'

// A tiny in-memory data layer, traced the way a database client instrumentation traces queries:
// one CLIENT span per statement with the database semantic-convention attributes.
const tracer = trace.getTracer('orders-repository', '1.0.0')

export interface Order {
  readonly id: string
  readonly customer: string
  readonly itemIds: readonly string[]
}

export interface Item {
  readonly id: string
  readonly sku: string
  readonly quantity: number
}

const orders = new Map<string, Order>([
  ['42', { id: '42', customer: 'ada', itemIds: ['1', '2', '3'] }],
  ['43', { id: '43', customer: 'grace', itemIds: ['4'] }],
  ['44', { id: '44', customer: 'linus', itemIds: ['5'] }],
])
const items = new Map<string, Item>([
  ['1', { id: '1', sku: 'KB-01', quantity: 1 }],
  ['2', { id: '2', sku: 'MS-02', quantity: 2 }],
  ['3', { id: '3', sku: 'CB-03', quantity: 4 }],
  ['4', { id: '4', sku: 'KB-01', quantity: 1 }],
  ['5', { id: '5', sku: 'BROKEN', quantity: 1 }],
])

function query<T>(statement: string, table: string, run: () => T): Promise<T> {
  return tracer.startActiveSpan(`SELECT ${table}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'other_sql',
      'db.namespace': 'shop',
      'db.operation.name': 'SELECT',
      'db.collection.name': table,
      'db.query.text': statement,
    },
  }, async (span) => {
    try {
      // Real drivers wait on a socket; a timer makes the span take measurable time.
      await new Promise((resolve) => setTimeout(resolve, 1))
      return run()
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
      throw error
    } finally {
      span.end()
    }
  })
}

export function findOrder(id: string): Promise<Order | undefined> {
  return query('SELECT id, customer FROM orders WHERE id = $1', 'orders', () => orders.get(id))
}

/** One query for all items of an order. */
export function findItems(ids: readonly string[]): Promise<Item[]> {
  return query('SELECT id, sku, quantity FROM items WHERE id = ANY($1)', 'items', () =>
    ids.map((id) => items.get(id)).filter((item): item is Item => item !== undefined))
}

/** The N+1 way: one query per item. Kept to show what `toHaveSpanCount` catches. */
export async function findItemsOneByOne(ids: readonly string[]): Promise<Item[]> {
  const found: Item[] = []
  for (const id of ids) {
    const item = await query('SELECT id, sku, quantity FROM items WHERE id = $1', 'items', () => items.get(id))
    if (item) found.push(item)
  }
  return found
}
