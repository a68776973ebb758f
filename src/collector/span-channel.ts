import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { splitLines } from '../lines.js'
import type { TraceStore } from './trace-store.js'

/**
 * The span channel: how a service process running `tracewright/register` tells the harness what
 * OTLP alone cannot, so a trace can be settled exactly rather than by waiting for quiet.
 *
 * The harness listens on a local socket (a Unix socket; a named pipe on Windows) and gives its path
 * to the service in `TRACEWRIGHT_SPAN_CHANNEL`. The service connects once and writes lines:
 *
 * - `H <pid>`: hello, at start-up, so the harness knows the process reports;
 * - `R <trace id> <span id> <parent span id or -> <name>`: a local root span started (a span with
 *   no parent, or whose parent is in another process), written before the process can answer;
 * - `O <trace id> <span id> <name>`: a span still open when its local root ended;
 * - `E <trace id> <span id>…`: every span of the trace this process started has ended, earlier
 *   parts were acknowledged, and these are the rest, being exported now: the process is done as
 *   soon as they are all in the store (written when no earlier part is unanswered);
 * - `D <trace id>`: every span of the trace this process started has ended and the collector has
 *   acknowledged their export, so they are in the store already;
 * - `F <trace id> <reason>`: the export of the trace's spans failed.
 *
 * A socket keeps the order of its lines, and `D` follows the export's acknowledgement, so when `D`
 * is read the spans it covers have arrived. The service's own stdio is left alone.
 */
export interface SpanChannel {
  /** Path of the socket, for `TRACEWRIGHT_SPAN_CHANNEL`. */
  readonly path: string
  /** True once a process with this pid said hello. */
  reports(pid: number): boolean
  /** Resolves once a process with this pid has said hello, or after `timeoutMs` (false). */
  waitForHello(pid: number, timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

/** Name of the environment variable that carries the channel's path to the service. */
export const SPAN_CHANNEL_ENV = 'TRACEWRIGHT_SPAN_CHANNEL'

/** Socket files of channels still open, removed when the test process exits however it got there. */
const openPaths = new Set<string>()
let exitHookInstalled = false

function removeOnExit(path: string): void {
  if (process.platform === 'win32') return
  openPaths.add(path)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const open of openPaths) rmSync(open, { force: true })
  })
}

/** Starts the harness end of the span channel, writing what it hears into `store`. */
export async function startSpanChannel(store: TraceStore): Promise<SpanChannel> {
  const id = `${process.pid}-${randomBytes(6).toString('hex')}`
  const path = process.platform === 'win32' ? `\\\\.\\pipe\\tracewright-${id}` : join(tmpdir(), `tracewright-${id}.sock`)
  const hellos = new Set<number>()
  const helloWaiters = new Set<(pid: number) => void>()
  const sockets = new Set<Socket>()
  let connections = 0
  const server = createServer((socket) => {
    const connection = ++connections
    sockets.add(socket)
    socket.setEncoding('utf8')
    const lines = splitLines((line) => {
      const pid = readLine(store, connection, line)
      if (pid !== undefined) {
        hellos.add(pid)
        for (const waiter of helloWaiters) waiter(pid)
      }
    })
    socket.on('data', (chunk: string) => lines.push(chunk))
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  // The socket file must not outlive the test process, however it ends.
  removeOnExit(path)
  let closing: Promise<void> | undefined
  return {
    path,
    reports: (pid) => hellos.has(pid),
    waitForHello(pid, timeoutMs) {
      if (hellos.has(pid)) return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(false), timeoutMs)
        const waiter = (said: number): void => { if (said === pid) done(true) }
        const done = (said: boolean): void => {
          clearTimeout(timer)
          helloWaiters.delete(waiter)
          resolve(said)
        }
        helloWaiters.add(waiter)
      })
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        // Closing the server removes its socket file.
        server.close(() => {
          openPaths.delete(path)
          resolve()
        })
      })
      return closing
    },
  }
}

/** Applies one line to the store; returns the pid of a hello. Unknown lines are ignored (a newer client). */
function readLine(store: TraceStore, connection: number, line: string): number | undefined {
  const kind = line[0]
  if (kind === 'R') {
    // R <trace> <span> <parent|-> <name…>
    const traceId = line.slice(2, 34)
    const spanId = line.slice(35, 51)
    const rest = line.slice(52)
    const space = rest.indexOf(' ')
    const parent = space === -1 ? rest : rest.slice(0, space)
    store.reportRoot(traceId, connection, spanId, parent === '-' ? '' : parent, space === -1 ? '' : rest.slice(space + 1))
  } else if (kind === 'D') {
    store.reportDone(line.slice(2, 34), connection)
  } else if (kind === 'E') {
    // E <trace> <span> <span> …
    store.reportExpected(line.slice(2, 34), connection, line.slice(35).split(' ').filter((id) => id !== ''))
  } else if (kind === 'O') {
    store.reportOpen(line.slice(2, 34), line.slice(35, 51), line.slice(52))
  } else if (kind === 'F') {
    store.reportFailure(line.slice(2, 34), connection, line.slice(35))
  } else if (kind === 'H') {
    const pid = Number(line.slice(2))
    if (Number.isSafeInteger(pid)) return pid
  }
  return undefined
}
