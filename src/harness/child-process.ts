import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { startCollector } from '../collector/start-collector.js'
import type { Collector } from '../collector/start-collector.js'
import { linkLogLine } from '../collector/start-collector.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { ServiceError, ServiceStartError, UsageError } from '../errors.js'
import { createTracedClient } from './client.js'
import { findFreePort } from './free-port.js'
import { describeReadiness, probeReadiness } from './readiness.js'
import type { Readiness } from './readiness.js'
import { OutputTail } from './output-tail.js'
import type { Service } from './types.js'

export interface ChildProcessServiceOptions {
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
   * Extra quiet window once the entry span has arrived, ms. Default 0: an exporter sends its
   * batches one after another, so when the entry span (which ends last) arrives, every span that
   * ended before it in that process has arrived too; calls into other services started on the same
   * collector are awaited by port. Raise it for a service whose exporter sends batches in
   * parallel, or for downstream processes the harness did not start.
   */
  readonly quietMs?: number
  /** Grace between SIGTERM and SIGKILL on stop, ms. Default 3,000. */
  readonly stopGrace?: number
}

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
  const [file, ...args] = command
  const name = options.name ?? file.split(/[\\/]/).pop() ?? 'service'
  const ownCollector = options.collector === undefined
  const collector = options.collector ?? await startCollector()
  const port = await findFreePort()
  const batchDelay = options.batchDelay ?? 10
  const protocol = options.protocol ?? 'http/protobuf'
  const ports = servicePorts.get(collector) ?? new Set<number>()
  servicePorts.set(collector, ports)
  ports.add(port)

  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? collector.grpcEndpoint : collector.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: String(batchDelay),
    OTEL_BLRP_SCHEDULE_DELAY: String(batchDelay),
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_PROPAGATORS: 'tracecontext,baggage',
    OTEL_SERVICE_NAME: name,
    PORT: String(port),
    ...options.env,
  })) {
    if (v !== undefined) env[k] = v
  }

  const stdout = new OutputTail()
  const stderr = new OutputTail()
  installExitHook()
  const child = spawn(file, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false })
  liveChildren.add(child)

  const abort = new AbortController()
  const probe = probeReadiness(options.ready, port, abort.signal)
  const onLine = (source: 'stdout' | 'stderr') => (line: string): void => {
    probe.offerLine(line)
    linkLogLine(collector.store, line, source)
  }
  stdout.attach(child.stdout, onLine('stdout'))
  stderr.attach(child.stderr, onLine('stderr'))

  let exitInfo: string | undefined
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child)
      exitInfo = signal ? `was killed by ${signal}` : `exited with code ${code}`
      resolve(exitInfo)
    })
    child.once('error', (error) => {
      liveChildren.delete(child)
      exitInfo = `could not be started: ${error.message}`
      resolve(exitInfo)
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
        const grace = setTimeout(() => killGroup(child, 'SIGKILL'), options.stopGrace ?? 3000)
        await exited
        clearTimeout(grace)
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
  const client = createTracedClient({
    url,
    store: collector.store,
    quietMs: options.quietMs ?? 0,
    settleTimeoutMs: options.settleTimeout ?? 10_000,
    missingParentGraceMs: batchDelay * 2 + 50,
    awaitChildrenOf: (span: CapturedSpan) => span.kind === 'CLIENT' && callsKnownService(span, ports),
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
    throw new ServiceStartError(
      `Failed to start the service "${name}" (${describeCommand}): ${reason}.\n${tails()}\n` +
        (outcome === 'exited'
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
