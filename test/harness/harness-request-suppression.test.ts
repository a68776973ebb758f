// The harness's own request must not be traced by an undici instrumentation in the test process
// (it would start a span for it and append a second traceparent: harness-client.test.ts). The
// harness suppresses tracing around the request exactly when something besides its own
// outgoing-call watch listens to undici's request creation; suppressing costs an
// AsyncLocalStorage frame per request, so without such a listener it is left out.
import { channel } from 'node:diagnostics_channel'
import { context } from '@opentelemetry/api'
import { isTracingSuppressed } from '@opentelemetry/core'
import { expect, test } from 'vitest'
import { startService } from 'tracewright'
import { OutgoingCallWatch, undiciRequestsObserved } from '../../src/harness/library-check.js'

const created = channel('undici:request:create')

test('the outgoing-call watch alone is not a listener that needs suppressing', async () => {
  const svc = await startService({ app: (_req, res) => res.end('ok') })
  try {
    // Nothing instruments undici in this file: the service's watch is the only subscriber.
    expect(created.hasSubscribers).toBe(true)
    expect(undiciRequestsObserved()).toBe(false)
    const { trace } = await svc.request('GET /')
    expect(trace.root).toMatchObject({ kind: 'SERVER' })
  } finally {
    await svc.stop()
  }
})

test('another listener sees the harness request created with tracing suppressed', async () => {
  const seen: boolean[] = []
  const listener = (): void => {
    seen.push(isTracingSuppressed(context.active()))
  }
  const svc = await startService({ app: (_req, res) => res.end('ok') })
  try {
    created.subscribe(listener)
    expect(undiciRequestsObserved()).toBe(true)
    await svc.request('GET /')
    expect(seen).toEqual([true])
    created.unsubscribe(listener)
    expect(undiciRequestsObserved()).toBe(false)
  } finally {
    created.unsubscribe(listener)
    await svc.stop()
  }
})

test('a second watch (another copy of the harness) counts as another listener', () => {
  const watch = new OutgoingCallWatch(['undici:request:create'])
  try {
    expect(undiciRequestsObserved()).toBe(true)
  } finally {
    watch.stop()
  }
})
