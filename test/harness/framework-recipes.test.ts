// README's one-line recipes that give a framework's route to the harness's entry span. Each test
// uses the line exactly as README.md writes it, and checks README still does.
import { readFile } from 'node:fs/promises'
import { getRequestListener } from '@hono/node-server'
import Router from '@koa/router'
import { Hono } from 'hono'
import { routePath } from 'hono/route'
import Koa from 'koa'
import { describe, expect, test } from 'vitest'
import { setRoute, startService } from 'tracewright'
import type { InProcessApp } from 'tracewright'

/** The code line of the README block marked `<!-- recipe: name -->`. */
async function recipe(name: string): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const match = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)
  if (!match) throw new Error(`README.md has no block marked <!-- recipe: ${name} -->`)
  return (match[1] as string).trim()
}

/** Starts the app and checks that GET /orders/42's entry span is named by its route. */
async function expectRouteNamed(app: InProcessApp, name: string): Promise<void> {
  const svc = await startService({ app, name })
  try {
    const { response, trace } = await svc.request('GET /orders/42')
    expect(response.json()).toEqual({ id: '42' })
    expect(trace.root).toHaveAttribute('http.route', '/orders/:id')
    expect(trace.root.name).toBe('GET /orders/:id')
  } finally {
    await svc.stop()
  }
}

describe('framework recipes: the entry span is named by the route', () => {
  test('Koa with @koa/router', async () => {
    const koa = new Koa()
    koa.use(async (ctx, next) => { await next(); setRoute(ctx._matchedRoute?.toString()) })
    expect(await recipe('koa')).toBe(`koa.use(async (ctx, next) => { await next(); setRoute(ctx._matchedRoute?.toString()) })`)
    const router = new Router()
    router.get('/orders/:id', (ctx) => { ctx.body = { id: ctx.params['id'] } })
    koa.use(router.routes())
    await expectRouteNamed(() => koa.callback(), 'koa')
  })

  test('Hono with @hono/node-server', async () => {
    const hono = new Hono()
    hono.use(async (c, next) => { await next(); setRoute(routePath(c)) })  // routePath from 'hono/route'
    expect(await recipe('hono')).toBe(`hono.use(async (c, next) => { await next(); setRoute(routePath(c)) })  // routePath from 'hono/route'`)
    hono.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }))
    await expectRouteNamed(() => getRequestListener(hono.fetch), 'hono')
  })
})
