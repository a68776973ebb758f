// The real engines of the deployed-system tests, started by the tests on 127.0.0.1 and ephemeral
// ports: the OpenTelemetry Collector built from deploy/collector, Jaeger v2 built from
// deploy/jaeger (scripts/build-deployed.sh, run by the suite's globalSetup), and "already running"
// services that export to the Collector. Each runs under the harness's reaper, so it dies with the
// test process, and each start returns a stop that the test calls.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import type { Readable } from 'node:stream'

/** What the engines use of a process the harness spawned (its `SpawnedService`). */
export interface SpawnedLike {
  readonly reaper: ChildProcess
  readonly stdout: { attach(stream: Readable | null, onLine: (line: string) => void): void; format(label: string): string }
  readonly stderr: { attach(stream: Readable | null, onLine: (line: string) => void): void; format(label: string): string }
  readonly exit: { info(): string | undefined }
}

/**
 * The harness's process tools, passed in: the tests give the sources' (test/deployed/tools.ts),
 * the benchmark the build's, since Node alone cannot load the sources' `.js` specifiers.
 */
export interface ProcessTools<S extends SpawnedLike> {
  spawnService(command: { file: string; args: readonly string[]; env: Readonly<Record<string, string>> }): S
  stopSpawned(spawned: S, graceMs: number): Promise<void>
  findFreePort(): Promise<number>
}

interface Tools {
  spawn(command: { file: string; args: readonly string[]; env: Readonly<Record<string, string>> }): { spawned: SpawnedLike; stop(graceMs: number): Promise<void> }
  findFreePort(): Promise<number>
}

let tools: Tools | undefined

/** Sets the process tools every start below uses. */
export function useProcessTools<S extends SpawnedLike>(given: ProcessTools<S>): void {
  tools = {
    spawn: (command) => {
      const spawned = given.spawnService(command)
      return { spawned, stop: (graceMs) => given.stopSpawned(spawned, graceMs) }
    },
    findFreePort: () => given.findFreePort(),
  }
}

function processTools(): Tools {
  if (tools === undefined) throw new Error('Failed to start an engine: call useProcessTools() first (test/deployed/tools.ts does).')
  return tools
}

const findFreePort = (): Promise<number> => processTools().findFreePort()

const deploy = fileURLToPath(new URL('../../deploy/', import.meta.url))

/** The built program of one engine, or an error saying why it is not there. */
export function enginePath(engine: 'collector' | 'jaeger'): string {
  const binary = join(deploy, engine, '.build', engine === 'collector' ? 'otelcol' : 'jaeger')
  if (existsSync(binary)) return binary
  const error = join(deploy, engine, '.build', 'error')
  const why = existsSync(error) ? readFileSync(error, 'utf8').trim() : 'it was not built'
  throw new Error(`Failed to find the ${engine} at ${binary}: ${why}. Please run scripts/build-deployed.sh ${engine} (the test suite's globalSetup runs it).`)
}

/** A process the test started, with its ports and a stop. */
export interface RunningEngine {
  readonly spawned: SpawnedLike
  /** The process's last output lines, for messages. */
  output(): string
  stop(): Promise<void>
}

