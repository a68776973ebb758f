import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { settleReport, startService } from 'tracewright'
import type { ChildProcessServiceOptions, Service } from 'tracewright'
import { denoExample } from '../../examples/deno/service.js'
import { goExample } from '../../examples/go/service.js'
import { javaExample } from '../../examples/java/service.js'
import { createOrdersDatabase } from '../../examples/polyglot/database.js'
import type { OrdersDatabase } from '../../examples/polyglot/database.js'
import type { LanguageExample } from '../../examples/polyglot/example.js'
import { pythonExample } from '../../examples/python/service.js'
import { envInt, forEachLimited, percentile, reportFigures } from './helpers.js'

/*
 * Is a trace handed to a test complete? Every request here knows how many spans its trace must
 * hold (the SERVER span and N children), and every trace's size at settle time is compared with
 * that and with its size after a generous wait: a span that came after the trace was handed out
 * counts as an incomplete trace. Run over every exporter in EXPORTERS (add a row for another SDK),
 * each protocol it speaks, batch delays of 1, 10 and 100 ms, concurrency 1, 25 and 100, a request
 * of more than 512 spans (several export batches), the first request after each start, and up to
 * four child-process services alive in one test process. The Go, Python, Java and Deno rows are
 * the examples' own orders services (examples/<language>) with their official SDKs, started as
 * their specs start them, with the default settle: their requests alternate between `GET /work`
 * and real PostgreSQL queries.
 */

const SCALE = envInt('TRACEWRIGHT_SETTLE_SCALE', 100) / 100
const fixtures = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url))

type Protocol = 'http/protobuf' | 'http/json' | 'grpc'
/** What a row starts: everything but the protocol, batch delay and name, which each case sets. */
type StartOptions = Omit<ChildProcessServiceOptions, 'protocol' | 'batchDelay' | 'name'>

/** A request that does real work besides `GET /work`, and the fewest spans its trace holds. */
interface QueryRequest {
  readonly path: string
  readonly minSpans: number
}

/** One way a service exports its spans. Another language's SDK is one more row. */
interface ExporterCase {
  readonly name: string
  readonly protocols: readonly Protocol[]
  /** Its startService options (a language's example needs its database first). */
  readonly options: () => Promise<StartOptions>
  /** Spans in the trace of `GET /work?spans=N`. */
  readonly traceSize: (children: number) => number
  /** How its traces must settle: `exact` when it reports span starts over the span channel. */
  readonly rule: 'exact' | 'quiet'
  /**
   * Sent as the first request after a start and as every other request at concurrency up to 25
   * (each holds a database connection, and PostgreSQL has 100 for every test running).
   */
  readonly query?: QueryRequest
  /** The part of PHASES' requests this row sends (default 1): a JVM or Flask serves fewer a second. */
  readonly share?: number
}

const fixed = (options: StartOptions): (() => Promise<StartOptions>) => () => Promise.resolve(options)

/** The orders database the examples query, made on first use and dropped after the file. */
let ordersDb: Promise<OrdersDatabase> | undefined
/**
 * A language's orders example as a row: started with the options its spec uses, so with the
 * default settle (no quietMs). `/orders?customer=ada&nPlusOne=1` runs four queries.
 */
const example = (name: string, lang: LanguageExample, share: number): ExporterCase => ({
  name,
  protocols: ['http/protobuf'],
  options: async () => {
    lang.ensureBuilt()
    const db = await (ordersDb ??= createOrdersDatabase('settle'))
    // The prices service is not called here: no /quote request is sent.
    const { name: _name, ...options } = lang.options({ DATABASE_URL: db.url, PRICES_URL: 'http://127.0.0.1:9/prices' })
    return { ...options, timeoutMs: 30_000 }
  },
  traceSize: (n) => n + 1,
  rule: 'quiet',
  query: { path: '/orders?customer=ada&nPlusOne=1', minSpans: 5 },
  share,
})

