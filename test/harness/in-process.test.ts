import { createServer } from 'node:http'
import { context, propagation, trace as otelTrace } from '@opentelemetry/api'
import { deleteRPCMetadata, getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core'
import { describe, expect, test } from 'vitest'
import { ServiceStartError, startService, TraceTimeoutError, UsageError } from 'tracewright'
import type { RequestListener } from 'node:http'

const tracer = () => otelTrace.getTracer('test-app')

/** Handles `GET /work/:n` with `n` child spans, each tagged with the request's marker header. */
const workApp: RequestListener = async (req, res) => {
  const n = Number(/\/work\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0)
  const marker = String(req.headers['x-marker'] ?? '')
  for (let i = 0; i < n; i++) {
    await tracer().startActiveSpan(`step ${i}`, async (span) => {
      span.setAttribute('marker', marker)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3))
      span.end()
    })
  }
  res.end(marker)
}

describe('startService({ app })', () => {
  test('accepts a listener, a sync factory, an async factory and a factory returning a server', async () => {
    const listener: RequestListener = (_req, res) => res.end('ok')
    const apps = [listener, () => listener, async () => listener, () => createServer(listener)]
    for (const app of apps) {
      const svc = await startService({ app })
      try {
        const { response, trace } = await svc.request('GET /x')
        expect(response.text).toBe('ok')
        expect(trace).toHaveSpan({ kind: 'SERVER', service: 'app' })
        expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      } finally {
        await svc.stop()
      }
    }
  })

  test('the entry span carries the stable HTTP semantic-convention attributes', async () => {
    const svc = await startService({
      name: 'orders',
      app: (req, res) => {
        otelTrace.getActiveSpan()?.setAttribute('http.route', '/orders/:id')
        res.statusCode = req.method === 'POST' ? 201 : 200
        res.end()
      },
    })
    try {
      const { trace } = await svc.request({ method: 'POST', path: '/orders/7?dry=1', json: { a: 1 }, headers: { 'user-agent': 'spec' } })
      expect(trace.root).toHaveAttribute('http.request.method', 'POST')
      expect(trace.root).toHaveAttribute('url.path', '/orders/7')
      expect(trace.root).toHaveAttribute('url.query', 'dry=1')
      expect(trace.root).toHaveAttribute('url.scheme', 'http')
      expect(trace.root).toHaveAttribute('http.response.status_code', 201)
      expect(trace.root).toHaveAttribute('server.address', '127.0.0.1')
      expect(trace.root).toHaveAttribute('server.port', expect.any(Number))
      expect(trace.root).toHaveAttribute('user_agent.original', 'spec')
      expect(trace.root.name).toBe('POST /orders/:id')
      expect(trace.root.kind).toBe('SERVER')
    } finally {
      await svc.stop()
    }
  })

  test('a 5xx response marks the entry span as an error', async () => {
    const svc = await startService({ app: (_req, res) => res.writeHead(503).end() })
    try {
      const { trace } = await svc.request('GET /')
      expect(trace.root).toHaveStatus('ERROR')
      expect(trace.root).toHaveAttribute('error.type', '503')
    } finally {
      await svc.stop()
    }
  })

  test('entrySpan: false leaves the SERVER span to the app', async () => {
    const svc = await startService({
      entrySpan: false,
      app: (req, res) => {
        const parent = propagation.extract(context.active(), req.headers)
        const span = tracer().startSpan('own server span', { kind: 1 }, parent)
        res.end()
        span.end()
      },
    })
    try {
      const { trace } = await svc.request('GET /')
      expect(trace.spans()).toHaveLength(1)
      expect(trace.root.name).toBe('own server span')
    } finally {
      await svc.stop()
    }
  })

  test('the request context carries RPC metadata as setRPCMetadata would, through derived contexts', async () => {
    // What a framework instrumentation (express, koa, …) does: read the metadata of the active
    // context, set the route on it; the entry span is named by it. Also replaced and deleted.
    const seen: Record<string, unknown> = {}
    const svc = await startService({
      app: async (_req, res) => {
        await tracer().startActiveSpan('router', async (span) => {
          const derived = context.active()
          seen['type'] = getRPCMetadata(derived)?.type
          const metadata = getRPCMetadata(derived)
          if (metadata?.type === RPCType.HTTP) metadata.route = '/orders/:id'
          const replaced = setRPCMetadata(derived, { type: RPCType.HTTP, route: '/other', span })
          seen['replaced'] = getRPCMetadata(replaced)?.route
          seen['deleted'] = getRPCMetadata(deleteRPCMetadata(derived))
          seen['keepsSpan'] = otelTrace.getSpan(deleteRPCMetadata(derived)) === span
          span.end()
        })
        res.end()
      },
    })
    try {
      const { trace } = await svc.request('GET /orders/42')
      expect(seen).toEqual({ type: RPCType.HTTP, replaced: '/other', deleted: undefined, keepsSpan: true })
      expect(trace.root.name).toBe('GET /orders/:id')
      expect(trace.root).toHaveAttribute('http.route', '/orders/:id')
    } finally {
      await svc.stop()
    }
  })

  test('request() resolves only once the trace has settled, with every span of the request', async () => {
    const svc = await startService({ app: workApp })
    try {
      for (const n of [0, 1, 5, 20]) {
        const { trace } = await svc.request(`GET /work/${n}`)
        expect(trace).toHaveSpanCount(/^step /, n)
        expect(svc.store.openSpanCount(trace.traceId)).toBe(0)
      }
    } finally {
      await svc.stop()
    }
  })

  test('a request line it cannot parse is a UsageError naming the fix', async () => {
    const svc = await startService({ app: workApp })
    try {
      await expect(svc.request('orders please')).rejects.toThrow(UsageError)
      await expect(svc.request('orders please')).rejects.toThrow(/expected "METHOD \/path"/)
    } finally {
      await svc.stop()
    }
  })
})

