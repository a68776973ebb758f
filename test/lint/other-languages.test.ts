// The deviations allowed by default for the Go, Python and Deno SDKs are real: the rules, run without
// their allowances, flag exactly these on what the official instrumentations emit. The examples'
// specs (examples/go, examples/deno) check the other half: with the allowances, the traces lint clean.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { Service, Trace } from 'tracewright'
import { BUILT_IN_RULES } from '../../src/lint/rules/index.js'
import { createLintContext } from '../../src/lint/lint-trace.js'
import { denoExample } from '../../examples/deno/service.js'
import { goExample } from '../../examples/go/service.js'
import { pythonExample } from '../../examples/python/service.js'
import type { LanguageExample } from '../../examples/polyglot/example.js'
import { handlePrices } from '../../examples/polyglot/prices.mjs'

/** What `rule` reports on `trace` with no allowance, as `KIND scope attribute`. */
const raw = (trace: Trace, rule: string): string[] => {
  const check = BUILT_IN_RULES.find((r) => r.id === rule)?.check
  if (check === undefined) throw new Error(`no rule ${rule}`)
  return [...new Set(check(trace, createLintContext(trace)).map((f) => `${f.span.kind} ${f.span.scope.name} ${f.attribute ?? ''}`))].sort()
}

/** A service whose GET /quote/:sku calls the prices downstream (plain, in this process); no database. */
function describeExample(example: LanguageExample, pin: (trace: Trace) => void): void {
  describe(`the ${example.language} SDK`, () => {
    let svc: Service
    let prices: Server
    beforeAll(async () => {
      example.ensureBuilt()
      prices = createServer(handlePrices)
      await new Promise<void>((resolve) => prices.listen(0, '127.0.0.1', resolve))
      const url = `http://127.0.0.1:${(prices.address() as AddressInfo).port}/prices`
      svc = await startService(example.options({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', PRICES_URL: url }))
    })
    afterAll(async () => {
      await svc?.stop()
      prices?.close()
    })
    test('the allowed deviations are what it emits', async () => {
      pin((await svc.request('GET /quote/KB-01')).trace)
    })
  })
}

describeExample(goExample, (trace) => {
  expect(trace.root).toMatchObject({ name: 'GET /quote/{sku}', kind: 'SERVER' })
  expect(raw(trace, 'http-attributes')).toEqual(['SERVER go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp http.route'])
})

describeExample(pythonExample, (trace) => {
  expect(raw(trace, 'http-attributes')).toEqual(['CLIENT opentelemetry.instrumentation.urllib server.address'])
})

describeExample(denoExample, (trace) => {
  expect(raw(trace, 'http-attributes')).toEqual(['CLIENT deno server.address'])
  expect(raw(trace, 'empty-attribute-values')).toEqual(['CLIENT deno url.query', 'SERVER deno url.query'])
})
