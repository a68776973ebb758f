import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { Duplex } from 'node:stream'
import { startCollector } from '../collector/start-collector.js'
import type { Collector } from '../collector/start-collector.js'
import { linkLogLine } from '../collector/start-collector.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { storeOptions } from '../collector/trace-store.js'
import { QuietWindow } from '../collector/quiet-window.js'
import { SPAN_CHANNEL_ENV } from '../collector/span-channel.js'
import type { TraceStoreOptions } from '../collector/trace-store.js'
import { ServiceError, ServiceStartError, UsageError } from '../errors.js'
import { createTracedClient } from './client.js'
import { findFreePort } from './free-port.js'
import { describeReadiness, probeReadiness } from './readiness.js'
import type { Readiness } from './readiness.js'
import { OutputTail } from './output-tail.js'
import { sdkEnv } from './sdk-env.js'
import type { Service } from './types.js'

export interface ChildProcessServiceOptions extends TraceStoreOptions {
  /** The executable and its arguments; spawned without a shell. */
  readonly command: readonly [string, ...string[]]
  readonly cwd?: string
  /** Extra environment, over the harness's `OTEL_*` and `PORT` (and the test process's own). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** When the service is ready: `{ http: '/health' }`, `{ log: /listening/ }` or `{ port: true }`. */
  readonly ready: Readiness
  /** How long to wait for readiness, ms. Default 10,000. */
  readonly timeout?: number
  /** `service.name` (`OTEL_SERVICE_NAME`). Default: the command's file name. */
  readonly name?: string
  /** A collector shared with other services (multi-service traces). Default: a new one, stopped with the service. */
  readonly collector?: Collector
  /** OTLP protocol the service is told to use. Default `http/protobuf`. */
  readonly protocol?: 'http/protobuf' | 'http/json' | 'grpc'
  /** `OTEL_BSP_SCHEDULE_DELAY` given to the service, ms. Default 10. */
  readonly batchDelay?: number
  /** How long `request()` waits for the trace to settle, ms. Default 10,000. */
  readonly settleTimeout?: number
  /**
   * For a service whose exporter does not report span starts (any SDK but `tracewright/register`):
   * the floor of the quiet window, ms. Such a trace settles once its entry span has arrived, every
   * referenced parent is present, and no span of it has arrived for the quiet window, which is
   * learned from the exporter: twice the longest recent delay between a trace's entry span and
   * the last of its other spans, never below this floor (and {@link DEFAULT_QUIET_WARMUP_MS} plus
   * twice the batch delay for the first 8 traces). Default 5. A span that still comes after its
   * trace was handed out fails the test that got it (see `settleReport`); raise this then.
   * Ignored for services that run `tracewright/register`: their traces settle exactly.
   */
  readonly quietMs?: number
  /** Grace between SIGTERM and SIGKILL on stop, ms. Default 3,000. */
  readonly stopGrace?: number
  /**
   * How long `request()` waits for the response headers, and then between chunks of its body, ms;
   * past it the request fails with a `ServiceError` naming the request. Default 30,000.
   */
  readonly requestTimeout?: number
}

/**
 * The process the harness spawns first, with the service as its child: it leads the process group
 * the service and anything the service starts belong to, and holds one end of a socket pair (fd 3)
 * whose other end is the harness. It starts the command it reads there, reports the service's pid
 * and how it ended, and kills the whole group with SIGKILL when the service exits (leftovers go
 * too) or when the harness end closes: the harness process may die without running any exit hook
 * (SIGKILL, or a vitest worker ended with SIGTERM when the run is interrupted or a file forgot
 * `stop()`), and the service must not outlive it. It ignores the signals a stop sends the group,
 * so it stays to report how the service answered them, and on a `kill` line SIGKILLs the service
 * itself and collects it before taking down the rest, so no zombie is left for the process table.
 * Run with `node -e`: plain CommonJS.
 */
