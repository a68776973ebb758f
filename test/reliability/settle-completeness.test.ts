import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { settleReport, startService } from 'tracewright'
import type { Service } from 'tracewright'
import { envInt, forEachLimited, percentile, reportFigures } from './helpers.js'

/*
 * Is a trace handed to a test complete? Every request here knows how many spans its trace must
 * hold (the SERVER span and N children), and every trace's size at settle time is compared with
 * that and with its size after a generous wait: a span that came after the trace was handed out
 * counts as an incomplete trace. Run over every exporter in EXPORTERS (add a row for another SDK),
 * each protocol it speaks, batch delays of 1, 10 and 100 ms, concurrency 1, 25 and 100, a request
 * of more than 512 spans (several export batches), the first request after each start, and up to
 * four child-process services alive in one test process.
 */

const SCALE = envInt('TRACEWRIGHT_SETTLE_SCALE', 100) / 100
const fixtures = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url))

type Protocol = 'http/protobuf' | 'http/json' | 'grpc'

/** One way a service exports its spans. Another language's SDK is one more row. */
interface ExporterCase {
  readonly name: string
  readonly protocols: readonly Protocol[]
  readonly command: readonly [string, ...string[]]
  readonly env?: Readonly<Record<string, string>>
  /** Spans in the trace of `GET /work?spans=N`. */
  readonly traceSize: (children: number) => number
  /** How its traces must settle: `exact` when it reports span starts over the span channel. */
  readonly rule: 'exact' | 'quiet'
}

const EXPORTERS: readonly ExporterCase[] = [
  {
    name: 'register hook',
    protocols: ['http/protobuf', 'http/json', 'grpc'],
    command: [process.execPath, '--import', 'tracewright/register', fixtures('register-service.mjs')],
    traceSize: (n) => n + 1,
    rule: 'exact',
  },
  {
    name: 'JS SDK, own BatchSpanProcessor',
    protocols: ['http/protobuf', 'http/json', 'grpc'],
    command: [process.execPath, fixtures('span-service.mjs')],
    traceSize: (n) => n + 1,
    rule: 'quiet',
  },
  {
    name: 'JS SDK + harnessSpanProcessor',
    protocols: ['http/protobuf'],
    command: [process.execPath, fixtures('span-service.mjs')],
    env: { SPAN_CHANNEL: '1' },
    traceSize: (n) => n + 1,
    rule: 'exact',
  },
  {
    name: 'Deno built-in',
    protocols: ['http/protobuf'],
    command: [deno, 'run', '--allow-net', '--allow-env', '--allow-read', fixtures('deno-service.mjs')],
    env: { OTEL_DENO: 'true' },
    traceSize: (n) => n + 1,
    rule: 'quiet',
  },
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

/** Sends one request and returns the check to run after the wait: its size then against at settle. */
async function probe(svc: Service, exporter: ExporterCase, children: number, label: string): Promise<() => void> {
  const tally = tallyFor(exporter.name)
  const t0 = performance.now()
  const { trace } = await svc.request(`GET /work?spans=${children}`)
  tally.requestMs.push(performance.now() - t0)
  const settle = settleReport(trace)
  if (settle !== undefined) tally.settleMs.push(settle.settleMs)
  if (settle?.rule !== exporter.rule) failures.push(`${label}: settled by rule ${settle?.rule ?? '(none)'}, expected ${exporter.rule}`)
  const atSettle = trace.size
  const expected = exporter.traceSize(children)
  tally.requests++
  return () => {
    const later = svc.store.trace(trace.traceId).size
    if (atSettle !== expected || later !== atSettle) {
      tally.incomplete++
      failures.push(`${label}: ${atSettle} spans at settle, ${later} after ${LATE_WAIT_MS} ms, expected ${expected}`)
    }
  }
}

const start = (exporter: ExporterCase, protocol: Protocol, batchDelay: number, name: string): Promise<Service> => startService({
  command: exporter.command,
  ...(exporter.env ? { env: exporter.env } : {}),
  ready: { log: 'listening' },
  protocol,
  batchDelay,
  name,
  timeout: 30_000,
})

const settleAfterWait = async (checks: Array<() => void>): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, LATE_WAIT_MS))
  for (const check of checks) check()
}

describe('every trace handed out is complete', () => {
  afterAll(() => {
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

  const combos = EXPORTERS.flatMap((exporter) => exporter.protocols.flatMap((protocol) => BATCH_DELAYS.map((delay) => [exporter, protocol, delay] as const)))
  test.each(combos)('%s over %s, batch delay %i ms: first request, 1/25/100 in flight, a 600-span request', { timeout: 120_000 }, async (exporter, protocol, delay) => {
    const label = `${exporter.name} ${protocol} ${delay}ms`
    const before = failures.length
    const svc = await start(exporter, protocol, delay, `settle-${delay}`)
    try {
      const checks = [await probe(svc, exporter, 3, `${label} first request`)]
      checks.push(await probe(svc, exporter, WIDE_REQUEST, `${label} ${WIDE_REQUEST}-span request`))
      for (const { concurrency, requests } of PHASES) {
        await forEachLimited(Array.from({ length: requests }, (_, i) => i), concurrency, async (i) => {
          checks.push(await probe(svc, exporter, 1 + (i % 4), `${label} ×${concurrency}`))
        })
      }
      await settleAfterWait(checks)
    } finally {
      await svc.stop()
    }
    expect(failuresSince(before)).toEqual([])
  })

  test('four services started one after another in one test process, the first request to each', { timeout: 120_000 }, async () => {
    const byName = (name: string): ExporterCase => EXPORTERS.find((e) => e.name === name) as ExporterCase
    const rows = [
      [byName('register hook'), 'http/protobuf'], [byName('JS SDK, own BatchSpanProcessor'), 'http/protobuf'],
      [byName('JS SDK, own BatchSpanProcessor'), 'grpc'], [byName('Deno built-in'), 'http/protobuf'],
    ] as const
    const before = failures.length
    const services: Array<[Service, ExporterCase]> = []
    const checks: Array<() => void> = []
    try {
      for (const [exporter, protocol] of rows) {
        const svc = await start(exporter, protocol, 10, `multi-${services.length}`)
        services.push([svc, exporter])
        // The first request after each start, while the services started before keep serving.
        const [first] = await Promise.all([
          probe(svc, exporter, 3, `service ${services.length} (${exporter.name}) first request`),
          ...services.slice(0, -1).map(([other, otherExporter]) => probe(other, otherExporter, 2, 'earlier service').then((c) => checks.push(c))),
        ])
        checks.push(first)
      }
      await forEachLimited(Array.from({ length: Math.ceil(200 * SCALE) }, (_, i) => i), 25, async (i) => {
        const [svc, exporter] = services[i % services.length] as [Service, ExporterCase]
        checks.push(await probe(svc, exporter, 3, `4 services ×25, ${exporter.name}`))
      })
      await settleAfterWait(checks)
    } finally {
      await Promise.all(services.map(([svc]) => svc.stop()))
    }
    expect(failuresSince(before)).toEqual([])
  })
})
