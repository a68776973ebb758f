/**
 * For a Node service that sets up its own OpenTelemetry SDK: the span processor that lets the
 * harness settle its traces exactly, as `tracewright/register` does.
 *
 * ```ts
 * import { harnessSpanProcessor } from 'tracewright/span-channel'
 * const exporter = new OTLPTraceExporter()
 * const provider = new NodeTracerProvider({
 *   spanProcessors: [harnessSpanProcessor(exporter) ?? new BatchSpanProcessor(exporter)],
 * })
 * ```
 *
 * Under the harness (`TRACEWRIGHT_SPAN_CHANNEL` set) it reports span starts over the span channel
 * and exports each trace as soon as its local root ends; anywhere else it returns undefined, so
 * the service keeps its own processor.
 */
import { createConnection } from 'node:net'
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { RootFlushProcessor } from './collector/root-flush-processor.js'
import { SPAN_CHANNEL_ENV } from './collector/span-channel.js'

/**
 * A span processor exporting through `exporter` and reporting to the harness, or undefined when
 * the process was not started by the harness.
 *
 * @example
 * ```ts
 * const processor = harnessSpanProcessor(new OTLPTraceExporter()) ?? new BatchSpanProcessor(new OTLPTraceExporter())
 * ```
 */
export function harnessSpanProcessor(exporter: SpanExporter): SpanProcessor | undefined {
  const path = process.env[SPAN_CHANNEL_ENV]
  if (path === undefined || path === '') return undefined
  const socket = createConnection(path)
  // Never what keeps the service alive, and a harness that went away is no error of the service's.
  socket.unref()
  socket.on('error', () => {})
  socket.write(`H ${process.pid}\n`)
  const heldDelayMs = Number(process.env['OTEL_BSP_SCHEDULE_DELAY'] ?? 1000)
  return new RootFlushProcessor(exporter, socket, { heldDelayMs: Number.isFinite(heldDelayMs) ? heldDelayMs : 1000 })
}