describe('isolation', () => {
  const svcPromise = startService({ app: workApp })

  test.concurrent.each(Array.from({ length: 12 }, (_, i) => i))('concurrent request %i sees only its own spans', async (i) => {
    const svc = await svcPromise
    const { response, trace } = await svc.request(`GET /work/${(i % 4) + 1}`, { headers: { 'x-marker': `m${i}` } })
    expect(response.text).toBe(`m${i}`)
    expect(trace).toHaveSpanCount(/^step /, (i % 4) + 1)
    expect(trace).not.toHaveSpan({ attributes: { marker: expect.not.stringMatching(new RegExp(`^m${i}$`)) } })
    expect(new Set(trace.spans().map((s) => s.traceId))).toEqual(new Set([trace.traceId]))
  })

  test('stop', async () => {
    await (await svcPromise).stop()
  })
})

describe('lifecycle', () => {
  test('two services in one file each get their own spans, and stop undoes the global registration', async () => {
    const a = await startService({ app: workApp, name: 'a' })
    const b = await startService({ app: workApp, name: 'b' })
    const [ra, rb] = await Promise.all([a.request('GET /work/2'), b.request('GET /work/3')])
    expect(ra.trace).toHaveSpanCount({ service: 'a' }, 3)
    expect(rb.trace).toHaveSpanCount({ service: 'b' }, 4)
    expect(a.store.has(rb.trace.traceId)).toBe(false)
    await a.stop()
    // The other service still captures after the first one stopped.
    const again = await b.request('GET /work/1')
    expect(again.trace).toHaveSpanCount(/^step /, 1)
    await b.stop()
    // Nothing left registered: the API is back to its no-op provider.
    expect(otelTrace.getTracer('x').startSpan('noop').isRecording()).toBe(false)
  })

  test('a call from one in-process service into another stays in the caller\'s trace, each span named by its service', async () => {
    const inventory = await startService({ app: workApp, name: 'inventory' })
    const orders = await startService({
      name: 'orders',
      app: async (_req, res) => {
        // The app's own propagation, as an instrumented fetch would do it.
        const headers: Record<string, string> = {}
        propagation.inject(context.active(), headers)
        await (await fetch(`${inventory.url}/work/2`, { headers })).text()
        res.end('ok')
      },
    })
    try {
      const { trace } = await orders.request('GET /')
      expect(trace).toHaveSpanCount({ service: 'orders' }, 1)
      expect(trace).toHaveSpanCount({ service: 'inventory' }, 3)
      expect(trace.span({ service: 'inventory', kind: 'SERVER' })).toBeChildOf({ service: 'orders', kind: 'SERVER' })
      // The callee's store never held the caller's trace.
      expect(inventory.store.has(trace.traceId)).toBe(false)
    } finally {
      await orders.stop()
      await inventory.stop()
    }
  })

  test('stop is idempotent and a service can be started again', async () => {
    const first = await startService({ app: workApp })
    await Promise.all([first.stop(), first.stop()])
    await first.stop()
    await expect(first.request('GET /work/1')).rejects.toThrow()
    const second = await startService({ app: workApp })
    try {
      const { trace } = await second.request('GET /work/1')
      expect(trace).toHaveSpanCount(/^step /, 1)
    } finally {
      await second.stop()
    }
  })

  test('a tracer an app took at module load keeps recording after a stop and a new start', async () => {
    // Like `const tracer = trace.getTracer('app')` at the top of an app module: a proxy that binds
    // to the first real tracer it meets.
    const moduleTracer = otelTrace.getTracer('module-level')
    const app: RequestListener = (_req, res) => moduleTracer.startActiveSpan('query', (span) => { span.end(); res.end() })
    for (let round = 0; round < 3; round++) {
      const svc = await startService({ app })
      try {
        const { trace } = await svc.request('GET /')
        expect(trace).toHaveSpanCount('query', 1)
      } finally {
        await svc.stop()
      }
    }
  })

  test('an app factory that throws is a ServiceStartError and leaves nothing registered', async () => {
    await expect(startService({ app: () => { throw new Error('no config') } })).rejects.toThrow(ServiceStartError)
    expect(otelTrace.getTracer('x').startSpan('noop').isRecording()).toBe(false)
  })

  test('a server that already listens is refused with the fix', async () => {
    const server = createServer((_req, res) => res.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      await expect(startService({ app: () => server })).rejects.toThrow(/already listening/)
    } finally {
      server.close()
    }
  })

  test('bad options are a UsageError', async () => {
    // @ts-expect-error a service needs an app
    await expect(startService({})).rejects.toThrow(UsageError)
    // @ts-expect-error app must be a function
    await expect(startService({ app: 42 })).rejects.toThrow(/request listener/)
  })
})

