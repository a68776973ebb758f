import { fileURLToPath } from 'node:url'
import { trace as otelTrace } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { lintTrace, startService } from 'tracewright'
import type { Service, Trace } from 'tracewright'
import { infraUrls, requireInfrastructure, skipInfra } from '../../examples/shop/infra.js'
import { BUILT_IN_RULES } from '../../src/lint/rules/index.js'
import { createLintContext } from '../../src/lint/lint-trace.js'

// The proof that the rules fit the real world: traces made by the official OpenTelemetry JS
// instrumentations (loaded by `tracewright/register` into services with no tracing code of their
// own) lint with zero violations, warnings included.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
const registered = (file: string) => [process.execPath, '--import', 'tracewright/register', file] as const

/** Every violation's `severity rule: message`, so a failure shows what fired. */
const lint = (trace: Trace): string[] => lintTrace(trace).map((v) => `${v.severity} ${v.rule}: ${v.message}`)
const scopes = (trace: Trace): string[] => [...new Set(trace.spans().map((s) => s.scope.name))].sort()

describe('a plain node:http service: @opentelemetry/instrumentation-http and -undici', () => {
  let svc: Service
  beforeAll(async () => {
    svc = await startService({ command: [...registered(here('../fixtures/services/plain-esm.mjs'))], ready: { http: '/health' }, name: 'plain' })
  })
  afterAll(() => svc?.stop())

  test('an http SERVER span calling itself through fetch: 3 spans, no violation', async () => {
    const { trace } = await svc.request('GET /hello')
    expect(trace.size).toBe(3)
    expect(scopes(trace)).toEqual(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-undici'])
    expect(lint(trace)).toEqual([])
    expect(trace).toFollowTraceConventions()
  })

  test('a request no handler knows (404), named by its method alone: no violation', async () => {
    const { response, trace } = await svc.request('GET /nowhere')
    expect(response.status).toBe(404)
    expect(trace.root.name).toBe('GET')
    expect(lint(trace)).toEqual([])
  })
})

describe('an express 5 service: @opentelemetry/instrumentation-express, -http (server and client) and -undici', () => {
  let svc: Service
  beforeAll(async () => {
    svc = await startService({ command: [...registered(here('fixtures/shop-express.mjs'))], ready: { http: '/health' }, name: 'shop' })
  })
  afterAll(() => svc?.stop())

  test.each([
    ['GET /products/KB-01', 200, 7, 'fetch (undici) to a route of the same service'],
    ['GET /reviews/KB-01', 200, 7, 'node:http client to a route of the same service'],
    ['GET /checkout', 502, 7, 'a downstream 500: undici CLIENT span with error.type, express handler exception'],
    ['GET /broken', 500, 3, 'a handler that throws'],
    ['GET /missing', 404, 2, 'no route matched'],
  ])('%s → %i, %i spans (%s): no violation', async (target, status, spans) => {
    const { response, trace } = await svc.request(target)
    expect(response.status).toBe(status)
    expect(trace.size).toBe(spans)
    expect(scopes(trace)).toContain('@opentelemetry/instrumentation-express')
    expect(lint(trace)).toEqual([])
    expect(trace).toFollowTraceConventions()
  })
})

// PostgreSQL, Redis and RabbitMQ: `bash scripts/services.sh up` starts them; without them these tests
// fail with one message naming that script, and TRACEWRIGHT_SKIP_INFRA=1 leaves them out.
describe.skipIf(skipInfra('the lint tests on pg, ioredis and amqplib'))('the same service on real data stores: @opentelemetry/instrumentation-pg, -ioredis and -amqplib', () => {
  let svc: Service
  beforeAll(async () => {
    await requireInfrastructure()
    svc = await startService({
      command: [...registered(here('fixtures/shop-express.mjs'))],
      ready: { http: '/health' },
      name: 'shop',
      env: {
        PG_URL: infraUrls.postgres,
        REDIS_URL: infraUrls.redis,
        AMQP_URL: infraUrls.rabbitmq,
      },
    })
  })
  afterAll(() => svc?.stop())

  test('one pg query (with the pool\'s connect spans) and one redis command: no violation', async () => {
    const { response, trace } = await svc.request('GET /users/42')
    expect(response.status).toBe(200)
    expect(scopes(trace)).toEqual(expect.arrayContaining(['@opentelemetry/instrumentation-ioredis', '@opentelemetry/instrumentation-pg']))
    expect(trace.span({ kind: 'CLIENT', attributes: { 'db.system.name': 'redis' } })).toHaveAttribute('db.operation.name')
    expect(trace.spans({ attributes: { 'db.system.name': 'postgresql' } }).length).toBeGreaterThanOrEqual(1)
    expect(lint(trace)).toEqual([])
    expect(trace).toFollowTraceConventions()
  })

  test('a RabbitMQ publish and its consumer: no violation, with the known amqplib deviations allowed', async () => {
    const { response, trace } = await svc.request({ method: 'POST', path: '/orders', json: { id: `lint-${Date.now()}` } })
    expect(response.status).toBe(201)
    expect(trace.span({ kind: 'CONSUMER' })).toBeChildOf({ kind: 'PRODUCER' })
    expect(lint(trace)).toEqual([])
    expect(trace).toFollowTraceConventions()
  })

  test('the allowed deviations are real: without them the rules would flag what amqplib emits', async () => {
    const { trace } = await svc.request({ method: 'POST', path: '/orders', json: { id: `lint-${Date.now()}` } })
    const context = createLintContext(trace)
    const raw = (id: string): string[] => (BUILT_IN_RULES.find((r) => r.id === id)?.check(trace, context) ?? []).map((f) => `${f.span.kind} ${f.attribute}`)
    expect(raw('outdated-attributes')).toEqual(expect.arrayContaining(['PRODUCER messaging.destination', 'CONSUMER messaging.operation', 'PRODUCER messaging.protocol']))
    expect(raw('messaging-attributes')).toEqual(['PRODUCER messaging.operation.type'])
    expect(raw('empty-attribute-values')).toEqual(['PRODUCER messaging.destination', 'CONSUMER messaging.destination'])
  })
})

test('the allowed undici deviation is real: url.query is "" on a request without a query', async () => {
  const svc = await startService({ command: [...registered(here('../fixtures/services/plain-esm.mjs'))], ready: { http: '/health' }, name: 'plain' })
  try {
    const { trace } = await svc.request('GET /hello')
    expect(trace.span({ kind: 'CLIENT' })).toHaveAttribute('url.query', '')
  } finally {
    await svc.stop()
  }
})

describe('the in-process harness\'s own entry span', () => {
  let svc: Service
  beforeAll(async () => {
    svc = await startService({
      name: 'accounts',
      app: (req, res) => {
        if (req.url?.startsWith('/accounts/')) otelTrace.getActiveSpan()?.setAttribute('http.route', '/accounts/:id')
        if (req.url === '/accounts/crash') throw new Error('ledger unavailable')
        res.end('{}')
      },
    })
  })
  afterAll(() => svc?.stop())

  test('a routed request and a handler that throws: no violation', async () => {
    expect(lint((await svc.request('GET /accounts/7')).trace)).toEqual([])
    const failed = await svc.request('GET /accounts/crash')
    expect(failed.response.status).toBe(500)
    expect(lint(failed.trace)).toEqual([])
  })
})
