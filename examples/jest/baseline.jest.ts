import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { startService } from 'tracewright'
import type { MatchBaselineOptions } from 'tracewright/matchers'
import type { Service } from 'tracewright'
import { createReportApp } from '../baseline/app.js'

// examples/baseline under Jest: the baseline is keyed by this file and Jest's test name, recorded
// with `npx jest examples/jest/baseline.jest.ts -u` into __baselines__/baseline.jest.ts.json.
// TRACEWRIGHT_JEST_BASELINE points it at another file (test/jest/jest.test.ts records into a
// temporary one, to check `-u` without touching the committed file).
let svc: Service

beforeAll(async () => {
  svc = await startService({ app: () => createReportApp(), name: 'reports' })
})
afterAll(() => svc?.stop())

const elsewhere = process.env['TRACEWRIGHT_JEST_BASELINE']
// Structure and counts gate here; durations are examples/baseline's subject, and this spec runs
// on a machine shared with the rest of the suite.
const options: MatchBaselineOptions = { durations: false, ...(elsewhere === undefined ? {} : { file: elsewhere }) }

test('GET /report keeps its shape and its speed', async () => {
  const samples = await svc.measure('GET /report', { runs: 20, warmup: 3 })
  expect(samples).toMatchBaseline(options)
})
