// A tiny in-memory "database", traced the way a database client instrumentation traces queries:
// one CLIENT span per statement, with the database semantic-convention attributes. Both versions
// of the service use it; they differ only in which statements they run.
import { SpanKind, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('shop-db', '1.0.0')

const orders = new Map([
  ['42', { id: '42', customer: 'ada', itemIds: ['1', '2', '3'] }],
  ['43', { id: '43', customer: 'grace', itemIds: ['4'] }],
])
const items = new Map([
  ['1', { id: '1', orderId: '42', sku: 'KB-01', cents: 4900 }],
  ['2', { id: '2', orderId: '42', sku: 'MS-02', cents: 2500 }],
  ['3', { id: '3', orderId: '42', sku: 'CB-03', cents: 900 }],
  ['4', { id: '4', orderId: '43', sku: 'KB-01', cents: 4900 }],
])

/** Runs `statement` against a table: a CLIENT span that takes about a millisecond, like a round trip. */
export function query(statement, table, run) {
  return tracer.startActiveSpan(`SELECT ${table}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'sqlite',
      'db.namespace': 'shop',
      'db.operation.name': 'SELECT',
      'db.collection.name': table,
      'db.query.text': statement,
    },
  }, async (span) => {
    try {
      await new Promise((resolve) => setTimeout(resolve, 1))
      return run()
    } finally {
      span.end()
    }
  })
}

export const db = { orders, items }
