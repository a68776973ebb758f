import { describe, expect, test } from 'vitest'
import { spanKey } from '../../src/baseline/span-key.js'
import { normaliseStatement, spanLabel } from '../../src/model/span-label.js'
import { buildTrace } from '../fixtures/build-trace.js'
import type { SpanSpec } from '../fixtures/build-trace.js'

// What @opentelemetry/instrumentation-pg records: one name for every query on database `test`.
const pgQuery = (text: string, startMs: number): SpanSpec => ({
  name: 'pg.query:SELECT test', kind: 'CLIENT', startMs, endMs: startMs + 1,
  attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'test', 'db.query.text': text },
})

const pgTrace = (first: string, second: string) => buildTrace({
  name: 'GET /orders/:id', kind: 'SERVER', startMs: 0, endMs: 10,
  children: [
    { name: 'pg-pool.connect', startMs: 0, endMs: 1, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'test' } },
    pgQuery(first, 1),
    pgQuery(second, 3),
  ],
}, { service: 'orders' })

describe('span identity of database spans with generic names', () => {
  test('two different pg queries get two span keys, and a swapped query changes the keys', () => {
    const trace = pgTrace('SELECT * FROM orders WHERE id = $1', 'SELECT * FROM items WHERE order_id = $1')
    const keys = trace.spans({ kind: 'CLIENT' }).map((span) => spanKey(trace, span))
    expect(keys).toEqual([
      'orders | SELECT * FROM orders WHERE id = $1 | GET /orders/:id',
      'orders | SELECT * FROM items WHERE order_id = $1 | GET /orders/:id',
    ])
    const swapped = pgTrace('SELECT * FROM orders WHERE id = $1', 'SELECT * FROM audit WHERE order_id = $1')
    const swappedKeys = swapped.spans({ kind: 'CLIENT' }).map((span) => spanKey(swapped, span))
    expect(swappedKeys).not.toEqual(keys)
  })

  test('the tree shows the query beside the generic name', () => {
    const trace = pgTrace('SELECT * FROM orders WHERE id = $1', 'SELECT 1')
    expect(trace.toString()).toContain('pg.query:SELECT test · SELECT * FROM orders WHERE id = $1  CLIENT')
    expect(trace.toString()).toContain('pg-pool.connect  INTERNAL')
  })

  test('prefers db.query.summary, then operation and collection', () => {
    const [summary, opColl] = buildTrace({
      name: 'root', startMs: 0, endMs: 5,
      children: [
        { name: 'SELECT', startMs: 0, endMs: 1, attributes: { 'db.system.name': 'mysql', 'db.query.summary': 'SELECT users', 'db.operation.name': 'SELECT', 'db.query.text': 'SELECT * FROM users' } },
        { name: 'find', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'mongodb', 'db.operation.name': 'find', 'db.collection.name': 'orders' } },
      ],
    }).spans({ kind: 'INTERNAL' }).slice(1)
    expect([spanLabel(summary!), spanLabel(opColl!)]).toEqual(['SELECT users', 'find orders'])
  })

  test('keeps a name that already says what the span does, and key-value commands by name', () => {
    const spans = buildTrace({
      name: 'root', startMs: 0, endMs: 5,
      children: [
        { name: 'SELECT items', startMs: 0, endMs: 1, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM items WHERE id = 4' } },
        { name: 'get', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'redis', 'db.query.text': 'get user:42' } },
        { name: 'GET /x', startMs: 2, endMs: 3, attributes: { 'http.request.method': 'GET' } },
      ],
    }).spans().slice(1)
    expect(spans.map(spanLabel)).toEqual(['SELECT items', 'get', 'GET /x'])
  })

  test('normalises literals and whitespace, keeps placeholders', () => {
    expect(normaliseStatement(`UPDATE orders\n   SET status = 'it''s packed', n = 42 WHERE id = $1 AND t2.x = 3.5`))
      .toBe('UPDATE orders SET status = ?, n = ? WHERE id = $1 AND t2.x = ?')
    expect(normaliseStatement(`SELECT ${'a, '.repeat(100)}b`)).toHaveLength(120)
  })
})
