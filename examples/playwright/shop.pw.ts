import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { expect, test } from 'tracewright/playwright'

// A browser test that asserts on both sides of a click: what the page shows, and the backend
// trace behind it. The shop front (server.mjs) runs as its own process under
// `node --import tracewright/register`; each request the page sends it during traces.of() carries
// a fresh traceparent, so every trace returned is exactly that request's work.
test.use({
  serviceOptions: {
    shop: {
      command: [process.execPath, '--import', 'tracewright/register', fileURLToPath(new URL('server.mjs', import.meta.url))],
      ready: { http: '/health' },
    },
  },
})

// Another origin the page loads a stylesheet from: the harness must leave its requests alone.
let assets: Server
let assetsUrl: string
const assetHeaders: IncomingHttpHeaders[] = []
test.beforeAll(async () => {
  assets = createServer((req, res) => {
    assetHeaders.push(req.headers)
    res.writeHead(200, { 'content-type': 'text/css' }).end('h1 { color: teal }')
  })
  await new Promise<void>((resolve) => assets.listen(0, '127.0.0.1', resolve))
  assetsUrl = `http://127.0.0.1:${(assets.address() as AddressInfo).port}`
})
test.afterAll(() => new Promise<void>((resolve) => assets.close(() => resolve())))

test.describe.configure({ mode: 'serial' })

/**
 * Opens the shop and waits until it shows its products: the page fetches them after `goto`
 * resolves, and a request still starting when traces.of() begins would be counted in its action.
 */
async function openShop(page: Page, url: string | undefined): Promise<void> {
  await page.goto(url ?? '')
  await expect(page.getByRole('button', { name: 'Buy Keyboard' })).toBeVisible()
}

test('loading the page: one trace per request to the shop, none for another origin', async ({ page, services, traces }) => {
  const loaded = await traces.of(async () => {
    await page.goto(`${services.shop?.url}/?assets=${encodeURIComponent(assetsUrl)}`)
    await expect(page.getByRole('button', { name: 'Buy Keyboard' })).toBeVisible()
  })
  // The document, then the product list the page fetches: in the order the page sent them.
  expect(loaded).toHaveLength(2)
  expect(loaded[0]?.root).toHaveAttribute('http.route', '/')
  expect(loaded[1]).toHaveSpan({ kind: 'SERVER', attributes: { 'http.route': '/api/products' } })
  expect(assetHeaders).toHaveLength(1)
  expect(assetHeaders[0]?.traceparent).toBeUndefined()
})

test('a Buy click: the order on the page, one SERVER span and two queries behind it', async ({ page, services, traces }) => {
  await openShop(page, services.shop?.url)
  const [buy, ...more] = await traces.of(() => page.getByRole('button', { name: 'Buy Keyboard' }).click())
  await expect(page.getByRole('list', { name: 'orders' }).getByRole('listitem')).toHaveText(['Order 1: Keyboard'])
  expect(more).toEqual([])
  expect(buy).toHaveSpanCount({ kind: 'SERVER' }, 1)
  expect(buy?.root).toHaveAttribute('http.request.method', 'POST')
  expect(buy?.root).not.toHaveStatus('ERROR')
  expect(buy).toHaveSpanCount({ attributes: { 'db.system.name': 'sqlite' } }, 2)
  expect(buy?.span({ name: /^INSERT/ })).toBeChildOf({ kind: 'SERVER' })
})

test('Refresh fires three requests: three traces in order, and no N+1 behind the order list', async ({ page, services, traces }) => {
  await openShop(page, services.shop?.url)
  await page.getByRole('button', { name: 'Buy Keyboard' }).click()
  await page.getByRole('button', { name: 'Buy Keyboard' }).click()
  await expect(page.getByRole('list', { name: 'orders' }).getByRole('listitem')).toHaveCount(2)
  const refreshed = await traces.of(() => page.getByRole('button', { name: 'Refresh' }).click())
  await expect(page.locator('#count')).toHaveText('3')
  expect(refreshed.map((trace) => trace.root.attributes['http.route'])).toEqual(['/api/products', '/api/orders', '/api/stats'])
  for (const trace of refreshed) expect(trace).toHaveSpanCount({ kind: 'SERVER' }, 1)
  // Three orders, one query.
  expect(refreshed[1]).toHaveSpanCount({ kind: 'CLIENT', attributes: { 'db.query.text': /FROM orders/ } }, 1)
})

test('a sold-out product: the error on the page, an error span with the exception behind it', async ({ page, services, traces }) => {
  await openShop(page, services.shop?.url)
  const [buy] = await traces.of(() => page.getByRole('button', { name: 'Buy Mouse' }).click())
  await expect(page.getByRole('alert')).toHaveText('Could not buy: Mouse is sold out')
  expect(buy?.root).toHaveStatus('ERROR', 'Mouse is sold out')
  expect(buy?.root).toHaveRecordedException({ type: 'SoldOutError' })
  expect(buy).not.toHaveSpan({ name: /^INSERT/ })
})
