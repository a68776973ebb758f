// The Deno orders service (server.ts) under test: Deno.serve and fetch traced by Deno's built-in
// OpenTelemetry, query spans through @opentelemetry/api. The contract is the same for every
// language (../polyglot/contract.ts).
import { spawnSync } from 'node:child_process'
import { expect, test } from 'vitest'
import { describeOrdersContract } from '../polyglot/contract.js'
import { denoExample } from './service.js'

describeOrdersContract(denoExample, {
  // Deno knows no routes: its SERVER spans are named by the method alone.
  ordersEntry: { name: 'GET', attributes: { 'url.path': '/orders' } },
  quoteEntry: { name: 'GET', attributes: { 'url.path': '/quote/KB-01' } },
  queryTextAttribute: 'db.query.text',
  statusCodeAttribute: 'http.response.status_code',
  statusCodeType: 'string',
  lintRules: [],
})

// The project's tsconfig leaves server.ts out (it is Deno code, with Deno's globals): Deno checks it.
test('server.ts type-checks under Deno', () => {
  const check = spawnSync(denoExample.options({ DATABASE_URL: '', PRICES_URL: '' }).command[0], ['check', 'server.ts'], { cwd: denoExample.dir, encoding: 'utf8' })
  expect(check.stderr).toContain('Check')
  expect(check.status, check.stderr).toBe(0)
}, 60_000)
