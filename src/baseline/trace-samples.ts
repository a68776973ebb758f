import type { Trace } from '../select/trace.js'
import { criticalPath, criticalTimeMs } from '../model/critical-path.js'
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
  /**
   * Time those spans spent on the critical path of their trace in each run, ms: the self time
   * that the request actually waited for (see `criticalPath`). Over every key of a run it adds up
   * to the entry spans' durations.
   */
  readonly criticalMs: readonly number[]
}

/**
 * How an adaptive measurement (`runs: 'auto'`) ended. Its verdicts must be taken at `alpha`, the
 * level of the look it stopped at, which `toMatchBaseline` does.
 */
export interface SequentialDesign {
  /** The significance level of the last look: what the comparison of these samples must use. */
  readonly alpha: number
  /** Looks taken. */
  readonly looks: number
  /** Every key's verdict was settled; false when it stopped at `maxRuns`. */
  readonly settled: boolean
  readonly maxRuns: number
}

/** One run's figures per key. */
interface RunFigures {
  count: number
  totalMs: number
  selfMs: number
  errors: number
  criticalMs: number
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
  /** Only for an adaptive measurement: where it stopped and at what level it decided. */
  readonly sequential: SequentialDesign | undefined
  readonly #byKey: Map<string, KeySamples>

  constructor(runs: readonly (readonly Trace[])[], sequential?: SequentialDesign) {
    this.traces = runs
    this.sequential = sequential
    const perRun = runs.map(summariseRun)
    const keys = new Set<string>()
    for (const run of perRun) for (const key of run.keys()) keys.add(key)
    this.#byKey = new Map()
    for (const key of [...keys].sort()) {
      const figures = perRun.map((run) => run.get(key) ?? { count: 0, totalMs: 0, selfMs: 0, errors: 0, criticalMs: 0 })
      this.#byKey.set(key, {
        count: figures.map((f) => f.count),
        totalMs: figures.map((f) => f.totalMs),
        selfMs: figures.map((f) => f.selfMs),
        errors: figures.map((f) => f.errors),
        criticalMs: figures.map((f) => f.criticalMs),
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
    const onPath = criticalTimeMs(criticalPath(tree))
    for (const span of tree.spans()) {
      const key = spanKey(trace, span)
      let figures = out.get(key)
      if (figures === undefined) out.set(key, (figures = { count: 0, totalMs: 0, selfMs: 0, errors: 0, criticalMs: 0 }))
      figures.count++
      figures.criticalMs += onPath.get(span) ?? 0
      if (span.status.code === 'ERROR') figures.errors++
      figures.totalMs += span.durationMs
      figures.selfMs += selfTimeMs(span, tree.children(span))
    }
  }
  return out
}
