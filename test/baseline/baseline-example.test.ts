import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { startService } from 'tracewright'
import type { Service } from 'tracewright'
import { currentEnvironment, readBaselineFile } from '../../src/baseline/baseline-file.js'
import { compareWithBaseline, toBaselineEntry } from '../../src/baseline/compare-baseline.js'
import { sequentialLooks } from '../../src/baseline/sequential.js'
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

  test("runs: 'auto' stops at a look, decides at that look's level, and the slower entry span is explained by the slowed query", async () => {
    // A baseline recorded now, so that it has critical-path time (the committed one predates it).
    svc = await startService({ app: () => createReportApp({}), name: 'reports' })
    const baseline = toBaselineEntry(await svc.measure('GET /report', { runs: 30, warmup: 3 }), currentEnvironment())
    await svc.stop()
    svc = await startService({ app: () => createReportApp({ slowPricingMs: 20 }), name: 'reports' })
    const plan = { firstLook: 10, batch: 5, maxRuns: 40 }
    const samples = await svc.measure('GET /report', { runs: 'auto', warmup: 3, adaptive: { ...plan, against: baseline, minRelativeEffect: 0.25 } })
    const looks = sequentialLooks(plan)
    const stoppedAt = looks.find((look) => look.runs === samples.runs)
    expect(stoppedAt).toBeDefined()
    expect(samples.sequential).toMatchObject({ alpha: stoppedAt?.alpha, maxRuns: 40 })
    expect(samples.sequential?.looks).toBe(looks.indexOf(stoppedAt!) + 1)
    const result = compareWithBaseline(baseline, samples, currentEnvironment(), { minRelativeEffect: 0.25, strict: true })
    expect(result.durations.find((d) => d.key === 'reports | SELECT prices | GET /report')?.comparison.verdict).toBe('slower')
    // The whole request got about 20 ms slower, and SELECT prices is where that time went.
    expect(result.durations.find((d) => d.key === 'reports | GET /report')?.comparison.verdict).toBe('slower')
    const why = result.attribution?.find((a) => a.key === 'reports | GET /report')
    expect(why?.contributions[0]?.key).toBe('reports | SELECT prices | GET /report')
    expect(why?.contributions[0]?.deltaMs).toBeGreaterThan(15)
  })

  test("runs: 'auto' with no baseline recorded for the test measures the maximum, as a recording should", async () => {
    svc = await startService({ app: () => createReportApp({}), name: 'reports' })
    const samples = await svc.measure('GET /report', { runs: 'auto', warmup: 0, adaptive: { firstLook: 5, batch: 5, maxRuns: 12 } })
    expect(samples.runs).toBe(12)
    expect(samples.sequential).toBeUndefined()
  })
})
