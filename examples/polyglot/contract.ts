// The contract every language's orders service is held to, written once: each language's spec
// (examples/<language>/<language>.spec.ts) runs it against its own service, started as a child
// process with that language's official OpenTelemetry SDK. The spans asserted on are the SDK's and
// its instrumentations'; where SDKs name or describe the same thing differently, the expectations
// say so per language.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { lintTrace, startService } from 'tracewright'
import type { Service, SpanQuery, Trace } from 'tracewright'
import { createOrdersDatabase } from './database.js'
import type { OrdersDatabase } from './database.js'
import type { LanguageExample } from './example.js'
import { handlePrices } from './prices.mjs'

/** What differs between SDKs for the same request. */
export interface ContractExpectations {
  /** Extra environment for the service, e.g. OTEL_SEMCONV_STABILITY_OPT_IN; named in the test titles. */
  readonly env?: Readonly<Record<string, string>>
  /** The entry span of `GET /orders?customer=ada`. */
  readonly ordersEntry: SpanQuery
  /** The entry span of `GET /quote/:sku`. */
  readonly quoteEntry: SpanQuery
  /** The attribute holding the SQL text (`db.query.text` in the stable conventions, `db.statement` before). */
  readonly queryTextAttribute: string
  /** The attribute holding the HTTP status code (`http.response.status_code`, `http.status_code` before). */
  readonly statusCodeAttribute: string
  /** How the status code is recorded: a number, as the conventions say, or a string (Deno). */
  readonly statusCodeType: 'number' | 'string'
  /** The `lintTrace` rules this SDK's default instrumentation still breaks (empty: it lints clean). */
  readonly lintRules: readonly string[]
}

/** The attributes of the stable HTTP and database conventions, as the SDKs that follow them record them. */
export const STABLE_CONVENTIONS = {
  queryTextAttribute: 'db.query.text',
  statusCodeAttribute: 'http.response.status_code',
  statusCodeType: 'number',
} as const

/** Starts the prices downstream in the test process: plain node:http, not traced. */
async function startPrices(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handlePrices)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/prices`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Defines the contract's tests for one language.
 *
 * @example
 * ```ts
 * describeOrdersContract(goExample, { ordersEntry: { name: 'GET /orders' }, … })
 * ```
 */
export function describeOrdersContract(example: LanguageExample, expected: ContractExpectations): void {
  /** The SQL statements reading `table`, whatever the SDK calls the attribute. */
  // Only statements the handler ran: otelpgx adds a child span with the same text when pgx
  // prepares a statement, which is not a second query.
  const sqlOn = (table: string): SpanQuery => ({
    kind: 'CLIENT',
    parent: { kind: 'SERVER' },
    attributes: { [expected.queryTextAttribute]: new RegExp(`\\bFROM ${table}\\b`) },
  })
  const status = (code: number): Record<string, number | string> => ({ [expected.statusCodeAttribute]: expected.statusCodeType === 'number' ? code : String(code) })

  const variant = Object.entries(expected.env ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')
  describe(`the ${example.language} orders service${variant ? ` with ${variant}` : ''}`, () => {
    let db: OrdersDatabase | undefined
    let prices: Awaited<ReturnType<typeof startPrices>> | undefined
    let svc: Service

    beforeAll(async () => {
      example.ensureBuilt()
      db = await createOrdersDatabase(example.language)
      prices = await startPrices()
      const options = example.options({ DATABASE_URL: db.url, PRICES_URL: prices.url })
      svc = await startService({ ...options, env: { ...options.env, ...expected.env } })
    })

    afterAll(async () => {
      await svc?.stop()
      await prices?.close()
      await db?.teardown()
    })

    test('GET /orders reads the orders and all their items in two queries', async () => {
      const { response, trace } = await svc.request('GET /orders?customer=ada')
      expect(response.status).toBe(200)
      expect(response.json()).toEqual([
        { id: 1, items: [{ sku: 'CB-03', quantity: 2 }, { sku: 'KB-01', quantity: 1 }] },
        { id: 2, items: [{ sku: 'MS-02', quantity: 1 }] },
        { id: 3, items: [{ sku: 'CB-03', quantity: 5 }] },
      ])
      expect(trace.root).toMatchObject({ kind: 'SERVER' })
      expect(trace).toHaveSpan({ ...expected.ordersEntry, kind: 'SERVER' })
      expect(trace).toHaveSpanCount(sqlOn('orders'), 1)
      expect(trace).toHaveSpanCount(sqlOn('order_items'), 1)
      expect(trace.span(sqlOn('order_items'))).toBeDescendantOf(trace.root)
    })

    test('the N+1 variant answers the same, and toHaveSpanCount catches it', async () => {
      const batched = await svc.request('GET /orders?customer=ada')
      const { response, trace } = await svc.request('GET /orders?customer=ada&nPlusOne=1')
      expect(response.json()).toEqual(batched.response.json())
      expect(trace).toHaveSpanCount(sqlOn('order_items'), 3)
      // The assertion of the test above fails on this trace, as it would in CI if the N+1 shipped.
      expect(() => expect(trace).toHaveSpanCount(sqlOn('order_items'), 1)).toThrow(/Received: 3 matching spans/)
    })

    test('GET /quote/:sku asks the prices service downstream, in a CLIENT span', async () => {
      const { response, trace } = await svc.request('GET /quote/KB-01')
      expect(response.status).toBe(200)
      expect(response.json()).toEqual({ sku: 'KB-01', price_cents: 4900 })
      expect(trace).toHaveSpan({ ...expected.quoteEntry, kind: 'SERVER' })
      const call = trace.span({ kind: 'CLIENT', attributes: status(200) })
      expect(call).toBeDescendantOf(trace.root)
      expect(call).toHaveStatus('UNSET')
    })

    test('a failing downstream is a 502, recorded as an error on the CLIENT span and on the entry span', async () => {
      const { response, trace } = await svc.request('GET /quote/broken')
      expect(response.status).toBe(502)
      expect(trace.span({ kind: 'CLIENT' })).toMatchObject({ status: { code: 'ERROR' }, attributes: status(503) })
      expect(trace.root).toHaveStatus('ERROR')
      expect(trace.root).toMatchObject({ attributes: status(502) })
      expect(trace).toHaveSpanCount({ status: 'ERROR' }, 2)
    })

    test('what toFollowTraceConventions reports on the default instrumentation', async () => {
      const traces: Trace[] = []
      for (const request of ['GET /orders?customer=ada', 'GET /quote/KB-01', 'GET /quote/broken']) traces.push((await svc.request(request)).trace)
      const rules = [...new Set(traces.flatMap((trace) => lintTrace(trace).map((v) => v.rule)))].sort()
      const report = traces.flatMap((trace) => lintTrace(trace).map((v) => `${v.rule} ${v.span.name} ${v.attribute ?? ''}: ${v.message}`))
      expect(rules, report.join('\n')).toEqual([...expected.lintRules].sort())
      if (expected.lintRules.length === 0) for (const trace of traces) expect(trace).toFollowTraceConventions()
    })
  })
}