describe('late spans and timeouts', () => {
  test('waitForSpan resolves with a span that ends after the response', async () => {
    const svc = await startService({
      app: (_req, res) => {
        res.end()
        setTimeout(() => tracer().startActiveSpan('late', (span) => span.end()), 30)
      },
    })
    try {
      const { trace } = await svc.request('GET /')
      expect(trace).not.toHaveSpan('late')
      const late = await svc.waitForSpan(trace, 'late', { timeoutMs: 2000 })
      expect(late).toBeChildOf(trace.root)
      // Already there: resolves at once.
      await expect(svc.waitForSpan(trace, 'late')).resolves.toBe(late)
    } finally {
      await svc.stop()
    }
  })

  test('waitForSpan times out with a TraceTimeoutError that shows the trace', async () => {
    const svc = await startService({ app: (_req, res) => res.end() })
    try {
      const { trace } = await svc.request('GET /')
      const error = await svc.waitForSpan(trace, 'never', { timeoutMs: 50 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toContain('"never"')
      expect((error as Error).message).toContain(trace.traceId)
      expect((error as Error).message).toContain('GET  SERVER  app')
    } finally {
      await svc.stop()
    }
  })

  test('a span left open fails the settle with a TraceTimeoutError naming it', async () => {
    const svc = await startService({
      app: (_req, res) => {
        tracer().startSpan('leaked span')
        res.end()
      },
    })
    try {
      const error = await svc.request('GET /', { timeoutMs: 100 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TraceTimeoutError)
      expect((error as Error).message).toMatch(/1 span has started and not ended \("leaked span"\)/)
    } finally {
      await svc.stop()
    }
  })
})
