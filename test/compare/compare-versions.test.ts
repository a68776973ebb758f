import { execFileSync } from 'node:child_process'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { compareVersions, ServiceError, ServiceStartError, UsageError } from 'tracewright'
import type { ComparisonProgress } from 'tracewright'

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/services/${name}`, import.meta.url))
const node = process.execPath

describe('compareVersions', () => {
  test('runs both versions in interleaved rounds and compares every span key, paired', async () => {
    const events: ComparisonProgress[] = []
    const version = { command: [node, '--import', 'tracewright/register', fixture('plain-esm.mjs')] as [string, ...string[]] }
    const report = await compareVersions({
      base: version,
      head: version,
      scenarios: { hello: 'GET /hello', twice: async (client) => { await client.request('GET /hello'); await client.request('/hello') } },
      rounds: 8,
      warmup: 1,
      name: 'plain',
      onProgress: (event) => events.push(event),
    })
    expect(report).toMatchObject({ schemaVersion: 2, kind: 'tracewright-comparison', mode: 'paired', settings: { rounds: 8, warmup: 1, minRelativeEffect: 0.1 } })
    expect(report.scenarios.map((s) => s.name)).toEqual(['hello', 'twice'])
    const hello = report.scenarios[0]
    expect(Object.keys(hello?.samples.base.keys ?? {})).toEqual(Object.keys(hello?.samples.head.keys ?? {}))
    expect(hello?.samples.base.keys['plain | GET']?.durationMs).toHaveLength(8)
    expect(hello?.durations.every((d) => d.comparison.samples.base === 8)).toBe(true)
    expect(hello?.structure).toEqual([])
    expect(hello?.attributes).toEqual([])
    // Two requests per run of "twice": twice the spans per run.
    const twice = report.scenarios[1]
    expect(twice?.samples.base.keys['plain | GET']?.count).toBe(2)
    expect(twice?.representative?.base).toHaveLength(2)
    expect(hello?.representative?.head[0]?.spans.map((s) => s.kind).sort()).toEqual(['CLIENT', 'SERVER', 'SERVER'])
    expect(report.base.command).toEqual(version.command)
    expect(events[0]).toEqual({ phase: 'starting', done: 0, total: 18 })
    expect(events.filter((e) => e.phase === 'warmup')).toHaveLength(2)
    expect(events.filter((e) => e.phase === 'measuring')).toHaveLength(16)
    expect(events.at(-1)).toEqual({ phase: 'analysing', done: 18, total: 18 })
  })

  test('a version that does not start: a ServiceStartError naming it, the other one stopped', async () => {
    // A copy under a unique name, to find its process afterwards.
    const dir = await mkdtemp(join(tmpdir(), 'tracewright-compare-'))
    const base = join(dir, 'base-that-starts.mjs')
    await copyFile(fixture('plain-esm.mjs'), base)
    try {
      const run = compareVersions({
        base: { command: [node, base] },
        head: { command: `${JSON.stringify(node)} ${fixture('exits-early.mjs')}` },
        scenarios: { hello: 'GET /hello' },
      })
      await expect(run).rejects.toThrow(ServiceStartError)
      await expect(run).rejects.toThrow(/^The head version did not start\. Failed to start the service "service" \(.*exits-early\.mjs\): it exited with code 2 before it was ready/)
      await expect(run).rejects.toThrow(/config error: DATABASE_URL is not set/)
      expect(execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })).not.toContain(base)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test.each([
    ['timeoutMs', { timeoutMs: 400 }],
    ['the deprecated timeout', { timeout: 400 }],
  ])('%s bounds how long a version may take to get ready', async (_, bound) => {
    const run = compareVersions({
      base: { command: [node, fixture('plain-esm.mjs')] },
      head: { command: [node, fixture('never-ready.mjs')], ...bound },
      scenarios: { hello: 'GET /hello' },
    })
    await expect(run).rejects.toThrow(ServiceStartError)
    await expect(run).rejects.toThrow(/^The head version did not start\. .*not ready within 400 ms/)
  })

  test('a run that fails names the scenario, the version and the round, and keeps the cause', async () => {
    const version = { command: [node, fixture('plain-esm.mjs')] as [string, ...string[]] }
    const run = compareVersions({
      base: version,
      head: version,
      scenarios: { crashes: 'GET /crash' },
      warmup: 0,
    })
    await expect(run).rejects.toThrow(/^Failed to run scenario "crashes" against the (base|head) version \(round 1 of 20\): Failed to complete the request: the service "service" .* exited with code 3/)
    await expect(run).rejects.toSatisfy((error: Error) => error.cause instanceof ServiceError)
  })

  test.each([
    [{ rounds: 0 }, /rounds must be a whole number ≥ 1, got 0/],
    [{ warmup: 1.5 }, /warmup must be a whole number ≥ 0, got 1.5/],
    [{ minRelativeEffect: Number.NaN }, /minRelativeEffect must be a fraction ≥ 0/],
    [{ threshold: Number.NaN }, /threshold must be a fraction ≥ 0/],
    [{ alpha: 1 }, /alpha must be a probability between 0 and 1/],
    [{ scenarios: {} }, /there are no scenarios/],
    [{ base: { command: 'node a.js | tee' } }, /Failed to read the base command "node a\.js \| tee": "\|" is a pipe/],
    [{ head: { command: [] } }, /the head command must be a string or a non-empty array of strings/],
  ])('refuses %j before starting anything', async (override, message) => {
    const run = compareVersions({ base: { command: 'node a.js' }, head: { command: 'node b.js' }, scenarios: { hello: 'GET /hello' }, ...override } as never)
    await expect(run).rejects.toThrow(UsageError)
    await expect(run).rejects.toThrow(message)
  })
})