const EXPORTERS: readonly ExporterCase[] = [
  {
    name: 'register hook',
    protocols: ['http/protobuf', 'http/json', 'grpc'],
    options: fixed({ command: [process.execPath, '--import', 'tracewright/register', fixtures('register-service.mjs')], ready: { log: 'listening' }, timeoutMs: 30_000 }),
    traceSize: (n) => n + 1,
    rule: 'exact',
  },
  {
    name: 'JS SDK, own BatchSpanProcessor',
    protocols: ['http/protobuf', 'http/json', 'grpc'],
    options: fixed({ command: [process.execPath, fixtures('span-service.mjs')], ready: { log: 'listening' }, timeoutMs: 30_000 }),
    traceSize: (n) => n + 1,
    rule: 'quiet',
  },
  {
    name: 'JS SDK + harnessSpanProcessor',
    protocols: ['http/protobuf'],
    options: fixed({ command: [process.execPath, fixtures('span-service.mjs')], env: { SPAN_CHANNEL: '1' }, ready: { log: 'listening' }, timeoutMs: 30_000 }),
    traceSize: (n) => n + 1,
    rule: 'exact',
  },
  {
    name: 'Deno built-in',
    protocols: ['http/protobuf'],
    options: fixed({ command: [deno, 'run', '--allow-net', '--allow-env', '--allow-read', fixtures('deno-service.mjs')], env: { OTEL_DENO: 'true' }, ready: { log: 'listening' }, timeoutMs: 30_000 }),
    traceSize: (n) => n + 1,
    rule: 'quiet',
  },
  example('Go SDK (examples/go)', goExample, 0.5),
  example('Python SDK (examples/python)', pythonExample, 0.35),
  example('Java SDK (examples/java)', javaExample, 0.5),
  example('Deno orders (examples/deno)', denoExample, 0.35),
]

const BATCH_DELAYS = [1, 10, 100] as const
/** Requests per concurrency level for each exporter, protocol and batch delay. */
const PHASES = [
  { concurrency: 1, requests: Math.ceil(15 * SCALE) },
  { concurrency: 25, requests: Math.ceil(150 * SCALE) },
  { concurrency: 100, requests: Math.ceil(300 * SCALE) },
] as const
const WIDE_REQUEST = 600
const LATE_WAIT_MS = 400

interface Tally {
  requests: number
  incomplete: number
  requestMs: number[]
  settleMs: number[]
}

/** Every incomplete trace, described; a test fails on those it added (the first five shown). */
const failures: string[] = []
const failuresSince = (index: number): string[] => {
  const added = failures.slice(index)
  return added.length > 5 ? [...added.slice(0, 5), `… and ${added.length - 5} more`] : added
}
const tallies = new Map<string, Tally>()
const tallyFor = (name: string): Tally => {
  let tally = tallies.get(name)
  if (tally === undefined) tallies.set(name, tally = { requests: 0, incomplete: 0, requestMs: [], settleMs: [] })
  return tally
}

/** A request to send, and what its trace must hold. */
interface Probe {
  readonly path: string
  /** Exactly this many spans, or (for a query request) at least `minSpans`. */
  readonly spans: number
  readonly exact: boolean
}

const work = (exporter: ExporterCase, children: number): Probe => ({ path: `/work?spans=${children}`, spans: exporter.traceSize(children), exact: true })
const query = (q: QueryRequest): Probe => ({ path: q.path, spans: q.minSpans, exact: false })
/** The request a row sends first after a start: a query one where it has one (the first traces are the ones at risk). */
const first = (exporter: ExporterCase, children: number): Probe => exporter.query ? query(exporter.query) : work(exporter, children)

/** Sends one request and returns the check to run after the wait: its size then against at settle. */
async function probe(svc: Service, exporter: ExporterCase, request: Probe, label: string): Promise<() => void> {
  const tally = tallyFor(exporter.name)
  const t0 = performance.now()
  const { response, trace } = await svc.request(`GET ${request.path}`)
  tally.requestMs.push(performance.now() - t0)
  if (response.status !== 200) failures.push(`${label}: GET ${request.path} answered ${response.status}: ${response.text.slice(0, 200)}`)
  const settle = settleReport(trace)
  if (settle !== undefined) tally.settleMs.push(settle.settleMs)
  if (settle?.rule !== exporter.rule) failures.push(`${label}: settled by rule ${settle?.rule ?? '(none)'}, expected ${exporter.rule}`)
  const atSettle = trace.size
  tally.requests++
  return () => {
    const later = svc.store.trace(trace.traceId).size
    const short = request.exact ? atSettle !== request.spans : atSettle < request.spans
    if (short || later !== atSettle) {
      tally.incomplete++
      const late = settle?.late.map((l) => `${l.lateMs.toFixed(1)} ms`).join(', ') ?? ''
      failures.push(`${label}: GET ${request.path}: ${atSettle} spans at settle (window ${settle?.quietMs ?? '?'} ms), ${later} after ${LATE_WAIT_MS} ms` +
        `${late ? ` (late by ${late})` : ''}, expected ${request.exact ? '' : 'at least '}${request.spans}`)
    }
  }
}

const start = async (exporter: ExporterCase, protocol: Protocol, batchDelay: number, name: string): Promise<Service> =>
  startService({ ...await exporter.options(), protocol, batchDelay, name })

const settleAfterWait = async (checks: Array<() => void>): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, LATE_WAIT_MS))
  for (const check of checks) check()
}

