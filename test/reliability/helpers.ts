import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const node = process.execPath

/*
 * Small tools the reliability tests share: sizes from the environment, a figures line per test
 * (RELIABILITY.md quotes them), the process table, memory peaks and percentiles.
 */

/**
 * A whole number from the environment, or `fallback`. The defaults are the sizes the issue asks
 * for; raise them for a longer soak, lower them while working on a test.
 */
export function envInt(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${JSON.stringify(text)}`)
  return value
}

/** Prints one line of figures, prefixed so they can be found in the run's output. */
export function reportFigures(test: string, figures: Readonly<Record<string, string | number>>): void {
  const parts = Object.entries(figures).map(([key, value]) => `${key}=${typeof value === 'number' ? formatNumber(value) : value}`)
  console.log(`[reliability] ${test}: ${parts.join(' ')}`)
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

/** Pids of live processes whose command line contains `marker` (never the `ps` itself). */
export function processesMatching(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
  return out.split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'))
    // A zombie has exited; only its parent has not collected it yet.
    .filter((line) => !/^\d+\s+Z/.test(line))
    .map((line) => Number(line.split(/\s+/)[0]))
}

/** True while a process with this pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('Z')
  } catch {
    return false
  }
}

/** Resolves once `check` is true, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Samples the resident set size every 20 ms; `stop()` returns the peak growth over the start, in MiB. */
export function sampleMemory(): { stop(): { baselineMiB: number; peakGrowthMiB: number } } {
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, process.memoryUsage.rss())
      return { baselineMiB: baseline / 2 ** 20, peakGrowthMiB: (peak - baseline) / 2 ** 20 }
    },
  }
}

/** The `p`-th percentile (0–100) of `values`, by nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** Runs `task` over `items` with at most `concurrency` at a time. */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      await task(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** A throwaway vitest project whose specs import `tracewright` from this repository's sources. */
export function vitestProject(scratch: string, name: string, specs: Readonly<Record<string, string>>): string {
  const dir = join(scratch, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir)
  for (const [file, text] of Object.entries({
    'package.json': JSON.stringify({ name, type: 'module', private: true }),
    'vitest.config.mjs': `export default { resolve: { alias: [{ find: /^tracewright$/, replacement: ${JSON.stringify(join(root, 'src', 'index.ts'))} }] }, test: { include: ['*.spec.ts'], hookTimeout: 10000 } }\n`,
    ...specs,
  })) {
    writeFileSync(join(dir, file), text, { flag: 'w' })
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

/** Runs vitest on `dir`; `interrupt` sends a signal once the output contains READY. */
export function runVitest(dir: string, interrupt?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; ms: number }> {
  const env: Record<string, string> = { CI: '1', NO_COLOR: '1' }
  for (const [key, value] of Object.entries(process.env)) {
    // The outer vitest's worker settings must not leak into the inner run.
    if (value !== undefined && !/^(VITEST|__VITEST|NODE_OPTIONS$)/.test(key)) env[key] = value
  }
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let sent = false
    const onData = (chunk: Buffer): void => {
      output += String(chunk)
      if (interrupt !== undefined && !sent && output.includes('READY')) {
        sent = true
        child.kill(interrupt)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code, signal) => resolve({ code, signal, output, ms: performance.now() - started }))
  })
}

/**
 * Checks a {@link runVitest} run of three tests, one of which printed `TRACE <id>` and got a trace
 * one span of which came late: that test alone failed, with a LateSpanError naming the trace, the
 * span (`spanLine`) and the fix. Returns the trace id.
 */
export function expectOneLateSpanFailure(result: { code: number | null; output: string }, spanLine: RegExp): string {
  const { code, output } = result
  const traceId = /TRACE ([0-9a-f]{32})/.exec(output)?.[1]
  expect(traceId, output).toBeDefined()
  expect(code, output).toBe(1)
  expect(output).toMatch(/1 failed \| 2 passed/)
  expect(output).toContain('LateSpanError')
  expect(output).toContain(`Failed to hand over trace ${traceId} complete: 1 span arrived after it was handed to the test`)
  expect(output).toMatch(spanLine)
  expect(output).toContain('svc.waitForSpan(trace, selector)')
  // The trace as it is now, with the late span in it.
  expect(output).toContain(`The trace with them:\ntrace ${traceId} · `)
  return traceId as string
}
