// Real OpenTelemetry instrumentations (http, undici, pg, ioredis, amqplib, express) against real
// PostgreSQL, Redis and RabbitMQ, captured through both paths: a child process instrumented by
// `tracewright/register` exporting OTLP, and the same app in the test process recording into the
// harness's provider. Each test checks what the instrumentation emits (names, kinds, attributes,
// events, status, parentage) with the matchers, then that both paths captured the same spans.
//
// The instrumentations must be registered before anything loads the client libraries.
import { libs } from './in-process-instrumentations.js'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { AttributeValue, CapturedSpan, Service, Trace } from 'tracewright'
import { closedPort, createRunResources, skipInfra } from '../../examples/shop/infra.js'
import type { RunResources } from '../../examples/shop/infra.js'
import { createMatrixApp } from './services/matrix-app.mjs'
import type { MatrixApp, MatrixConfig } from './services/matrix-app.mjs'

/** One capture path: its service and the run resources only it uses. */
interface Path {
  readonly svc: Service
  readonly run: RunResources
}

/** One request's trace, and the path that captured it. */
interface Captured {
  readonly trace: Trace
  readonly path: Path
}

describe.skipIf(skipInfra('the instrumentation matrix'))('official instrumentations through both capture paths', () => {
  const runs: RunResources[] = []
  let child: Path
  let inProcess: Path
  let inProcessApp: MatrixApp | undefined
  let deadPort: number

  const config = (run: RunResources): MatrixConfig => ({
    databaseUrl: run.env['DATABASE_URL'] as string,
    schema: run.schema,
    redisUrl: run.env['REDIS_URL'] as string,
    redisPrefix: run.redisPrefix,
    amqpUrl: run.env['AMQP_URL'] as string,
    queue: run.queue,
    deadUrl: `http://127.0.0.1:${deadPort}`,
  })

  /** The matrix app as its own process, instrumented by tracewright/register alone. */
  const startChild = (run: RunResources, protocol?: 'http/json' | 'grpc'): Promise<Service> => startService({
    command: [process.execPath, '--import', 'tracewright/register', fileURLToPath(new URL('services/matrix-server.mjs', import.meta.url))],
    ready: { http: '/health' },
    name: 'child-process',
    env: { MATRIX_CONFIG: JSON.stringify(config(run)) },
    ...(protocol === undefined ? {} : { protocol }),
  })

  beforeAll(async () => {
    runs.push(await createRunResources('matrix'), await createRunResources('matrix'))
    const [childRun, inProcessRun] = runs as [RunResources, RunResources]
    deadPort = await closedPort()
    // Each path's service name shows in the trace trees of failure messages, telling them apart.
    child = { run: childRun, svc: await startChild(childRun) }
    inProcessApp = await createMatrixApp(libs, config(inProcessRun))
    // The http instrumentation makes the SERVER span, so the harness makes none of its own.
    inProcess = { run: inProcessRun, svc: await startService({ app: inProcessApp.app, entrySpan: false, name: 'in-process' }) }
  })

  afterAll(async () => {
    await Promise.allSettled([child?.svc.stop(), inProcess?.svc.stop()])
    await inProcessApp?.close()
    await Promise.all(runs.map((run) => run.teardown()))
  })

  /** Sends the same request through both paths, child process first. */
  async function both(target: string): Promise<[Captured, Captured]> {
    const [a, b] = await Promise.all([child.svc.request(target), inProcess.svc.request(target)])
    expect(a.response.status).toBe(b.response.status)
    return [{ trace: a.trace, path: child }, { trace: b.trace, path: inProcess }]
  }

  /**
   * The spans of a trace as comparable data: every field the instrumentation chose (name, kind,
   * parentage as the path of ancestor names, status, scope, attributes with their types, events),
   * with what differs between the two runs by nature (ports, this run's queue and key prefix,
   * stack traces) replaced by placeholders.
   */
  function shapeOf(trace: Trace, path: Path): unknown[] {
    const port = Number(new URL(path.svc.url).port)
    const text = (value: string): string => value
      .replaceAll(path.run.queue, '<queue>')
      .replaceAll(path.run.redisPrefix, '<prefix>')
      .replaceAll(`:${port}`, ':<port>')
      .replaceAll(`:${deadPort}`, ':<dead port>')
    const value = (span: CapturedSpan, key: string, v: AttributeValue): unknown => {
      if (typeof v === 'string') return key === 'exception.stacktrace' ? '<stack trace>' : text(v)
      if (typeof v !== 'number') return v
      if (v === port) return '<port>'
      if (v === deadPort) return '<dead port>'
      // The peer of a SERVER span is the client's ephemeral port.
      if (key === 'network.peer.port' && span.kind === 'SERVER') return '<client port>'
      return v
    }
    const attributes = (span: CapturedSpan, attrs: Readonly<Record<string, AttributeValue>>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, value(span, k, v)]))
    return trace.spans()
      .map((span) => ({
        path: [...trace.ancestors(span)].reverse().concat(span).map((s) => text(s.name)).join(' > '),
        kind: span.kind,
        status: span.status.message === undefined ? span.status : { ...span.status, message: text(span.status.message) },
        scope: span.scope,
        attributes: attributes(span, span.attributes),
        events: span.events.map((e) => ({ name: e.name, attributes: attributes(span, e.attributes) })),
        links: span.links.length,
      }))
      .sort((a, b) => a.path.localeCompare(b.path) || JSON.stringify(a).localeCompare(JSON.stringify(b)))
  }

  function expectSameSpans([a, b]: readonly [Captured, Captured]): void {
    expect(shapeOf(a.trace, a.path)).toEqual(shapeOf(b.trace, b.path))
  }

  test('http server, express and undici (fetch): a call into the service itself is one trace', async () => {
    const captured = await both('GET /http/fetch')
    for (const { trace, path } of captured) {
      expect(trace).toBeConnected()
      expect(trace.root).toMatchObject({ name: 'GET /http/fetch', kind: 'SERVER', scope: { name: '@opentelemetry/instrumentation-http' } })
      expect(trace.root).toHaveAttribute('http.route', '/http/fetch')
      expect(trace.root).toHaveAttribute('http.response.status_code', 200)
      expect(trace.root).toHaveAttribute('server.port', Number(new URL(path.svc.url).port))
      expect(trace.root.resource['service.name']).toBe(path.svc.name)

      const handler = trace.span({ name: 'request handler', attributes: { 'http.route': '/http/fetch' } })
      expect(handler).toBeChildOf(trace.root)
      expect(handler).toHaveAttribute('express.type', 'request_handler')
      expect(handler.kind).toBe('INTERNAL')

      const call = trace.span({ kind: 'CLIENT' })
      expect(call).toMatchObject({ name: 'GET', scope: { name: '@opentelemetry/instrumentation-undici' }, status: { code: 'UNSET' } })
      expect(call).toBeChildOf(handler)
      expect(call).toHaveAttribute('url.full', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/downstream\?via=fetch$/))
      expect(call).toHaveAttribute('url.query', '?via=fetch')
      expect(call).toHaveAttribute('http.response.status_code', 200)

      const downstream = trace.span({ kind: 'SERVER', attributes: { 'url.path': '/downstream' } })
      expect(downstream).toBeChildOf(call)
      expect(downstream).toHaveAttribute('url.query', 'via=fetch')
      expect(trace).toHaveSpanCount({}, 5)
    }
    expectSameSpans(captured)
  })

  test('node:http client: a CLIENT span from the http instrumentation', async () => {
    const captured = await both('GET /http/node')
    for (const { trace } of captured) {
      expect(trace).toBeConnected()
      const call = trace.span({ kind: 'CLIENT' })
      expect(call).toMatchObject({ name: 'GET', scope: { name: '@opentelemetry/instrumentation-http' } })
      expect(call).toHaveAttribute('url.full', expect.stringMatching(/\/downstream\?via=http$/))
      expect(call).toBeDescendantOf(trace.root)
      expect(trace.span({ kind: 'SERVER', attributes: { 'url.query': 'via=http' } })).toBeChildOf(call)
    }
    expectSameSpans(captured)
  })

  test('a 503 answer: ERROR on the CLIENT span and on the downstream SERVER span, not on the caller', async () => {
    const captured = await both('GET /http/503')
    for (const { trace } of captured) {
      const call = trace.span({ kind: 'CLIENT' })
      expect(call).toHaveStatus('ERROR')
      expect(call).toHaveAttribute('error.type', '503')
      expect(call).toHaveAttribute('http.response.status_code', 503)
      expect(call).not.toHaveRecordedException()
      const downstream = trace.span({ kind: 'SERVER', status: 'ERROR' })
      expect(downstream).toBeChildOf(call)
      expect(downstream).toHaveAttribute('http.response.status_code', 503)
      expect(trace.root).toHaveStatus('UNSET')
      expect(trace).toHaveSpanCount({ status: 'ERROR' }, 2)
    }
    expectSameSpans(captured)
  })

  test('a refused connection: the CLIENT span records the error and the exception', async () => {
    const captured = await both('GET /http/refused')
    for (const { trace } of captured) {
      const call = trace.span({ kind: 'CLIENT' })
      expect(call).toHaveStatus('ERROR', `connect ECONNREFUSED 127.0.0.1:${deadPort}`)
      expect(call).toHaveAttribute('error.type', 'ECONNREFUSED')
      // An empty string is a value, and must survive OTLP as one.
      expect(call).toHaveAttribute('url.query', '')
      expect(call).not.toHaveAttribute('http.response.status_code')
      expect(call).toHaveRecordedException({ type: 'ECONNREFUSED', message: /ECONNREFUSED/, stacktrace: expect.any(String) })
      expect(trace.root).not.toHaveStatus('ERROR')
    }
    expectSameSpans(captured)
  })

  test('pg: pool checkout, connect, queries with their text, and a failed query', async () => {
    const captured = await both('GET /pg')
    for (const { trace } of captured) {
      expect(trace).toBeConnected()
      const handler = trace.span('request handler')
      const queries = trace.spans({ name: /^pg\.query:/ })
      expect(queries.map((q) => q.attributes['db.query.text'])).toEqual(['SELECT $1::int + 1 AS answer', 'SELECT * FROM no_such_table'])
      for (const query of queries) {
        expect(query).toMatchObject({ name: 'pg.query:SELECT test', kind: 'CLIENT', scope: { name: '@opentelemetry/instrumentation-pg' } })
        expect(query).toBeChildOf(handler)
        expect(query).toHaveAttribute('db.system.name', 'postgresql')
        expect(query).toHaveAttribute('db.namespace', 'test')
        expect(query).toHaveAttribute('server.port', 5432)
      }
      // A pool checkout from the warm pool opens no connection; the endpoint's own client does.
      expect(trace.span('pg-pool.connect')).toHaveAttribute('db.postgresql.idle.timeout.millis', 0)
      expect(trace.span('pg.connect')).toBeChildOf(handler)
      expect(trace).toHaveSpanCount({ attributes: { 'db.system.name': 'postgresql' } }, 4)

      const failed = trace.span({ name: /^pg\.query:/, status: 'ERROR' })
      expect(failed).toHaveAttribute('db.query.text', 'SELECT * FROM no_such_table')
      expect(failed).toHaveStatus('ERROR', 'relation "no_such_table" does not exist')
      // The pg instrumentation records a sanitised exception: a message with the SQLSTATE, no type.
      expect(failed).toHaveRecordedException({ message: /\(code: 42P01\)/ })
      expect(failed.events[0]?.attributes['exception.type']).toBeUndefined()
      expect(trace.root).not.toHaveStatus('ERROR')
    }
    expectSameSpans(captured)
  })

  test('ioredis: one CLIENT span per command, and a refused command', async () => {
    const captured = await both('GET /redis')
    for (const { trace, path } of captured) {
      expect(trace).toBeConnected()
      expect(trace.spans({ attributes: { 'db.system.name': 'redis' } }).map((s) => s.name)).toEqual(['set', 'get', 'incr'])
      const set = trace.span('set')
      expect(set).toMatchObject({ kind: 'CLIENT', scope: { name: '@opentelemetry/instrumentation-ioredis' } })
      expect(set).toBeChildOf({ name: 'request handler' })
      expect(set).toHaveAttribute('db.operation.name', 'set')
      // Arguments after the key are not recorded, only counted.
      expect(set).toHaveAttribute('db.query.text', `set ${path.run.redisPrefix}greeting [1 other arguments]`)
      expect(trace.span('get')).toHaveAttribute('db.query.text', `get ${path.run.redisPrefix}greeting`)
      const incr = trace.span('incr')
      expect(incr).toHaveStatus('ERROR', 'ERR value is not an integer or out of range')
      expect(incr).toHaveRecordedException({ type: 'ReplyError', message: /not an integer/ })
    }
    expectSameSpans(captured)
  })

  test('amqplib: PRODUCER in the request, CONSUMER and its work arrive after the response', async () => {
    const captured = await both('POST /amqp')
    const complete: Captured[] = []
    for (const { trace, path } of captured) {
      const publish = trace.span({ kind: 'PRODUCER' })
      expect(publish).toMatchObject({ name: 'publish <default>', scope: { name: '@opentelemetry/instrumentation-amqplib' } })
      expect(publish).toBeChildOf({ name: 'request handler' })
      expect(publish).toHaveAttribute('messaging.system', 'rabbitmq')
      expect(publish).toHaveAttribute('messaging.destination', '')
      expect(publish).toHaveAttribute('messaging.rabbitmq.routing_key', path.run.queue)
      expect(publish).toHaveAttribute('messaging.url', 'amqp://guest:***@127.0.0.1:5672')

      // The consumer acknowledges after its query, which ends its span: wait for both.
      const consume = await path.svc.waitForSpan(trace, { kind: 'CONSUMER' })
      const work = await path.svc.waitForSpan(trace, { name: /^pg\.query:/, ancestor: { kind: 'CONSUMER' } })
      expect(consume.name).toBe(`${path.run.queue} process`)
      expect(consume).toHaveAttribute('messaging.operation', 'process')
      const settled = path.svc.store.trace(trace.traceId)
      expect(settled.span({ kind: 'CONSUMER' })).toBeChildOf(publish)
      expect(settled.span(work.name)).toBeChildOf({ kind: 'CONSUMER' })
      expect(settled).toBeConnected()
      complete.push({ trace: settled, path })
    }
    expectSameSpans(complete as [Captured, Captured])
  })

  test('express: router, middleware and a handler that throws', async () => {
    const ok = await both('GET /express/items/7')
    for (const { trace } of ok) {
      expect(trace.root.name).toBe('GET /express/items/:id')
      expect(trace.span('router - /express')).toHaveAttribute('express.type', 'router')
      expect(trace.span({ name: 'middleware - <anonymous>' })).toHaveAttribute('http.route', '/express')
      expect(trace.span('request handler')).toHaveAttribute('http.route', '/express/items/:id')
      for (const span of trace.spans({ kind: 'INTERNAL' })) expect(span).toBeChildOf(trace.root)
    }
    expectSameSpans(ok)

    const boom = await both('GET /express/boom')
    for (const { trace } of boom) {
      expect(trace.root).toHaveStatus('ERROR')
      expect(trace.root).toHaveAttribute('http.response.status_code', 500)
      const handler = trace.span('request handler')
      expect(handler).toHaveStatus('ERROR', 'boom in a route')
      expect(handler).toHaveRecordedException(RangeError)
      expect(trace).toHaveSpanCount({ hasEvent: 'exception' }, 1)
    }
    expectSameSpans(boom)
  })

  // The child process above exports OTLP/HTTP protobuf, the default. The other two encodings must
  // carry the same spans: compared with it, endpoint by endpoint.
  test.each(['http/json', 'grpc'] as const)('exporting %s captures the same spans as http/protobuf', async (protocol) => {
    const run = await createRunResources('matrix')
    runs.push(run)
    const other: Path = { run, svc: await startChild(run, protocol) }
    try {
      for (const target of ['GET /http/fetch', 'GET /http/refused', 'GET /pg', 'GET /redis', 'GET /express/boom']) {
        const [a, b] = await Promise.all([other.svc.request(target), child.svc.request(target)])
        expectSameSpans([{ trace: a.trace, path: other }, { trace: b.trace, path: child }])
      }
    } finally {
      await other.svc.stop()
    }
  })
})
