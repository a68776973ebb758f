import type { Trace } from '../select/trace.js'
import { selfTimeMs } from '../model/trace-tree.js'
import { treeOf } from '../select/trace-trees.js'
import { spanKey } from './span-key.js'

/** Per span key, one entry per measured run. */
export interface KeySamples {
  /** How many spans had this key in each run. */
  readonly count: readonly number[]
  /** Summed duration of those spans in each run, ms. */
  readonly totalMs: readonly number[]
  /** Summed self time (not covered by children) in each run, ms. */
  readonly selfMs: readonly number[]
  /** How many of those spans had status ERROR in each run. */
  readonly errors: readonly number[]
}

/** One run's figures per key. */
interface RunFigures {
  count: number
  totalMs: number
  selfMs: number
  errors: number
}

/**
 * Every measured run of one request (or scenario): the traces, and per span key the count, total
 * duration and self time of each run. What `svc.measure()` returns and `toMatchBaseline()` reads.
 *
 * @example
 * ```ts
 * const samples = await svc.measure('GET /orders/42', { runs: 30 })
 * samples.keys()                                  // ['orders | GET /orders/:id | ', …]
 * samples.get('orders | SELECT items | GET /orders/:id')?.totalMs
 * ```
 */
export class TraceSamples {
  /** The traces of every run (a scenario run may produce several). */
  readonly traces: readonly (readonly Trace[])[]
  readonly #byKey: Map<string, KeySamples>

  constructor(runs: readonly (readonly Trace[])[]) {
    this.traces = runs
    const perRun = runs.map(summariseRun)
    const keys = new Set<string>()
    for (const run of perRun) for (const key of run.keys()) keys.add(key)
    this.#byKey = new Map()
    for (const key of [...keys].sort()) {
      const figures = perRun.map((run) => run.get(key) ?? { count: 0, totalMs: 0, selfMs: 0, errors: 0 })
      this.#byKey.set(key, {
        count: figures.map((f) => f.count),
        totalMs: figures.map((f) => f.totalMs),
        selfMs: figures.map((f) => f.selfMs),
        errors: figures.map((f) => f.errors),
      })
    }
  }

  /** Number of measured runs. */
  get runs(): number {
    return this.traces.length
  }

  /** Every span key seen in any run, sorted. */
  keys(): string[] {
    return [...this.#byKey.keys()]
  }

  /** The samples of one key. */
  get(key: string): KeySamples | undefined {
    return this.#byKey.get(key)
  }

  /** Every key with its samples, sorted by key. */
  entries(): [string, KeySamples][] {
    return [...this.#byKey.entries()]
  }
}

function summariseRun(traces: readonly Trace[]): Map<string, RunFigures> {
  const out = new Map<string, RunFigures>()
  for (const trace of traces) {
    const tree = treeOf(trace)
    for (const span of tree.spans()) {
      const key = spanKey(trace, span)
      let figures = out.get(key)
      if (figures === undefined) out.set(key, (figures = { count: 0, totalMs: 0, selfMs: 0, errors: 0 }))
      figures.count++
      if (span.status.code === 'ERROR') figures.errors++
      figures.totalMs += span.durationMs
      figures.selfMs += selfTimeMs(span, tree.children(span))
    }
  }
  return out
}
