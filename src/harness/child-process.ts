import type { Collector } from '../collector/start-collector.js'
import { linkLogLine, startCollector } from '../collector/start-collector.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { storeOptions } from '../collector/trace-store.js'
import { QuietWindow } from '../collector/quiet-window.js'
import { SPAN_CHANNEL_ENV } from '../collector/span-channel.js'
import type { TraceStoreOptions } from '../collector/trace-store.js'
import { ServiceError, ServiceStartError, UsageError } from '../errors.js'
import { createTracedClient, tracedService } from './client.js'
import type { TracedClientOptions } from './client.js'
import { findFreePort } from './free-port.js'
import { msOption, requestTimes } from './ms-option.js'
import type { RequestTimeOptions } from './ms-option.js'
import { describeReadiness, probeReadiness, waitUntilReady } from './readiness.js'
import type { Readiness } from './readiness.js'
import { sdkEnv } from './sdk-env.js'
import type { ServiceExit } from './service-exit.js'
import { spawnService } from './spawn-service.js'
import type { SpawnedService } from './spawn-service.js'
import { stopSpawned } from './stop-spawned.js'
import type { Service } from './types.js'

/** How to start a service as its own process: {@link startChildProcessService}. */
export interface ChildProcessServiceOptions extends TraceStoreOptions, RequestTimeOptions {
  /** The executable and its arguments; spawned without a shell. */
  readonly command: readonly [string, ...string[]]
  readonly cwd?: string
  /** Extra environment, over the harness's `OTEL_*` and `PORT` (and the test process's own). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** When the service is ready: `{ http: '/health' }`, `{ log: /listening/ }` or `{ port: true }`. */
  readonly ready: Readiness
  /** How long to wait for readiness, ms. Default 10,000. */
  readonly timeoutMs?: number
  /** @deprecated The old name of {@link timeoutMs}. */
  readonly timeout?: number
  /** `service.name` (`OTEL_SERVICE_NAME`). Default: the command's file name. */
  readonly name?: string
  /** A collector shared with other services (multi-service traces). Default: a new one, stopped with the service. */
  readonly collector?: Collector
  /** OTLP protocol the service is told to use. Default `http/protobuf`. */
  readonly protocol?: 'http/protobuf' | 'http/json' | 'grpc'
  /** `OTEL_BSP_SCHEDULE_DELAY` given to the service, ms. Default 10. */
  readonly batchDelayMs?: number
  /** @deprecated The old name of {@link batchDelayMs}. */
  readonly batchDelay?: number
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
  readonly stopGraceMs?: number
  /** @deprecated The old name of {@link stopGraceMs}. */
  readonly stopGrace?: number
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
  checkOptions(options)
  const times = readTimes(options)
  const [file, ...args] = options.command
  const name = options.name ?? file.split(/[\\/]/).pop() ?? 'service'
  const ownCollector = options.collector === undefined
  const collector = options.collector ?? await startCollector(storeOptions(options))
  const port = await findFreePort()
  const ports = servicePorts.get(collector) ?? new Set<number>()
  servicePorts.set(collector, ports)
  ports.add(port)

  const spawned = spawnService({ file, args, cwd: options.cwd, env: serviceEnv(options, collector, { name, port, batchDelayMs: times.batchDelayMs }) })
  const { exit } = spawned
  const abort = new AbortController()
  const probe = probeReadiness(options.ready, port, abort.signal)
  const onLine = (source: 'stdout' | 'stderr') => (line: string): void => {
    probe.offerLine(line)
    linkLogLine(collector.store, line, source)
  }
  spawned.stdout.attach(spawned.reaper.stdout, onLine('stdout'))
  spawned.stderr.attach(spawned.reaper.stderr, onLine('stderr'))
  const describe = describeService(name, options.command, spawned)

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      abort.abort()
      await client.close().catch(() => {})
      await stopSpawned(spawned, times.stopGraceMs)
      ports.delete(port)
      if (ownCollector) await collector.stop()
    })()
    return stopping
  }
  const client = createTracedClient({
    ...exitAwareness(exit, describe, () => stopping !== undefined),
    url: `http://127.0.0.1:${port}`,
    store: collector.store,
    quietMs: times.quietMs,
    reporting: () => { const pid = exit.pid(); return pid !== undefined && collector.spanChannel.reports(pid) },
    quietWindow: new QuietWindow({ floorMs: times.quietMs, warmupMs: DEFAULT_QUIET_WARMUP_MS + 2 * times.batchDelayMs, capMs: Math.max(1000, 4 * times.batchDelayMs) }),
    settleTimeoutMs: times.settleTimeoutMs,
    serviceName: name,
    exported: true,
    requestTimeoutMs: times.requestTimeoutMs,
    missingParentGraceMs: times.batchDelayMs * 2 + 50,
    // Only a call that was answered: then the callee handled it and its SERVER span will come.
    // `http.status_code` is the attribute before the stable conventions (Python's instrumentations).
    awaitChildrenOf: (span: CapturedSpan) => span.kind === 'CLIENT' && (span.attributes['http.response.status_code'] ?? span.attributes['http.status_code']) !== undefined && callsKnownService(span, ports),
  })

  const outcome = await waitUntilReady(probe, exit.exited, times.timeoutMs)
  if (outcome !== 'ready') {
    await stop()
    throw startFailure(outcome, describe, {
      ready: options.ready, port, timeoutMs: times.timeoutMs, exitInfo: exit.info(), lastFailure: probe.lastFailure(),
    })
  }
  return tracedService(client, { url: `http://127.0.0.1:${port}`, name, store: collector.store }, stop)
}

