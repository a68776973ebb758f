// What attachService and the receiver's bind options refuse, and how they say so. The deployed
// path itself runs against a real Collector and Jaeger in test/deployed/attach.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { attachService, jaegerTraces, startCollector, UsageError } from 'tracewright'
import type { AttachServiceOptions, Collector } from 'tracewright'
import { findFreePort } from '../../src/harness/free-port.js'

let collector: Collector
beforeAll(async () => { collector = await startCollector({ grpc: false }) })
afterAll(() => collector.stop())

describe('attachService', () => {
  test.each([
    [{ url: 'orders:8080' }, /url must be the service's http\(s\) origin, e\.g\. 'http:\/\/127\.0\.0\.1:8080', got "orders:8080"/],
    [{ url: 'http://127.0.0.1:8080/api' }, /Please give paths to request\(\), not here/],
    [{ url: 'http://127.0.0.1:8080', traces: {} }, /`traces` must say where its spans come from: a collector from startCollector\(\).*or a trace source such as jaegerTraces\(\{ url \}\)/],
    [{ url: 'http://127.0.0.1:8080', name: '' }, /name must be the service's service\.name, a non-empty string/],
  ])('refuses %j with a UsageError saying what to give', async (given, message) => {
    const options = { traces: collector, ...given } as unknown as AttachServiceOptions
    const error = await attachService(options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(/^Failed to attach service: /)
    expect((error as Error).message).toMatch(message)
  })

  test('jaegerTraces refuses a URL that is not http(s)', () => {
    expect(() => jaegerTraces({ url: 'jaeger:16686' })).toThrow(/Failed to set up the Jaeger trace source: url must be the http\(s\) address of Jaeger's query service/)
  })
})

describe('startCollector binding', () => {
  test('a non-loopback host needs the explicit opt-in', async () => {
    const error = await startCollector({ host: '0.0.0.0', grpc: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain('host "0.0.0.0" is not a loopback address')
    expect((error as Error).message).toContain('allowNonLoopback: true')
  })

  test('a fixed port is bound, on loopback, and reported in the endpoint', async () => {
    const port = await findFreePort()
    const fixed = await startCollector({ port, grpc: false })
    try {
      expect(fixed.endpoint).toBe(`http://127.0.0.1:${port}`)
      const res = await fetch(`${fixed.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      expect(res.status).toBe(200)
    } finally {
      await fixed.stop()
    }
  })

  test('a port out of range is refused', async () => {
    await expect(startCollector({ port: 70_000, grpc: false })).rejects.toThrow(/port must be an integer from 0 to 65535, got 70000/)
  })
})