const REAPER = `
'use strict'
const { spawn } = require('node:child_process')
const net = require('node:net')
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => {})
const control = new net.Socket({ fd: 3, readable: true, writable: true })
let child
let input = ''
let reported = false
const killGroup = () => {
  try { process.kill(-process.pid, 'SIGKILL') } catch { process.exit(1) }
}
const report = (message) => {
  reported = true
  control.end(JSON.stringify(message) + '\\n', killGroup)
}
const start = ({ file, args, cwd, env }) => {
  child = spawn(file, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] })
  child.once('spawn', () => control.write(JSON.stringify({ pid: child.pid }) + '\\n'))
  child.once('error', (error) => report({ error: error.message }))
  child.once('exit', (code, signal) => report({ code, signal }))
}
control.on('data', (chunk) => {
  input += chunk
  for (let end = input.indexOf('\\n'); end !== -1; end = input.indexOf('\\n')) {
    const line = input.slice(0, end)
    input = input.slice(end + 1)
    if (line === 'kill') {
      if (child === undefined || child.pid === undefined) killGroup()
      else child.kill('SIGKILL')
    } else if (child === undefined) {
      start(JSON.parse(line))
    }
  }
})
control.on('error', () => {})
control.on('close', () => { if (!reported) killGroup() })
`

/** What the reaper reports over its socket. */
type ReaperMessage =
  | { readonly pid: number }
  | { readonly error: string }
  | { readonly code: number | null; readonly signal: NodeJS.Signals | null }

// Every live child, so an interrupted run still kills them on the way out.
const liveChildren = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of liveChildren) killGroup(child, 'SIGKILL')
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    // The child leads its own process group, so whatever it started goes too.
    process.kill(-child.pid, signal)
  } catch {
    child.kill(signal)
  }
}

/** Default floor of the learned quiet window for foreign exporters, ms. */
export const DEFAULT_QUIET_FLOOR_MS = 5
/** Added to twice the batch delay for the quiet window of a foreign exporter's first traces, ms. */
export const DEFAULT_QUIET_WARMUP_MS = 50

// Ports of the services exporting to each collector: a CLIENT span calling one of them waits for
// that service's SERVER span before its trace counts as settled.
const servicePorts = new WeakMap<Collector, Set<number>>()

