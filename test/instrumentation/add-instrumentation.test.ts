// README's "adding an instrumentation": the Koa instrumentation, which tracewright does not load,
// added in the test process with addInstrumentations and in a child process with a second --import.
// (README puts the call in a set-up file. Here the imports are hoisted above it, so koa is already
// loaded; `load` requires it again, which is when the instrumentation patches it.)
import { fileURLToPath } from 'node:url'
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa'
import Router from '@koa/router'
import Koa from 'koa'
import { describe, expect, test } from 'vitest'
import { startService, UsageError } from 'tracewright'
import { addInstrumentations } from 'tracewright/instrument'

addInstrumentations([new KoaInstrumentation()], { load: ['koa'] })

describe('adding a framework instrumentation', () => {
  test('in-process: addInstrumentations patches koa, whose spans and route reach the trace', async () => {
    const koa = new Koa()
    const router = new Router()
    router.get('/orders/:id', (ctx) => { ctx.body = { id: ctx.params['id'] } })
    koa.use(router.routes())
    const svc = await startService({ app: () => koa.callback(), name: 'koa' })
    try {
      const { trace } = await svc.request('GET /orders/42')
      expect(trace).toHaveSpan({ attributes: { 'koa.type': 'router' } })
      expect(trace.root.name).toBe('GET /orders/:id')
    } finally {
      await svc.stop()
    }
  })

  test('in a child process: a second --import after tracewright/register', async () => {
    const svc = await startService({
      command: [process.execPath, '--import', 'tracewright/register', '--import', fileURLToPath(new URL('../fixtures/services/instrument-koa.mjs', import.meta.url)), fileURLToPath(new URL('../fixtures/services/koa-server.mjs', import.meta.url))],
      ready: { http: '/health' },
      name: 'koa-child',
    })
    try {
      const { trace } = await svc.request('GET /orders/42')
      expect(trace).toHaveSpan({ service: 'koa-child', attributes: { 'koa.type': 'router' } })
      expect(trace.root.name).toBe('GET /orders/:id')
    } finally {
      await svc.stop()
    }
  })

  test('a package to load that does not resolve is a UsageError naming it', () => {
    expect(() => addInstrumentations([], { load: ['no-such-package-here'] })).toThrow(UsageError)
    expect(() => addInstrumentations([], { load: ['no-such-package-here'] })).toThrow(/Failed to load "no-such-package-here" for its instrumentation/)
  })
})