/** Starts `file` under the reaper and waits until every port in `ports` accepts connections. */
async function startEngine(name: string, file: string, args: string[], env: Record<string, string>, ports: number[], cleanup?: () => void): Promise<RunningEngine> {
  const { spawned, stop: stopProcess } = processTools().spawn({ file, args, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env } })
  spawned.stdout.attach(spawned.reaper.stdout, () => {})
  spawned.stderr.attach(spawned.reaper.stderr, () => {})
  const output = (): string => [spawned.stderr.format('stderr'), spawned.stdout.format('stdout')].filter(Boolean).join('\n')
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => (stopping ??= stopProcess(3_000).finally(() => cleanup?.()))
  const deadline = Date.now() + 60_000
  for (const port of ports) {
    while (!(await accepts(port))) {
      const exited = spawned.exit.info()
      if (exited !== undefined || Date.now() > deadline) {
        await stop()
        throw new Error(`Failed to start ${name}: ${exited === undefined ? `port ${port} did not accept connections within 60 s` : `it ${exited}`}.\n${output()}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return { spawned, output, stop }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

/** Writes a config file in a fresh temp folder; the returned cleanup removes it. */
function configFile(name: string, text: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tracewright-${name}-`))
  const path = join(dir, 'config.yaml')
  writeFileSync(path, text)
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A running Jaeger v2 with in-memory storage. */
export interface RunningJaeger extends RunningEngine {
  /** Its OTLP/gRPC receiver, `127.0.0.1:PORT` (an otlp exporter's endpoint). */
  readonly otlpGrpc: string
  /** Its OTLP/HTTP receiver, `http://127.0.0.1:PORT`. */
  readonly otlpHttp: string
  /** Its query service, `http://127.0.0.1:PORT` (jaegerTraces({ url })). */
  readonly queryUrl: string
}

/** Starts Jaeger: OTLP/gRPC in, the memory store, the query API (HTTP and gRPC), all on loopback. */
export async function startJaeger(): Promise<RunningJaeger> {
  const [otlp, otlpHttp, http, grpc] = [await findFreePort(), await findFreePort(), await findFreePort(), await findFreePort()]
  const config = configFile('jaeger', `
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: []
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${http}
    grpc:
      endpoint: 127.0.0.1:${grpc}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${otlp}
      http:
        endpoint: 127.0.0.1:${otlpHttp}
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`)
  const engine = await startEngine('Jaeger', enginePath('jaeger'), ['--config', config.path], {}, [otlp, otlpHttp, http], config.remove)
  return { ...engine, otlpGrpc: `127.0.0.1:${otlp}`, otlpHttp: `http://127.0.0.1:${otlpHttp}`, queryUrl: `http://127.0.0.1:${http}` }
}

/** A running OpenTelemetry Collector. */
export interface RunningCollector extends RunningEngine {
  /** Its OTLP/HTTP receiver, `http://127.0.0.1:PORT` (OTEL_EXPORTER_OTLP_ENDPOINT of the services). */
  readonly endpoint: string
}

/** Where the Collector fans spans out to. */
export interface FanOut {
  /** tracewright's receiver (`collector.endpoint`): the otlphttp exporter. */
  readonly receiver?: string
  /** Jaeger's OTLP/gRPC endpoint: the otlp exporter. */
  readonly jaeger?: string
  /** The batch processor's timeout, ms. Default 200 (the processor's own default). */
  readonly batchTimeoutMs?: number
}

/**
 * Starts the Collector with the configuration a team uses to send its spans to tracewright beside
 * its usual backend (docs/deployed.md): OTLP in, batch, otlphttp to tracewright, otlp to Jaeger.
 */
export async function startOtelCollector(fanOut: FanOut, port?: number): Promise<RunningCollector> {
  const http = port ?? await findFreePort()
  const exporters: string[] = []
  let exporterConfig = ''
  if (fanOut.receiver !== undefined) {
    exporters.push('otlphttp/tracewright')
    exporterConfig += `  otlphttp/tracewright:\n    endpoint: ${fanOut.receiver}\n    retry_on_failure:\n      enabled: false\n`
  }
  if (fanOut.jaeger !== undefined) {
    exporters.push('otlp/jaeger')
    exporterConfig += `  otlp/jaeger:\n    endpoint: ${fanOut.jaeger}\n    tls:\n      insecure: true\n`
  }
  const config = configFile('otelcol', `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${http}
processors:
  batch:
    timeout: ${fanOut.batchTimeoutMs ?? 200}ms
exporters:
${exporterConfig}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [${exporters.join(', ')}]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
`)
  const engine = await startEngine('the OpenTelemetry Collector', enginePath('collector'), ['--config', config.path], {}, [http], config.remove)
  return { ...engine, endpoint: `http://127.0.0.1:${http}` }
}

/** A service the test started "outside" tracewright, as a deployment runs it. */
export interface RunningService extends RunningEngine {
  readonly url: string
}

/**
 * Starts a service as a deployment would: its own process, exporting OTLP/HTTP to `otlpEndpoint`
 * (the Collector) with the usual OTEL_* variables; tracewright's harness is not involved.
 */
export async function startDeployedService(options: { name: string; command: [string, ...string[]]; otlpEndpoint: string; env?: Record<string, string> }): Promise<RunningService> {
  const port = await findFreePort()
  const [file, ...args] = options.command
  const inherited: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of a harness: the service is as the deployment runs it.
    if (value !== undefined && !key.startsWith('OTEL_') && !key.startsWith('TRACEWRIGHT_')) inherited[key] = value
  }
  const engine = await startEngine(options.name, file, args, {
    ...inherited,
    OTEL_SERVICE_NAME: options.name,
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_BSP_SCHEDULE_DELAY: '20',
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    PORT: String(port),
    ...options.env,
  }, [port])
  return { ...engine, url: `http://127.0.0.1:${port}` }
}