/** The checks of the options that need more than a number check. */
function checkOptions(options: ChildProcessServiceOptions): void {
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
}

/** The options' times, ms, by their `…Ms` names or deprecated aliases, with their defaults. */
function readTimes(options: ChildProcessServiceOptions) {
  const action = 'start service'
  return {
    timeoutMs: msOption(options, { name: 'timeoutMs', alias: 'timeout' }, 10_000, action),
    batchDelayMs: msOption(options, { name: 'batchDelayMs', alias: 'batchDelay' }, 10, action),
    stopGraceMs: msOption(options, { name: 'stopGraceMs', alias: 'stopGrace' }, 3_000, action),
    ...requestTimes(options, 10_000, action),
    quietMs: options.quietMs ?? DEFAULT_QUIET_FLOOR_MS,
  }
}

/** The service's environment: the test process's, the SDK's `OTEL_*`, the span channel, `PORT`, then the options' own. */
function serviceEnv(options: ChildProcessServiceOptions, collector: Collector, at: { name: string; port: number; batchDelayMs: number }): Record<string, string> {
  const env: Record<string, string> = {}
  const protocol = options.protocol ?? 'http/protobuf'
  for (const [k, v] of Object.entries({
    ...process.env,
    ...sdkEnv({ endpoint: collector.endpoint, grpcEndpoint: collector.grpcEndpoint, protocol, batchDelayMs: at.batchDelayMs, name: at.name }),
    [SPAN_CHANNEL_ENV]: collector.spanChannel.path,
    PORT: String(at.port),
    ...options.env,
  })) {
    if (v !== undefined) env[k] = v
  }
  return env
}

/** How a service is named in messages. */
interface Described {
  readonly name: string
  readonly command: string
  /** The service's last output lines, for messages. */
  tails(): string
}

/** The service as messages name it: its name, its command line, and its last output. */
function describeService(name: string, command: readonly string[], spawned: SpawnedService): Described {
  return {
    name,
    command: command.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' '),
    tails: () => [spawned.stderr.format('stderr'), spawned.stdout.format('stdout')].filter(Boolean).join('\n'),
  }
}

/** What the client needs to fail requests with the service's exit, rather than a bare connection error. */
function exitAwareness(exit: ServiceExit, describe: Described, stopped: () => boolean): Pick<TracedClientOptions, 'failure' | 'died' | 'explainFailure'> {
  const exitError = (action: string, info: string): ServiceError =>
    new ServiceError(`Failed to ${action}: the service "${describe.name}" (${describe.command}) ${info}.\n${describe.tails()}`)
  const died: Promise<never> = exit.exited.then((info) => Promise.reject(stopped()
    ? new ServiceError(`Failed to complete the request: the service "${describe.name}" was stopped.`)
    : exitError('complete the request', info)))
  // Requests race against it; with none in flight its rejection is expected and ignored.
  died.catch(() => {})
  return {
    died,
    failure: () => {
      const info = exit.info()
      return info !== undefined && !stopped() ? exitError('send the request', info) : undefined
    },
    // The socket often closes a moment before the exit is reported: give the exit that moment.
    explainFailure: async () => {
      if (stopped()) return undefined
      let timer: NodeJS.Timeout | undefined
      const info = await Promise.race([exit.exited, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), 1000) })])
      clearTimeout(timer)
      return info === undefined ? undefined : exitError('complete the request', info)
    },
  }
}

/** The error for a service that did not get ready: it exited first, or the timeout passed. */
function startFailure(
  outcome: 'exited' | 'timeout',
  describe: Described,
  at: { ready: Readiness; port: number; timeoutMs: number; exitInfo: string | undefined; lastFailure: string | undefined },
): ServiceStartError {
  const waitedFor = describeReadiness(at.ready)
  const tails = describe.tails()
  const reason = outcome === 'exited'
    ? `it ${at.exitInfo} before it was ready (waiting for ${waitedFor})`
    : `it was not ready within ${at.timeoutMs} ms: waited for ${waitedFor}${at.lastFailure ? ` (last attempt: ${at.lastFailure})` : ''}`
  const portTaken = outcome === 'exited' && /EADDRINUSE|address already in use/i.test(tails)
  return new ServiceStartError(
    `Failed to start the service "${describe.name}" (${describe.command}): ${reason}.\n${tails}\n` +
      (portTaken
        ? `Port ${at.port}, which the harness picked and gave the service in $PORT, was taken by another process before the service bound it. ` +
          'Please run the test again; if it keeps happening, check what else on this machine binds ports from the ephemeral range, ' +
          'and that the service binds $PORT rather than a fixed port.'
        : outcome === 'exited'
          ? 'Please check the command runs on its own, and that the service listens on the port given in $PORT.'
          : 'Please check the readiness option against what the service does, or raise `timeoutMs`.'),
  )
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
