import { context as otelContext, TraceFlags } from '@opentelemetry/api'
import type { Context } from '@opentelemetry/api'
import { ExportResultCode, suppressTracing } from '@opentelemetry/core'
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { correctStartInPlace } from './precise-start.js'

/** Where the processor writes its span channel lines (a socket to the harness). */
export interface ChannelWriter {
  write(text: string): unknown
}

/** Spans of one trace in this process that are not yet exported. */
interface LocalTrace {
  /** Started and not ended: span id → name. */
  readonly open: Map<string, string>
  /** Ended, waiting for export. */
  ended: ReadableSpan[]
  /** Exports of this trace's spans not yet answered. */
  inFlight: number
  /** A local root of this trace has been reported, so the harness waits for a `D` line. */
  reported: boolean
  failure: string | undefined
}

/** Ended spans of a trace still open are exported in pieces of this size (a long-running trace). */
const MAX_HELD_SPANS = 512
/**
 * Exports under way at once. The OTLP exporters refuse more than 30; below that, traces that
 * finish while every slot is busy wait and share the next export.
 */
const MAX_CONCURRENT_EXPORTS = 8

/**
 * The span processor `tracewright/register` installs in a service the harness spawned. Two jobs:
 *
 * 1. It exports a trace's spans the moment the last open span of that trace in this process ends
 *    (usually the local root: the SERVER span), instead of waiting for a batch delay. Traces that
 *    finish in the same turn of the event loop share one export.
 * 2. It tells the harness over the span channel (see `span-channel.ts`) when a local root starts,
 *    which spans are still open when a local root ends, and when every span of the trace has
 *    ended and its export was acknowledged, so the harness settles the trace exactly.
 *
 * Ended spans of a trace that stays open are exported after `heldDelayMs` (or every 512 spans),
 * so a span that never ends still leaves the rest visible in the timeout error.
 */
