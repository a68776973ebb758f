// An app that loads its client library only when a request first needs it: the check at start
// sees nothing, so the harness checks again after the first request.
import { expect, test, vi } from 'vitest'
import { startService } from 'tracewright'

test('a library loaded on the first request without instrumentation is named after that request', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  const svc = await startService({
    app: async (_req, res) => {
      const amqp = await import('amqplib')
      res.end(typeof amqp.connect)
    },
  })
  try {
    expect(warn).not.toHaveBeenCalled()
    const { response } = await svc.request('GET /')
    expect(response.text).toBe('function')
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^tracewright: amqplib is loaded in the test process without OpenTelemetry instrumentation/))
  } finally {
    await svc.stop()
    vi.restoreAllMocks()
  }
})
