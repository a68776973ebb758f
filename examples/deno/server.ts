// The orders service on Deno: Deno.serve and fetch, traced by Deno's built-in OpenTelemetry
// (OTEL_DENO=true, which tracewright's startService sets with the rest of the OTEL_* environment).
// Deno instruments Deno.serve and fetch itself; it has no instrumentation for database clients, so
// each query gets a CLIENT span through @opentelemetry/api, which Deno's built-in exporter serves.
import pg from 'pg'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'

const databaseUrl = Deno.env.get('DATABASE_URL')
if (databaseUrl === undefined) throw new Error('orders: DATABASE_URL is not set')
const pricesUrl = Deno.env.get('PRICES_URL') ?? ''
const db = new pg.Pool({ connectionString: databaseUrl, max: 4 })
const tracer = trace.getTracer('orders-deno')

/** One query, as a CLIENT span with the database semantic-convention attributes. */
async function select<T extends pg.QueryResultRow>(table: string, text: string, values: unknown[]): Promise<T[]> {
  return await tracer.startActiveSpan(`SELECT ${table}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'postgresql', 'db.query.text': text, 'db.operation.name': 'SELECT', 'db.collection.name': table },
  }, async (span) => {
    try {
      return (await db.query<T>(text, values)).rows
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
      throw error
    } finally {
      span.end()
    }
  })
}

/** A customer's orders with their items: two queries, or one per order with ?nPlusOne=1. */
async function orders(url: URL): Promise<Response> {
  const ids = (await select<{ id: number }>('orders', 'SELECT id FROM orders WHERE customer = $1 ORDER BY id', [url.searchParams.get('customer')])).map((row) => row.id)
  const rows = url.searchParams.get('nPlusOne') === '1'
    ? (await Promise.all(ids.map((id) => select<{ order_id: number; sku: string; quantity: number }>('order_items', 'SELECT order_id, sku, quantity FROM order_items WHERE order_id = $1 ORDER BY sku', [id])))).flat()
    : await select<{ order_id: number; sku: string; quantity: number }>('order_items', 'SELECT order_id, sku, quantity FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, sku', [ids])
  const byId = new Map(ids.map((id) => [id, [] as { sku: string; quantity: number }[]]))
  for (const row of rows) byId.get(row.order_id)?.push({ sku: row.sku, quantity: row.quantity })
  return Response.json([...byId].map(([id, items]) => ({ id, items })))
}

/** Asks the prices service downstream; a failure there is a 502 here. */
async function quote(sku: string): Promise<Response> {
  try {
    const response = await fetch(`${pricesUrl}/${sku}`)
    if (!response.ok) return new Response(`prices answered ${response.status}`, { status: 502 })
    return new Response(await response.text(), { headers: { 'content-type': 'application/json' } })
  } catch (error) {
    return new Response(`prices unreachable: ${(error as Error).message}`, { status: 502 })
  }
}

/**
 * ?spans=N child spans (default 3), nothing else: test/reliability/settle-completeness.test.ts sends
 * it thousands of times, and once with more than 512 spans (several export batches).
 */
function work(url: URL): Response {
  const spans = Number(url.searchParams.get('spans') ?? 3)
  for (let i = 0; i < spans; i++) tracer.startActiveSpan(`step ${i}`, (span) => span.end())
  return new Response('done')
}

const server = Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT')) }, async (request) => {
  const url = new URL(request.url)
  if (url.pathname === '/health') return new Response('ok')
  if (url.pathname === '/orders') return await orders(url)
  if (url.pathname === '/work') return work(url)
  const sku = /^\/quote\/([^/]+)$/.exec(url.pathname)?.[1]
  if (sku !== undefined) return await quote(sku)
  return new Response('not found', { status: 404 })
})

Deno.addSignalListener('SIGTERM', () => {
  void server.shutdown().then(() => db.end()).then(() => Deno.exit(0))
})
