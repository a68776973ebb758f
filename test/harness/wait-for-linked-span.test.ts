import { ROOT_CONTEXT, SpanKind, trace as otelTrace } from '@opentelemetry/api'
import type { SpanContext } from '@opentelemetry/api'
import { describe, expect, test } from 'vitest'
import { startService, TraceTimeoutError, UsageError } from 'tracewright'
import type { Service } from 'tracewright'

const tracer = () => otelTrace.getTracer('wait-for-linked-span-test')

/**
 * An in-process shop whose POST publishes a message (a PRODUCER span) onto an in-memory queue; a
 * batch consumer drains the queue `delayMs` later in a new trace whose CONSUMER span links to every
 * producer span of the batch, with a child span that ends first.
 */
async function shopWithBatchConsumer(delayMs: number, linksOut = true): Promise<Service> {
  const queue: SpanContext[] = []
  let scheduled = false
  const drain = (): void => {
    scheduled = false
    const batch = queue.splice(0)
    const links = linksOut ? batch.map((context) => ({ context, attributes: { 'messaging.batch.index': batch.indexOf(context) } })) : []
    tracer().startActiveSpan('orders process', { kind: SpanKind.CONSUMER, root: true, links }, ROOT_CONTEXT, (span) => {
      tracer().startSpan('INSERT shipments', { kind: SpanKind.CLIENT }).end()
      span.end()
    })
  }
  return startService({
    app: (_req, res) => {
      tracer().startActiveSpan('orders publish', { kind: SpanKind.PRODUCER }, (span) => {
        queue.push(span.spanContext())
        span.end()
      })
      if (!scheduled) {
        scheduled = true
        setTimeout(drain, delayMs)
      }
      res.end('queued')
    },
  })
}

describe('svc.waitForSpan(trace, selector, { linked: true })', () => {
  test('resolves with a span of another trace that links to this one, once it ends', async () => {
    const svc = await shopWithBatchConsumer(150)
    try {
      const { trace } = await svc.request('POST /orders')
      // The consumer has not run yet: the wait below is for a trace that does not exist.
      expect(trace.linkingTraces()).toEqual([])
      const batch = await svc.waitForSpan(trace, { kind: 'CONSUMER' }, { linked: true, timeoutMs: 3000 })
      expect(batch.traceId).not.toBe(trace.traceId)
      expect(batch).toHaveLink(trace.span({ kind: 'PRODUCER' }), { 'messaging.batch.index': 0 })
      expect(batch).toHaveLink({ kind: 'PRODUCER', parent: { kind: 'SERVER' } })
      expect(batch).toStartAfter(trace.span({ kind: 'PRODUCER' }))
      expect(trace).toBeConnected({ links: true })
      // A span of the linking trace that does not link itself is found too, and at once now.
      const insert = await svc.waitForSpan(trace, 'INSERT shipments', { linked: true })
      expect(insert).toBeChildOf(batch)
      expect(trace.linkingTraces().map((t) => t.traceId)).toEqual([batch.traceId])
    } finally {
      await svc.stop()
    }
  })

  test('without { linked } the wait stays in the trace and times out, naming it', async () => {
    const svc = await shopWithBatchConsumer(10)
    try {
      const { trace } = await svc.request('POST /orders')
      const error = await svc.waitForSpan(trace, { kind: 'CONSUMER' }, { timeoutMs: 200 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
    } finally {
      await svc.stop()
    }
  })

  test('a consumer that does not link times out, saying no trace links here yet', async () => {
    const svc = await shopWithBatchConsumer(10, false)
    try {
      const { trace } = await svc.request('POST /orders')
      const error = await svc.waitForSpan(trace, { kind: 'CONSUMER' }, { linked: true, timeoutMs: 200 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toContain(`Failed to see a span matching { kind: "CONSUMER" } in a trace linking to trace ${trace.traceId} within 200 ms.`)
      expect((error as Error).message).toContain('No captured trace links to it yet.')
      expect((error as Error).message).toContain('Please check that the consumer adds a link')
    } finally {
      await svc.stop()
    }
  })

  test('linked must be a boolean', async () => {
    const svc = await shopWithBatchConsumer(10)
    try {
      const { trace } = await svc.request('POST /orders')
      await expect(svc.waitForSpan(trace, 'x', { linked: 'yes' as never })).rejects.toThrowError(UsageError)
    } finally {
      await svc.stop()
    }
  })
})
