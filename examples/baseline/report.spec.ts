import { afterAll, beforeAll, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { Service } from 'tracewright'
import { createReportApp } from './app.js'

// The baseline this compares with is committed in __baselines__/report.spec.ts.json; it was
// recorded with `npx vitest run examples/baseline -u`. A PR that makes GET /report do more queries,
// or makes a span slower by more than noise, fails here.
let svc: Service

beforeAll(async () => {
  svc = await startService({ app: () => createReportApp(), name: 'reports' })
})
afterAll(() => svc?.stop())

test('GET /report keeps its shape and its speed', async () => {
  const samples = await svc.measure('GET /report', { runs: 20, warmup: 3 })
  // Timer-driven spans on a shared CI machine: gate on changes of a quarter or more.
  expect(samples).toMatchBaseline({ minRelativeEffect: 0.25 })
})