describe('every trace handed out is complete', () => {
  afterAll(async () => {
    // A database that could not be made already failed the examples' tests, with the reason.
    await (await ordersDb?.catch(() => undefined))?.teardown()
    for (const [name, t] of tallies) {
      reportFigures(`settle completeness, ${name}`, {
        requests: t.requests,
        incomplete: t.incomplete,
        request_p50_ms: percentile(t.requestMs, 50),
        settle_p50_ms: percentile(t.settleMs, 50),
        settle_p99_ms: percentile(t.settleMs, 99),
        settle_max_ms: percentile(t.settleMs, 100),
      })
    }
  })

  const combos = EXPORTERS.flatMap((exporter) => exporter.protocols.flatMap((protocol) => BATCH_DELAYS.map((delay) => [exporter.name, protocol, delay, exporter] as const)))
  test.each(combos)('%s over %s, batch delay %i ms: first request, 1/25/100 in flight, a 600-span request', { timeout: 120_000 }, async (_name, protocol, delay, exporter) => {
    const label = `${exporter.name} ${protocol} ${delay}ms`
    const before = failures.length
    const svc = await start(exporter, protocol, delay, `settle-${delay}`)
    try {
      const checks = [await probe(svc, exporter, first(exporter, 3), `${label} first request`)]
      checks.push(await probe(svc, exporter, work(exporter, WIDE_REQUEST), `${label} ${WIDE_REQUEST}-span request`))
      for (const { concurrency, requests } of PHASES) {
        const count = Math.ceil(requests * (exporter.share ?? 1))
        await forEachLimited(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
          const request = exporter.query !== undefined && concurrency <= 25 && i % 2 === 1 ? query(exporter.query) : work(exporter, 1 + (i % 4))
          checks.push(await probe(svc, exporter, request, `${label} ×${concurrency}`))
        })
      }
      await settleAfterWait(checks)
    } finally {
      await svc.stop()
    }
    expect(failuresSince(before)).toEqual([])
  })

  /**
   * Starts the rows one after another in one test process, sending each its first request while
   * the ones started before keep serving, then spreads requests over all of them.
   */
  const startOneAfterAnother = async (rows: ReadonlyArray<readonly [ExporterCase, Protocol]>, requests: number): Promise<void> => {
    const before = failures.length
    const services: Array<[Service, ExporterCase]> = []
    const checks: Array<() => void> = []
    try {
      for (const [exporter, protocol] of rows) {
        const svc = await start(exporter, protocol, 10, `multi-${services.length}`)
        services.push([svc, exporter])
        const [firstCheck] = await Promise.all([
          probe(svc, exporter, first(exporter, 3), `service ${services.length} (${exporter.name}) first request`),
          ...services.slice(0, -1).map(([other, otherExporter]) => probe(other, otherExporter, work(otherExporter, 2), 'earlier service').then((c) => checks.push(c))),
        ])
        checks.push(firstCheck)
      }
      await forEachLimited(Array.from({ length: requests }, (_, i) => i), 25, async (i) => {
        const [svc, exporter] = services[i % services.length] as [Service, ExporterCase]
        const request = exporter.query !== undefined && i % 2 === 1 ? query(exporter.query) : work(exporter, 3)
        checks.push(await probe(svc, exporter, request, `${rows.length} services ×25, ${exporter.name}`))
      })
      await settleAfterWait(checks)
    } finally {
      await Promise.all(services.map(([svc]) => svc.stop()))
    }
    expect(failuresSince(before)).toEqual([])
  }
  const byName = (name: string): ExporterCase => {
    const found = EXPORTERS.find((e) => e.name.startsWith(name))
    if (found === undefined) throw new Error(`no exporter row named ${name}`)
    return found
  }

  test('four services started one after another in one test process, the first request to each', { timeout: 120_000 }, async () => {
    await startOneAfterAnother([
      [byName('register hook'), 'http/protobuf'], [byName('JS SDK, own BatchSpanProcessor'), 'http/protobuf'],
      [byName('JS SDK, own BatchSpanProcessor'), 'grpc'], [byName('Deno built-in'), 'http/protobuf'],
    ], Math.ceil(200 * SCALE))
  })

  test('the Go, Python, Java and Deno examples started one after another, the first request to each', { timeout: 120_000 }, async () => {
    await startOneAfterAnother([
      [byName('Go SDK'), 'http/protobuf'], [byName('Python SDK'), 'http/protobuf'],
      [byName('Java SDK'), 'http/protobuf'], [byName('Deno orders'), 'http/protobuf'],
    ], Math.ceil(200 * SCALE))
  })
})