/** Starts the service as its own process, exporting OTLP to an in-memory collector. */
export async function startChildProcessService(options: ChildProcessServiceOptions): Promise<Service> {
  const { command } = options
  if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string')) {
    throw new UsageError('Failed to start service: `command` must be an array of strings, e.g. [process.execPath, "server.js"]. It is run without a shell.')
  }
  if (typeof options.ready !== 'object' || options.ready === null || !('http' in options.ready || 'log' in options.ready || 'port' in options.ready)) {
    throw new UsageError("Failed to start service: `ready` must be { http: '/health' }, { log: /listening/ } or { port: true }, so the harness knows when to send requests.")
  }
  if (options.collector !== undefined && (options.maxSpansPerTrace !== undefined || options.maxTraces !== undefined)) {
    throw new UsageError('Failed to start service: maxSpansPerTrace and maxTraces bound the collector\'s store. Please give them to startCollector({ maxSpansPerTrace, maxTraces }) when you pass a shared `collector`.')
  }
  if (options.quietMs !== undefined && !(Number.isFinite(options.quietMs) && options.quietMs >= 0)) {
    throw new UsageError(`Failed to start service: quietMs must be a number of milliseconds ≥ 0, got ${String(options.quietMs)}. It is the floor of the quiet window for exporters that do not report span starts (default ${DEFAULT_QUIET_FLOOR_MS}).`)
  }
  const [file, ...args] = command
  const name = options.name ?? file.split(/[\\/]/).pop() ?? 'service'
  const ownCollector = options.collector === undefined
  const collector = options.collector ?? await startCollector(storeOptions(options))
  const port = await findFreePort()
  const batchDelay = options.batchDelay ?? 10
  const protocol = options.protocol ?? 'http/protobuf'
  const ports = servicePorts.get(collector) ?? new Set<number>()
  servicePorts.set(collector, ports)
  ports.add(port)

  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({
    ...process.env,
    ...sdkEnv({ endpoint: collector.endpoint, grpcEndpoint: collector.grpcEndpoint, protocol, batchDelay, name }),
    [SPAN_CHANNEL_ENV]: collector.spanChannel.path,
    PORT: String(port),
    ...options.env,
  })) {
    if (v !== undefined) env[k] = v
  }

  const stdout = new OutputTail()
  const stderr = new OutputTail()
  installExitHook()
  const child = spawn(process.execPath, ['-e', REAPER], {
    // The reaper needs nothing of the environment; the service gets it over the socket, so
    // NODE_OPTIONS meant for the service (an --import hook) does not load into the reaper.
    env: {},
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
    shell: false,
  })
  liveChildren.add(child)
  const control = child.stdio[3] as Duplex
  control.on('error', () => {})
  // Written, never ended: the harness end stays open for as long as the harness lives.
  control.write(`${JSON.stringify({ file, args, cwd: options.cwd, env })}\n`)

  const abort = new AbortController()
  const probe = probeReadiness(options.ready, port, abort.signal)
  const onLine = (source: 'stdout' | 'stderr') => (line: string): void => {
    probe.offerLine(line)
    linkLogLine(collector.store, line, source)
  }
  stdout.attach(child.stdout, onLine('stdout'))
  stderr.attach(child.stderr, onLine('stderr'))

  let exitInfo: string | undefined
  let servicePid: number | undefined
  const exited = new Promise<string>((resolve) => {
    let reported: string | undefined
    let reaperEnded: string | undefined
    let controlClosed = false
    const done = (): void => {
      if (reaperEnded === undefined || !controlClosed || exitInfo !== undefined) return
      liveChildren.delete(child)
      exitInfo = reported ?? reaperEnded
      resolve(exitInfo)
    }
    let input = ''
    control.setEncoding('utf8')
    control.on('data', (chunk: string) => {
      input += chunk
      for (let end = input.indexOf('\n'); end !== -1; end = input.indexOf('\n')) {
        const message = JSON.parse(input.slice(0, end)) as ReaperMessage
        input = input.slice(end + 1)
        if ('pid' in message) servicePid = message.pid
        else if ('error' in message) reported = `could not be started: ${message.error}`
        else if ('code' in message) reported = message.signal ? `was killed by ${message.signal}` : `exited with code ${message.code}`
      }
    })
    control.once('close', () => {
      controlClosed = true
      done()
    })
    child.once('exit', (code, signal) => {
      reaperEnded = signal ? `was killed by ${signal}` : `exited with code ${code}`
      done()
    })
    child.once('error', (error) => {
      reaperEnded = `could not be started: ${error.message}`
      controlClosed = true
      done()
    })
  })
  const describeCommand = command.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ')
  const tails = (): string => [stderr.format('stderr'), stdout.format('stdout')].filter(Boolean).join('\n')

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      abort.abort()
      await client.close().catch(() => {})
      if (exitInfo === undefined) {
        killGroup(child, 'SIGTERM')
        // SIGKILL goes through the reaper, which reaps the service before it takes down the rest
        // of the group; the group is killed directly only if the reaper does not answer.
        let last: NodeJS.Timeout | undefined
        const grace = setTimeout(() => {
          control.write('kill\n')
          last = setTimeout(() => killGroup(child, 'SIGKILL'), 1_000)
        }, options.stopGrace ?? 3000)
        await exited
        clearTimeout(grace)
        clearTimeout(last)
      }
      // Whatever the service started in its group goes with it.
      killGroup(child, 'SIGKILL')
      ports.delete(port)
      if (ownCollector) await collector.stop()
    })()
    return stopping
  }

  const url = `http://127.0.0.1:${port}`
  const died: Promise<never> = exited.then((info) => Promise.reject(stopping
    ? new ServiceError(`Failed to complete the request: the service "${name}" was stopped.`)
    : new ServiceError(`Failed to complete the request: the service "${name}" (${describeCommand}) ${info}.\n${tails()}`)))
  // Requests race against it; with none in flight its rejection is expected and ignored.
  died.catch(() => {})
  const quietFloor = options.quietMs ?? DEFAULT_QUIET_FLOOR_MS
  const client = createTracedClient({
    url,
    store: collector.store,
    quietMs: quietFloor,
    reporting: () => servicePid !== undefined && collector.spanChannel.reports(servicePid),
    quietWindow: new QuietWindow({ floorMs: quietFloor, warmupMs: DEFAULT_QUIET_WARMUP_MS + 2 * batchDelay, capMs: Math.max(1000, 4 * batchDelay) }),
    settleTimeoutMs: options.settleTimeout ?? 10_000,
    serviceName: name,
    exported: true,
    ...(options.requestTimeout === undefined ? {} : { requestTimeoutMs: options.requestTimeout }),
    missingParentGraceMs: batchDelay * 2 + 50,
    // Only a call that was answered: then the callee handled it and its SERVER span will come.
    // `http.status_code` is the attribute before the stable conventions (Python's instrumentations).
    awaitChildrenOf: (span: CapturedSpan) => span.kind === 'CLIENT' && (span.attributes['http.response.status_code'] ?? span.attributes['http.status_code']) !== undefined && callsKnownService(span, ports),
    failure: () => (exitInfo !== undefined && !stopping
      ? new ServiceError(`Failed to send the request: the service "${name}" (${describeCommand}) ${exitInfo}.\n${tails()}`)
      : undefined),
    died,
    // The socket often closes a moment before the exit is reported: give the exit that moment.
    explainFailure: async () => {
      if (stopping) return undefined
      let timer: NodeJS.Timeout | undefined
      const info = await Promise.race([exited, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), 1000) })])
      clearTimeout(timer)
      return info === undefined ? undefined : new ServiceError(`Failed to complete the request: the service "${name}" (${describeCommand}) ${info}.\n${tails()}`)
    },
  })

  const timeoutMs = options.timeout ?? 10_000
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    probe.ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs) }),
  ])
  clearTimeout(timer)
  if (outcome !== 'ready') {
    const waitedFor = describeReadiness(options.ready)
    const reason = outcome === 'exited'
      ? `it ${exitInfo} before it was ready (waiting for ${waitedFor})`
      : `it was not ready within ${timeoutMs} ms: waited for ${waitedFor}${probe.lastFailure() ? ` (last attempt: ${probe.lastFailure()})` : ''}`
    await stop()
    const portTaken = outcome === 'exited' && /EADDRINUSE|address already in use/i.test(tails())
    throw new ServiceStartError(
      `Failed to start the service "${name}" (${describeCommand}): ${reason}.\n${tails()}\n` +
        (portTaken
          ? `Port ${port}, which the harness picked and gave the service in $PORT, was taken by another process before the service bound it. ` +
            'Please run the test again; if it keeps happening, check what else on this machine binds ports from the ephemeral range, ' +
            'and that the service binds $PORT rather than a fixed port.'
          : outcome === 'exited'
            ? 'Please check the command runs on its own, and that the service listens on the port given in $PORT.'
            : 'Please check the readiness option against what the service does, or raise `timeout`.'),
    )
  }
  return { url, name, store: collector.store, request: client.request, waitForSpan: client.waitForSpan, measure: client.measure, stop }
}

function callsKnownService(span: CapturedSpan, ports: ReadonlySet<number>): boolean {
  const port = span.attributes['server.port'] ?? span.attributes['net.peer.port']
  if (typeof port === 'number') return ports.has(port)
  const url = span.attributes['url.full'] ?? span.attributes['http.url']
  if (typeof url === 'string') {
    const match = /^\w+:\/\/[^/]*:(\d+)/.exec(url)
    return match !== null && ports.has(Number(match[1]))
  }
  return false
}
