// Per-request cost of a service in its own process, one exporter at a time, in one run:
// - plain: an undici request with a traceparent to the same running service (its spans still go
//   to the collector and are decoded there, so the decode is on both sides);
// - tracewright: svc.request(), which also waits until the trace is settled.
// Blocks alternate (plain, tracewright, …) so machine drift hits both sides alike. Settle is read
// from settleReport(trace): from the response being read to the trace being handed out.
// Exporters: the register hook (span channel, flush on local-root end: settles exactly), the
// official JS SDK with its own BatchSpanProcessor, and Deno's built-in exporter (both settle by
// the learned quiet window).
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { settleReport, startService } from '../dist/src/index.js'
import type { Service } from '../dist/src/index.js'
import { median, printTable } from './report.ts'

const BATCH_DELAY = Number(process.env['BENCH_BATCH_DELAY'] ?? 10)
const REQUESTS_PER_BLOCK = Number(process.env['BENCH_REQUESTS'] ?? 150)
const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 4)
const fixture = (name: string): string => fileURLToPath(new URL(`../test/reliability/fixtures/${name}`, import.meta.url))
const deno = fileURLToPath(new URL('../node_modules/.bin/deno', import.meta.url))

const EXPORTERS: ReadonlyArray<{ name: string; command: [string, ...string[]]; env?: Record<string, string> }> = [
  { name: 'register hook', command: [process.execPath, '--import', 'tracewright/register', fixture('register-service.mjs')] },
  { name: 'JS SDK, own BatchSpanProcessor', command: [process.execPath, fixture('span-service.mjs')] },
  { name: 'Deno built-in', command: [deno, 'run', '--allow-net', '--allow-env', '--allow-read', fixture('deno-service.mjs')], env: { OTEL_DENO: 'true' } },
]

async function plainBlock(svc: Service, pool: Pool, n: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const ids = randomBytes(24).toString('hex')
    const t0 = process.hrtime.bigint()
    const res = await pool.request({ method: 'GET', path: '/work?spans=3', headers: { traceparent: `00-${ids.slice(0, 32)}-${ids.slice(32)}-01` } })
    await res.body.text()
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  // Let the spans of these requests arrive before the next block, then forget them.
  await new Promise((resolve) => setTimeout(resolve, BATCH_DELAY * 3 + 50))
  svc.store.clear()
  return times
}

async function tracewrightBlock(svc: Service, n: number): Promise<{ request: number[]; settle: number[] }> {
  const request: number[] = []
  const settle: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const { trace } = await svc.request('GET /work?spans=3')
    request.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (trace.size !== 4) throw new Error(`expected 4 spans, got ${trace.size}:\n${trace.toString()}`)
    settle.push(settleReport(trace)?.settleMs ?? Number.NaN)
    svc.store.release(trace.traceId)
  }
  return { request, settle }
}

async function benchExporter(exporter: (typeof EXPORTERS)[number]): Promise<void> {
  const svc = await startService({
    command: exporter.command, ...(exporter.env ? { env: exporter.env } : {}),
    ready: { log: 'listening' }, batchDelayMs: BATCH_DELAY, name: 'bench', timeoutMs: 30_000,
  })
  const pool = new Pool(svc.url, { connections: 1 })
  try {
    await plainBlock(svc, pool, 30)
    await tracewrightBlock(svc, 30)
    const plain: number[] = []
    const ours: number[] = []
    const settle: number[] = []
    for (let b = 0; b < BLOCKS; b++) {
      const runPlain = async (): Promise<void> => { plain.push(...await plainBlock(svc, pool, REQUESTS_PER_BLOCK)) }
      const runOurs = async (): Promise<void> => {
        const r = await tracewrightBlock(svc, REQUESTS_PER_BLOCK)
        ours.push(...r.request)
        settle.push(...r.settle)
      }
      if (b % 2 === 0) { await runPlain(); await runOurs() } else { await runOurs(); await runPlain() }
    }
    const ratio = median(ours) / median(plain)
    printTable(`child-process request, ${exporter.name}, batch delay ${BATCH_DELAY} ms (${BLOCKS} alternating blocks × ${REQUESTS_PER_BLOCK})`, [
      ['plain HTTP request to the same service (spans still exported and decoded)', plain],
      ['tracewright svc.request() incl. decode + settle', ours],
      ['settle alone (response read → trace handed out)', settle],
    ], `ratio of medians: ${ratio.toFixed(3)}×; settle p50 ${median(settle).toFixed(2)} ms`)
  } finally {
    await pool.close()
    await svc.stop()
  }
}

export async function benchChildProcessRequest(): Promise<void> {
  for (const exporter of EXPORTERS) await benchExporter(exporter)
}

if (import.meta.url === `file://${process.argv[1]}`) await benchChildProcessRequest()
