import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { Service } from 'tracewright'
import { currentEnvironment, readBaselineFile } from '../../src/baseline/baseline-file.js'
import { compareWithBaseline } from '../../src/baseline/compare-baseline.js'
import { createReportApp } from '../../examples/baseline/app.js'
import type { ReportAppOptions } from '../../examples/baseline/app.js'

// The committed baseline of examples/baseline, compared with deliberately changed versions of the
// same app: each change must be caught, and the unchanged app must pass.
const file = fileURLToPath(new URL('../../examples/baseline/__baselines__/report.spec.ts.json', import.meta.url))
const entry = readBaselineFile(file)?.tests['GET /report keeps its shape and its speed']

let svc: Service | undefined
afterEach(async () => {
  await svc?.stop()
  svc = undefined
})

async function measure(options: ReportAppOptions) {
  svc = await startService({ app: () => createReportApp(options), name: 'reports' })
  return svc.measure('GET /report', { runs: 20, warmup: 3 })
}

describe('examples/baseline against its committed baseline', () => {
  test('the baseline file is committed and readable', () => {
    expect(entry).toBeDefined()
    expect(Object.keys(entry?.keys ?? {})).toContain('reports | SELECT prices | GET /report')
  })

  test('an injected slowdown of one span is "slower" and fails', async () => {
    const samples = await measure({ slowPricingMs: 20 })
    const result = compareWithBaseline(entry!, samples, currentEnvironment(), { minRelativeEffect: 0.25, strict: true })
    const prices = result.durations.find((d) => d.key === 'reports | SELECT prices | GET /report')
    expect(prices?.comparison.verdict).toBe('slower')
    expect(prices?.comparison.ratio).toBeGreaterThan(2)
    expect(result.failures).toContain('reports | SELECT prices | GET /report')
    expect(result.structure).toEqual([])
  })

  test('an injected extra query is a structural change: 1 → 3 per run', async () => {
    const samples = await measure({ stockPerProduct: true })
    const result = compareWithBaseline(entry!, samples, currentEnvironment())
    expect(result.structure).toEqual([
      { key: 'reports | SELECT stock | GET /report', change: 'count', before: 1, after: 3, allowed: false },
    ])
    expect(result.failures).toContain('reports | SELECT stock | GET /report')
  })

  test('allowVarying turns a structural change into a note', async () => {
    const samples = await measure({ stockPerProduct: true })
    const result = compareWithBaseline(entry!, samples, currentEnvironment(), { allowVarying: ['SELECT stock'], durations: false })
    expect(result.structure[0]?.allowed).toBe(true)
    expect(result.failures).toEqual([])
  })
})
