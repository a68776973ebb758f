// `tracewright/instrument` as the first import: the ES imports below run in order, so pg and
// express load after the instrumentations are registered, as they do behind a set-up file.
import 'tracewright/instrument'
import express from 'express'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dbQuery, spanKey, startService } from 'tracewright'
import type { Service } from 'tracewright'
import { infraUrls, skipInfra } from '../../examples/shop/infra.js'
import { uninstrumentedCallChannels } from '../../src/harness/library-check.js'

test('with tracewright/instrument, outgoing calls always make CLIENT spans: no channel is watched for them', () => {
  expect(uninstrumentedCallChannels()).toEqual([])
})

describe.skipIf(skipInfra('tracewright/instrument with pg and express in-process'))('tracewright/instrument', () => {
  let pool: pg.Pool
  let svc: Service

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: infraUrls.postgres, max: 2 })
    const app = express()
    app.get('/items/:id', async (req, res) => {
      const a = await pool.query('SELECT $1::int AS id', [req.params.id])
      const b = await pool.query('SELECT count(*) FROM pg_class WHERE relkind = $1', ['r'])
      res.json({ id: a.rows[0].id, tables: b.rows[0].count })
    })
    svc = await startService({ app, name: 'items' })
  })

  afterAll(async () => {
    await svc?.stop()
    await pool?.end()
  })

  test('pg spans reach an in-process trace, with no code in the app', async () => {
    const { response, trace } = await svc.request('GET /items/7')
    expect(response.status).toBe(200)
    expect(trace).toHaveSpanCount(dbQuery('postgresql'), 2)
    expect(trace).toHaveSpan({ name: 'pg-pool.connect' })
    expect(trace.span(dbQuery({ text: /pg_class/ }))).toBeDescendantOf({ kind: 'SERVER' })
  })

  test('one SERVER span per request, the harness\'s, named by the route express reports', async () => {
    const { trace } = await svc.request('GET /items/7')
    expect(trace).toHaveSpanCount({ kind: 'SERVER' }, 1)
    expect(trace.root).toHaveAttribute('http.route', '/items/:id')
    expect(trace.root.name).toBe('GET /items/:id')
  })

  test('each query is its own span key', async () => {
    const { trace } = await svc.request('GET /items/7')
    const keys = trace.spans(dbQuery()).map((span) => spanKey(trace, span))
    expect(new Set(keys).size).toBe(2)
    expect(keys[0]).toMatch(/^items \| SELECT \$1::int AS id \| GET \/items\/:id/)
  })

  test('dbQuery leaves connection spans out of the N+1 count', async () => {
    const { trace } = await svc.request('GET /items/7')
    const allPostgres = trace.spans({ attributes: { 'db.system.name': 'postgresql' } }).length
    expect(allPostgres).toBeGreaterThan(trace.spans(dbQuery('postgresql')).length)
  })
})
