/**
 * Zero-code instrumentation for a Node service under test:
 *
 * ```sh
 * node --import tracewright/register server.js
 * ```
 *
 * Starts the OpenTelemetry Node SDK with the common instrumentations (http, undici/fetch, pg,
 * ioredis, redis, amqplib, express) and the OTLP exporter configured by the `OTEL_*` environment
 * that `startService({ command })` sets. Works for ESM and CommonJS services: CommonJS modules are
 * patched on `require`, ES modules through import-in-the-middle's loader hook, registered here
 * before the service's own modules load.
 *
 * Started by the harness (`TRACEWRIGHT_SPAN_CHANNEL` set), it also reports span starts to the
 * harness over the span channel and exports each trace's spans as soon as its local root ends
 * (see `collector/root-flush-processor.ts`), so the harness settles the trace exactly and at once.
 */
import { register as registerAsyncHook } from 'node:module'
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createAddHookMessageChannel } from 'import-in-the-middle'
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { SPAN_CHANNEL_ENV } from './collector/span-channel.js'
import { defaultInstrumentations } from './instrumentations.js'
import { harnessSpanProcessor } from './span-channel.js'

// The in-thread loader (Node 22.22.3+/24.11.1+) needs no hand-shake; older versions use the
// threaded loader and must wait until it has seen every hook before the app's imports run.
let waitForHooks: (() => Promise<void>) | undefined
if (supportsSyncHooks()) {
  registerSyncHooks()
} else {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel()
  registerAsyncHook('import-in-the-middle/hook.mjs', import.meta.url, registerOptions)
  waitForHooks = waitForAllMessagesAcknowledged
}

/** The OTLP trace exporter for the protocol the environment asks for, as the SDK would pick it. */
async function exporterFromEnv(): Promise<SpanExporter> {
  const protocol = process.env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? 'http/protobuf'
  if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter()
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
}

/**
 * With a span channel (the harness started this process): the processor that reports span starts
 * and flushes each trace when its local root ends. Without one (run by hand): the SDK's defaults.
 */
async function channelProcessors(): Promise<SpanProcessor[] | undefined> {
  const path = process.env[SPAN_CHANNEL_ENV]
  if (path === undefined || path === '' || (process.env['OTEL_TRACES_EXPORTER'] ?? 'otlp') !== 'otlp') return undefined
  const processor = harnessSpanProcessor(await exporterFromEnv())
  return processor === undefined ? undefined : [processor]
}

const spanProcessors = await channelProcessors()
const sdk = new NodeSDK({
  ...(spanProcessors === undefined ? {} : { spanProcessors }),
  instrumentations: defaultInstrumentations(),
})
sdk.start()
if (waitForHooks) await waitForHooks()

// Flush what is batched before the process goes: the harness stops services with SIGTERM. The
// signal is raised again afterwards so the service's own handlers, or Node's default, still run.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void sdk.shutdown().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  })
}
