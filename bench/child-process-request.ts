// Per-request cost against a service in its own process (test/fixtures/services/manual-sdk.mjs:
// its own SDK, BatchSpanProcessor, the official OTLP/protobuf exporter), in one run:
// - bare: a plain HTTP endpoint that only waits until the bytes of the request's trace id arrive
//   in an export (the same batch delay), after a plain undici request with a traceparent;
// - tracewright: svc.request(), which decodes every span and settles the trace.
// Also the settle time alone: from the response being read to the trace being settled.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { settleTrace, startService } from '../dist/src/index.js'
import { median, printTable } from './report.ts'

const BATCH_DELAY = Number(process.env['BENCH_BATCH_DELAY'] ?? 10)
const REQUESTS_PER_BLOCK = Number(process.env['BENCH_REQUESTS'] ?? 150)
const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 4)
const service = fileURLToPath(new URL('../test/fixtures/services/manual-sdk.mjs', import.meta.url))

async function bareBlock(n: number): Promise<number[]> {
  const waiting = new Map<string, () => void>()
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      for (const [hex, done] of waiting) {
        if (body.includes(Buffer.from(hex, 'hex'))) {
          waiting.delete(hex)
          done()
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const child = spawn(process.execPath, [service], {
    env: {
      ...process.env,
      PORT: String(port),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: String(BATCH_DELAY),
      OTEL_SERVICE_NAME: 'bare',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('listening')) resolve() }))
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 })
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const ids = randomBytes(24).toString('hex')
    const traceId = ids.slice(0, 32)
    const arrived = new Promise<void>((resolve) => waiting.set(traceId, resolve))
    const t0 = process.hrtime.bigint()
    const res = await pool.request({ method: 'GET', path: '/work', headers: { traceparent: `00-${traceId}-${ids.slice(32)}-01` } })
    await res.body.text()
    await arrived
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  await pool.close()
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
  return times
}

async function tracewrightBlock(n: number): Promise<{ request: number[]; settle: number[] }> {
  const svc = await startService({ command: [process.execPath, service], ready: { log: 'listening' }, batchDelay: BATCH_DELAY, name: 'bench' })
  const request: number[] = []
  const settle: number[] = []
  const pool = new Pool(svc.url, { connections: 8 })
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const { trace } = await svc.request('GET /work')
    request.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (trace.size !== 2) throw new Error(`expected 2 spans, got ${trace.size}`)
    svc.store.release(trace.traceId)
    // The settle step alone, as request() does it: from the response read to the trace settled.
    const ids = randomBytes(24).toString('hex')
    const traceId = ids.slice(0, 32)
    svc.store.begin(traceId)
    const res = await pool.request({ method: 'GET', path: '/work', headers: { traceparent: `00-${traceId}-${ids.slice(32)}-01` } })
    await res.body.text()
    const t1 = process.hrtime.bigint()
    await settleTrace(svc.store, traceId, { harnessSpanId: ids.slice(32), quietMs: 0, missingParentGraceMs: BATCH_DELAY * 2 + 50, timeoutMs: 5000 })
    settle.push(Number(process.hrtime.bigint() - t1) / 1e6)
    svc.store.release(traceId)
  }
  await pool.close()
  await svc.stop()
  return { request, settle }
}

export async function benchChildProcessRequest(): Promise<void> {
  await bareBlock(30)
  await tracewrightBlock(30)
  const bare: number[] = []
  const ours: number[] = []
  const settle: number[] = []
  for (let b = 0; b < BLOCKS; b++) {
    const runBare = async (): Promise<void> => { bare.push(...await bareBlock(REQUESTS_PER_BLOCK)) }
    const runOurs = async (): Promise<void> => {
      const r = await tracewrightBlock(REQUESTS_PER_BLOCK)
      ours.push(...r.request)
      settle.push(...r.settle)
    }
    if (b % 2 === 0) { await runBare(); await runOurs() } else { await runOurs(); await runBare() }
  }
  const ratio = median(ours) / median(bare)
  printTable(`child-process request, batch delay ${BATCH_DELAY} ms (${BLOCKS} alternating blocks × ${REQUESTS_PER_BLOCK})`, [
    ['bare receiver: response + span bytes arrived', bare],
    ['tracewright svc.request() incl. decode + settle', ours],
    ['tracewright settle alone (response read → settled)', settle],
  ], `ratio of medians: ${ratio.toFixed(3)}× (target ≤ 1.25×); settle p50 ${median(settle).toFixed(2)} ms (target ≤ batch delay + 3 ms = ${BATCH_DELAY + 3} ms)`)
}

if (import.meta.url === `file://${process.argv[1]}`) await benchChildProcessRequest()
