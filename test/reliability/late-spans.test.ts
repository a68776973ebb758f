import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { expectOneLateSpanFailure, runVitest, vitestProject } from './helpers.js'

/*
 * A span that arrives after its trace was handed to a test is never silent: inside vitest, the test
 * that got the trace fails, naming the trace, the span, how late it came and the fix; a test that
 * waited for the span with waitForSpan passes. Checked on a real vitest run of a throwaway
 * project against a real service process whose span starts 500 ms after its response.
 */

const scratch = mkdtempSync(join(tmpdir(), 'tracewright-late-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const register = fileURLToPath(new URL('../../dist/src/register.js', import.meta.url))
const service = fileURLToPath(new URL('./fixtures/register-service.mjs', import.meta.url))
const reporter = fileURLToPath(new URL('../../dist/src/report/vitest-reporter/index.js', import.meta.url))
const sources = fileURLToPath(new URL('../../src/index.ts', import.meta.url))

describe('a late span inside vitest', () => {
  test('fails the test that got the trace, with the trace id, the span, how late and the fix; tracewright/reporter lists it', { timeout: 60_000 }, async () => {
    const dir = vitestProject(scratch, 'late-span', {
      'vitest.config.mjs': `export default { resolve: { alias: [{ find: /^tracewright$/, replacement: ${JSON.stringify(sources)} }] }, ` +
        `test: { include: ['*.spec.ts'], reporters: ['default', ${JSON.stringify(reporter)}] } }\n`,
      'late.spec.ts': [
        `import { afterAll, beforeAll, expect, test } from 'vitest'`,
        `import { startService } from 'tracewright'`,
        `let svc`,
        `beforeAll(async () => { svc = await startService({ command: [process.execPath, '--import', ${JSON.stringify(register)}, ${JSON.stringify(service)}], ready: { log: 'listening' }, name: 'late' }) })`,
        `afterAll(() => svc?.stop())`,
        `test('asserts on a trace a span of which comes later', async () => {`,
        `  const { trace } = await svc.request('GET /work?spans=1&after=500')`,
        `  console.log('TRACE ' + trace.traceId)`,
        `  expect(trace.size).toBe(2)`,
        `  await new Promise((resolve) => setTimeout(resolve, 1000))`,
        `})`,
        `test('waits for the later span', async () => {`,
        `  const { trace } = await svc.request('GET /work?spans=1&after=500')`,
        `  expect((await svc.waitForSpan(trace, 'after the response')).name).toBe('after the response')`,
        `  await new Promise((resolve) => setTimeout(resolve, 100))`,
        `})`,
        // Concurrent: no single test owns the trace, so the harness warns and the reporter lists it.
        `test.concurrent('a concurrent test', async () => {`,
        `  const { trace } = await svc.request('GET /work?spans=1&after=500')`,
        `  console.log('CONCURRENT ' + trace.traceId)`,
        `  await new Promise((resolve) => setTimeout(resolve, 1000))`,
        `})`,
      ].join('\n'),
    })
    const result = await runVitest(dir)
    const traceId = expectOneLateSpanFailure(result, /"after the response" \(INTERNAL, span [0-9a-f]{16}, service late\), \d+\.\d ms late/)
    const concurrent = /CONCURRENT ([0-9a-f]{32})/.exec(result.output)?.[1]
    const section = result.output.slice(result.output.indexOf('tracewright: spans arrived after their trace was handed to a test (2)'))
    expect(section, result.output).toContain(`✗ late.spec.ts > asserts on a trace a span of which comes later: Failed to hand over trace ${traceId}`)
    expect(section).toContain(`! Failed to hand over trace ${concurrent} complete`)
  })
})