export class RootFlushProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter
  readonly #channel: ChannelWriter
  readonly #heldDelayMs: number
  readonly #traces = new Map<string, LocalTrace>()
  /** Traces whose spans are all ended, exported together at the next check phase. */
  #ready = new Set<string>()
  #flushScheduled = false
  #heldTimer: NodeJS.Timeout | undefined
  readonly #pending = new Set<Promise<void>>()
  /** Partial exports waiting for a slot. */
  readonly #queue: Array<{ spans: ReadableSpan[]; done: (failure: string | undefined) => void }> = []
  #exporting = 0

  constructor(exporter: SpanExporter, channel: ChannelWriter, options: { heldDelayMs?: number } = {}) {
    this.#exporter = exporter
    this.#channel = channel
    this.#heldDelayMs = options.heldDelayMs ?? 1000
  }

  onStart(span: Span, _parentContext: Context): void {
    const context = span.spanContext()
    if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return
    let local = this.#traces.get(context.traceId)
    if (local === undefined) {
      local = { open: new Map(), ended: [], inFlight: 0, reported: false, failure: undefined }
      this.#traces.set(context.traceId, local)
    }
    local.open.set(context.spanId, span.name)
    const parent = span.parentSpanContext
    if (parent === undefined || parent.isRemote === true) {
      local.reported = true
      // Written now, before the handler can answer: the harness must know of this process's
      // part in the trace before the response that ends its wait for the trace reaches it.
      this.#channel.write(`R ${context.traceId} ${context.spanId} ${parent?.spanId ?? '-'} ${oneLine(span.name)}\n`)
    }
  }

  onEnd(span: ReadableSpan): void {
    const context = span.spanContext()
    if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return
    const local = this.#traces.get(context.traceId)
    if (local === undefined) return
    // The SDK's start is truncated to the millisecond: exported at the precise instant instead.
    correctStartInPlace(span)
    local.open.delete(context.spanId)
    local.ended.push(span)
    const parent = span.parentSpanContext
    const isLocalRoot = parent === undefined || parent.isRemote === true
    if (local.open.size === 0) {
      this.#ready.add(context.traceId)
      this.#scheduleFlush()
    } else if (isLocalRoot && local.reported) {
      // The root ended with work still open: name it, so a span that never ends is named in the
      // harness's timeout error.
      let lines = ''
      for (const [spanId, name] of local.open) lines += `O ${context.traceId} ${spanId} ${oneLine(name)}\n`
      this.#channel.write(lines)
      this.#scheduleHeld()
    } else if (local.ended.length >= MAX_HELD_SPANS) {
      this.#export(context.traceId, local, local.ended.splice(0))
    } else {
      this.#scheduleHeld()
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      this.#flushScheduled = false
      this.#flushReady()
    })
  }

  #scheduleHeld(): void {
    if (this.#heldTimer !== undefined) return
    this.#heldTimer = setTimeout(() => {
      this.#heldTimer = undefined
      for (const [traceId, local] of this.#traces) if (local.ended.length > 0) this.#export(traceId, local, local.ended.splice(0))
    }, this.#heldDelayMs)
    this.#heldTimer.unref()
  }

  /** Exports every trace whose spans have all ended, in one call, once a slot is free. */
  #flushReady(): void {
    if (this.#exporting >= MAX_CONCURRENT_EXPORTS || this.#ready.size === 0) return
    const ready = [...this.#ready]
    this.#ready = new Set()
    const spans: ReadableSpan[] = []
    const locals: Array<[string, LocalTrace]> = []
    let expected = ''
    for (const traceId of ready) {
      const local = this.#traces.get(traceId)
      if (local === undefined || local.open.size > 0) continue
      // With no earlier part of the trace still unanswered, these spans are all the harness still
      // lacks: naming them lets it settle the moment they are stored, not when the answer gets back.
      if (local.reported && local.inFlight === 0) {
        expected += `E ${traceId}`
        for (const span of local.ended) expected += ` ${span.spanContext().spanId}`
        expected += '\n'
      }
      spans.push(...local.ended)
      local.ended = []
      local.inFlight++
      locals.push([traceId, local])
    }
    if (locals.length === 0) return
    if (expected !== '') this.#channel.write(expected)
    this.#send(spans, (failure) => {
      let lines = ''
      for (const [traceId, local] of locals) {
        local.inFlight--
        local.failure ??= failure
        if (local.inFlight > 0 || local.open.size > 0 || local.ended.length > 0) continue
        this.#traces.delete(traceId)
        if (!local.reported) continue
        lines += local.failure === undefined ? `D ${traceId}\n` : `F ${traceId} ${oneLine(local.failure)}\n`
      }
      if (lines !== '') this.#channel.write(lines)
    })
  }

  /** Exports part of a trace that is still open; its `D` line waits for the rest. */
  #export(traceId: string, local: LocalTrace, spans: ReadableSpan[]): void {
    local.inFlight++
    this.#send(spans, (failure) => {
      local.inFlight--
      local.failure ??= failure
      if (local.inFlight === 0 && local.open.size === 0 && local.ended.length === 0 && this.#traces.get(traceId) === local) {
        this.#traces.delete(traceId)
        if (local.reported) this.#channel.write(local.failure === undefined ? `D ${traceId}\n` : `F ${traceId} ${oneLine(local.failure)}\n`)
      }
    })
  }

  #send(spans: ReadableSpan[], done: (failure: string | undefined) => void): void {
    if (this.#exporting >= MAX_CONCURRENT_EXPORTS) {
      this.#queue.push({ spans, done })
      return
    }
    this.#exporting++
    // Tracing suppressed, as the SDK's own processors do: the export's HTTP request must not
    // become a span of the trace it exports.
    const sent = new Promise<void>((resolve) => {
      otelContext.with(suppressTracing(otelContext.active()), () => {
        this.#exporter.export(spans, (result) => {
          this.#exporting--
          done(result.code === ExportResultCode.SUCCESS ? undefined : (result.error?.message ?? 'the exporter reported a failure'))
          resolve()
          const next = this.#queue.shift()
          if (next !== undefined) this.#send(next.spans, next.done)
          else this.#flushReady()
        })
      })
    })
    this.#pending.add(sent)
    void sent.then(() => this.#pending.delete(sent))
  }

  async forceFlush(): Promise<void> {
    for (const [traceId, local] of this.#traces) if (local.ended.length > 0) this.#export(traceId, local, local.ended.splice(0))
    while (this.#pending.size > 0 || this.#queue.length > 0) await Promise.all([...this.#pending])
    await this.#exporter.forceFlush?.()
  }

  async shutdown(): Promise<void> {
    clearTimeout(this.#heldTimer)
    await this.forceFlush()
    await this.#exporter.shutdown()
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}
