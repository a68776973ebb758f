// The orders services of examples/go, python, java and deno, each exporting with its own official
// OpenTelemetry SDK, in one run (`npm run bench`, or alone: `node bench/other-languages.ts [go …]`,
// after `npm run build` and scripts/build-examples.sh):
// - time to ready: startService() until GET /health answers, 3 starts each;
// - per request, alternating blocks on one service: a plain HTTP request to it (undici, the
//   response only) against svc.request() (response, then the trace decoded and settled);
// - settle: from the response read to the trace settled, by the default rule (the learned quiet
//   window; no example sets quietMs), as settleReport() gives it for svc.request();
// - how many settled traces lacked spans that arrived later (incomplete), with the default rule and
//   with settling on the entry span's arrival alone (no quiet window), which shows what the window
//   is for.
import { randomBytes } from 'node:crypto'
import { Pool } from 'undici'
import { settleReport, settleTrace, startService } from '../dist/src/index.js'
import type { Service } from '../dist/src/index.js'
import { createOrdersDatabase } from '../examples/polyglot/database.ts'
import type { LanguageExample } from '../examples/polyglot/example.ts'
import { goExample } from '../examples/go/service.ts'
import { pythonExample } from '../examples/python/service.ts'
import { javaExample } from '../examples/java/service.ts'
import { denoExample } from '../examples/deno/service.ts'
import { median, printTable } from './report.ts'

const REQUESTS_PER_BLOCK = Number(process.env['BENCH_REQUESTS'] ?? 50)
const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 4)
const PATH = '/orders?customer=ada'
const all: readonly LanguageExample[] = [goExample, pythonExample, javaExample, denoExample]
const only = process.argv.slice(2)

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6

async function plainBlock(svc: Service, pool: Pool, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const res = await pool.request({ method: 'GET', path: PATH })
    await res.body.text()
    into.push(ms(t0))
  }
  void svc
}

async function tracewrightBlock(svc: Service, n: number, into: number[], sizes: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const { trace } = await svc.request(`GET ${PATH}`)
    into.push(ms(t0))
    sizes.push(trace.size)
    svc.store.release(trace.traceId)
  }
}

/** How long a span still to come may take: several batch delays, on a busy machine. */
const LATE_WAIT_MS = 300

/** A settled trace's size then, and the check to run once the late spans had time: true when some came. */
interface Settled {
  readonly ms: number
  readonly incomplete: () => boolean
}

/** Whether spans of a trace came in after it settled with `settled` spans; releases it. */
const cameLater = (svc: Service, traceId: string, settled: number) => (): boolean => {
  const total = svc.store.spans(traceId).length
  svc.store.release(traceId)
  return settled < total
}

/** Settles one request with the default rule, through svc.request(). */
async function settleDefault(svc: Service): Promise<Settled> {
  const { trace } = await svc.request(`GET ${PATH}`)
  return { ms: settleReport(trace)?.settleMs ?? Number.NaN, incomplete: cameLater(svc, trace.traceId, trace.size) }
}

/** Settles one request the moment its entry span has arrived (no quiet window, the rule before the learned one). */
async function settleOnEntry(svc: Service, pool: Pool): Promise<Settled> {
  const ids = randomBytes(24).toString('hex')
  const traceId = ids.slice(0, 32)
  svc.store.begin(traceId)
  const res = await pool.request({ method: 'GET', path: PATH, headers: { traceparent: `00-${traceId}-${ids.slice(32)}-01` } })
  await res.body.text()
  const t1 = process.hrtime.bigint()
  const trace = await settleTrace(svc.store, traceId, { harnessSpanId: ids.slice(32), quietMs: 0, timeoutMs: 10_000 })
  return { ms: ms(t1), incomplete: cameLater(svc, traceId, trace.size) }
}

async function benchLanguage(example: LanguageExample, databaseUrl: string): Promise<void> {
  example.ensureBuilt()
  // No shared collector: the options' Collector type is the sources', startService here the build's.
  const { collector: _none, ...options } = example.options({ DATABASE_URL: databaseUrl, PRICES_URL: 'http://127.0.0.1:9/prices' })
  const ready: number[] = []
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint()
    const svc = await startService(options)
    ready.push(ms(t0))
    await svc.stop()
  }
  const svc = await startService(options)
  const pool = new Pool(svc.url, { connections: 4 })
  const plain: number[] = []
  const ours: number[] = []
  const sizes: number[] = []
  await tracewrightBlock(svc, 20, [], [])
  await plainBlock(svc, pool, 20, [])
  for (let b = 0; b < BLOCKS; b++) {
    if (b % 2 === 0) {
      await plainBlock(svc, pool, REQUESTS_PER_BLOCK, plain)
      await tracewrightBlock(svc, REQUESTS_PER_BLOCK, ours, sizes)
    } else {
      await tracewrightBlock(svc, REQUESTS_PER_BLOCK, ours, sizes)
      await plainBlock(svc, pool, REQUESTS_PER_BLOCK, plain)
    }
  }
  const settle: number[] = []
  const onEntry: number[] = []
  const checks: Array<() => boolean> = []
  const checksOnEntry: Array<() => boolean> = []
  const n = REQUESTS_PER_BLOCK * 2
  for (let i = 0; i < n; i++) {
    const byDefault = await settleDefault(svc)
    settle.push(byDefault.ms)
    checks.push(byDefault.incomplete)
    const entryOnly = await settleOnEntry(svc, pool)
    onEntry.push(entryOnly.ms)
    checksOnEntry.push(entryOnly.incomplete)
  }
  await new Promise((resolve) => setTimeout(resolve, LATE_WAIT_MS))
  const incomplete = checks.filter((check) => check()).length
  const incompleteOnEntry = checksOnEntry.filter((check) => check()).length
  await pool.close()
  await svc.stop()
  printTable(`${example.language}: ${options.name} (${BLOCKS} alternating blocks × ${REQUESTS_PER_BLOCK}, ${median(sizes)} spans a trace)`, [
    ['time to ready (startService)', ready],
    [`plain HTTP request GET ${PATH}`, plain],
    ['svc.request() incl. decode + settle', ours],
    ['settle, default rule (learned quiet window)', settle],
    ['settle on the entry span\'s arrival alone (no window)', onEntry],
  ], `ratio of medians svc.request() / plain: ${(median(ours) / median(plain)).toFixed(2)}×; ` +
    `incomplete settled traces: ${incomplete}/${n} by default, ${incompleteOnEntry}/${n} on the entry span's arrival alone`)
}

export async function benchOtherLanguages(): Promise<void> {
  const db = await createOrdersDatabase('bench')
  try {
    for (const example of all) if (only.length === 0 || only.includes(example.language)) await benchLanguage(example, db.url)
  } finally {
    await db.teardown()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOtherLanguages()
