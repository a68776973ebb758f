import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { attachService, startCollector } from 'tracewright'
import type { Service } from 'tracewright'
import { expect, test as base } from 'tracewright/playwright'

// The same shop, but running before the tests and outside the harness, as a service in a
// docker-compose stack or on staging would: it exports its spans to tracewright's receiver (here
// directly; on staging through the team's Collector, see docs/deployed.md). The `services` fixture
// is overridden with attachService, and `traces.of()` works as it does for a started service.
const test = base.extend<object, { services: Readonly<Record<string, Service>> }>({
  services: [async ({}, use) => {
    const collector = await startCollector()
    const port = await freePort()
    const shop = spawn(process.execPath, ['--import', 'tracewright/register', fileURLToPath(new URL('server.mjs', import.meta.url))], {
      env: { ...process.env, PORT: String(port), OTEL_SERVICE_NAME: 'shop', OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: '10' },
      stdio: 'ignore',
    })
    try {
      await untilAnswers(`http://127.0.0.1:${port}/health`, shop)
      const attached = await attachService({ url: `http://127.0.0.1:${port}`, name: 'shop', traces: collector, batchDelayMs: 10 })
      await use({ shop: attached })
      // stop() leaves the service and the receiver alone: they are ours to stop here.
      await attached.stop()
    } finally {
      // Waited for: the shop must not outlive the worker that started it.
      const exited = shop.exitCode === null ? new Promise((resolve) => shop.once('exit', resolve)) : undefined
      shop.kill()
      await exited
      await collector.stop()
    }
  }, { scope: 'worker' }],
})

test('an attached service: a Buy click\'s trace, and an error behind a sold-out product', async ({ page, services, traces }) => {
  await page.goto(services.shop?.url ?? '')
  await expect(page.getByRole('button', { name: 'Buy Keyboard' })).toBeVisible()
  const [buy, ...more] = await traces.of(() => page.getByRole('button', { name: 'Buy Keyboard' }).click())
  await expect(page.getByRole('list', { name: 'orders' }).getByRole('listitem')).toHaveText(['Order 1: Keyboard'])
  expect(more).toEqual([])
  expect(buy).toHaveSpanCount({ kind: 'SERVER' }, 1)
  expect(buy).toHaveSpanCount({ attributes: { 'db.system.name': 'sqlite' } }, 2)
  const [soldOut] = await traces.of(() => page.getByRole('button', { name: 'Buy Mouse' }).click())
  await expect(page.getByRole('alert')).toHaveText('Could not buy: Mouse is sold out')
  expect(soldOut?.root).toHaveStatus('ERROR')
})

/** A free port on 127.0.0.1, for the service this spec starts itself. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Waits until `url` answers, failing at once if the process exits first. */
async function untilAnswers(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the shop exited with code ${child.exitCode} before it answered`)
    try {
      if ((await fetch(url)).ok) return
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the shop did not answer ${url} within 10 s`)
}
