import { existsSync, readFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { settleTrace } from '../../src/collector/settle.js'
import { startCollector } from '../../src/collector/start-collector.js'
import type { Collector } from '../../src/collector/start-collector.js'
import { newHarnessIds } from '../../src/harness/traced-request.js'

/*
 * The quiet-window rule for foreign exporters on a starved test process. Node runs due timers
 * before it reads its sockets, so when the process could not run for longer than the window, the
 * window's timer fires with an export already in the socket's buffer, unread. The test writes a
 * children export to a kept-alive connection, then blocks the event loop past the window: the
 * trace must still settle with the children.
 */

let collector: Collector
let socket: Socket

beforeAll(async () => {
  collector = await startCollector({ grpc: false })
  const { port } = new URL(collector.endpoint)
  socket = createConnection({ host: '127.0.0.1', port: Number(port) })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
})
afterAll(async () => {
  socket.destroy()
  await collector.stop()
})

/** One OTLP/JSON export request, as bytes for a kept-alive connection. */
function exportRequest(traceId: string, spans: ReadonlyArray<{ spanId: string; parentSpanId: string; name: string }>): string {
  const now = BigInt(Date.now()) * 1_000_000n
  const body = JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'starved' } }] },
      scopeSpans: [{
        scope: { name: 'quiet-settle.test' },
        spans: spans.map((s) => ({ traceId, ...s, kind: 1, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1000n) })),
      }],
    }],
  })
  return `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/** Sends a request on the kept-alive connection and waits for its (small) response. */
async function send(request: string): Promise<string> {
  const answered = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))))
  socket.write(request)
  return await answered
}

const spanId = (n: number): string => n.toString(16).padStart(16, '0')

/** Blocks the process for `ms`, as on a machine with no core free. */
function block(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) { /* blocked */ }
}

/**
 * Writes `request` and blocks the process for at least 30 ms, until the request is in the
 * collector's socket, unread (read from /proc on Linux): on a loaded machine the kernel can hold
 * loopback data back for a while, and no process can read what has not arrived.
 */
function sendWhileBlocked(request: string): void {
  socket.write(request)
  const started = performance.now()
  for (;;) {
    const blocked = performance.now() - started
    const unread = unreadByCollector()
    if (blocked >= 30 && (unread === undefined || unread >= Buffer.byteLength(request))) return
    if (blocked > 10_000) throw new Error(`The export did not reach the collector's socket within 10 s (${unread} bytes there).`)
  }
}

/**
 * Bytes received but not yet read on the collector's end of `socket`, from the kernel's table of
 * TCP sockets (Linux); undefined where that table cannot be read.
 */
function unreadByCollector(): number | undefined {
  if (!existsSync('/proc/net/tcp')) return undefined
  const port = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0')
  // 127.0.0.1 as the kernel prints it: in the host's byte order.
  const loopback = ['0100007F', '7F000001']
  const collectorEnd = loopback.map((address) => `${address}:${port(Number(new URL(collector.endpoint).port))}`)
  const testEnd = loopback.map((address) => `${address}:${port(socket.localPort ?? 0)}`)
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const [, local, remote, , queues] = line.trim().split(/\s+/)
    if (local !== undefined && remote !== undefined && collectorEnd.includes(local) && testEnd.includes(remote)) {
      return Number.parseInt(queues?.split(':')[1] ?? '', 16)
    }
  }
  return undefined
}

describe('settling by the quiet window on a starved process', () => {
  test('an export that reached the socket while the process was blocked past the window is read before the trace settles', async () => {
    const { traceId, spanId: harnessSpanId } = newHarnessIds()
    collector.store.begin(traceId)
    // The entry span first, as an exporter that sends its batch before its children's does.
    expect(await send(exportRequest(traceId, [{ spanId: spanId(1), parentSpanId: harnessSpanId, name: 'GET /work' }]))).toMatch(/^HTTP\/1.1 200/)
    const settled = settleTrace(collector.store, traceId, { harnessSpanId, quietMs: 5, timeoutMs: 5000 })
    // The children's export goes out now, and the process blocks past the 5 ms window: the
    // window's timer is due before anything reads the export.
    sendWhileBlocked(exportRequest(traceId, [1, 2, 3].map((i) => ({ spanId: spanId(100 + i), parentSpanId: spanId(1), name: `step ${i}` }))))
    const trace = await settled
    expect(trace.size).toBe(4)
  })

  test('the window had already passed when settling began: the export is still read first', async () => {
    // On a loaded machine the test process can be descheduled between the entry span's arrival
    // and the settle, so the settle starts with the window over, from an I/O callback. An
    // immediate set there runs after the poll that already ran, not after one that reads the
    // export: the settle must wait for the next poll.
    const { traceId, spanId: harnessSpanId } = newHarnessIds()
    collector.store.begin(traceId)
    expect(await send(exportRequest(traceId, [{ spanId: spanId(1), parentSpanId: harnessSpanId, name: 'GET /work' }]))).toMatch(/^HTTP\/1.1 200/)
    block(10)
    const settled = settleTrace(collector.store, traceId, { harnessSpanId, quietMs: 5, timeoutMs: 5000 })
    sendWhileBlocked(exportRequest(traceId, [1, 2, 3].map((i) => ({ spanId: spanId(100 + i), parentSpanId: spanId(1), name: `step ${i}` }))))
    const trace = await settled
    expect(trace.size).toBe(4)
  })
})
