import type { Trace } from '../select/trace.js'
import { UsageError } from '../errors.js'
import { requireNumber, wholeNumber } from '../number-option.js'
import { TraceSamples } from '../baseline/trace-samples.js'
import type { RequestOptions, RequestSpec, TracedResponse } from './types.js'

/** What a scenario gets: the service's request function, its traces collected per run. */
export interface ScenarioClient {
  request(target: string | RequestSpec, options?: RequestOptions): Promise<TracedResponse>
}

/** A request to measure, or a scenario making any number of requests per run. */
export type Measurable = string | RequestSpec | ((client: ScenarioClient) => Promise<void>)

/** Where a measurement is, after each run: for a progress display ({@link MeasureOptions.onProgress}). */
export interface MeasureProgress {
  /** `warmup` while the discarded runs go, then `run`. */
  readonly phase: 'warmup' | 'run'
  /** Runs done, warm-up included. */
  readonly done: number
  /** `warmup + runs`. */
  readonly total: number
}

/** How {@link measureRuns} (and `svc.measure()`) runs: how many runs, and who hears of each. */
export interface MeasureOptions {
  /** Measured runs. Default 30. */
  readonly runs?: number
  /** Runs made first and discarded (JIT, caches, connection pools). Default 3. */
  readonly warmup?: number
  /**
   * Called after every run with where the measurement is, for a display to draw (the CLI's
   * progress bar, or a test's own). The library itself writes nothing to stderr.
   */
  readonly onProgress?: (progress: MeasureProgress) => void
  /**
   * @deprecated Progress is no longer drawn by the library; pass {@link onProgress}, e.g.
   * `drawMeasureProgress(process.stderr)`. `false` still turns `onProgress` off.
   */
  readonly progress?: boolean
}

/**
 * Runs `what` `warmup + runs` times against `request` and collects the measured runs' traces.
 * Each run's traces are released from the store afterwards, so a long measurement keeps memory flat.
 */
export async function measureRuns(
  request: ScenarioClient['request'],
  release: (trace: Trace) => void,
  what: Measurable,
  options: MeasureOptions = {},
): Promise<TraceSamples> {
  const runs = options.runs ?? 30
  const warmup = options.warmup ?? 3
  requireNumber(runs, 'runs', wholeNumber(1), 'measure', 'must')
  requireNumber(warmup, 'warmup', wholeNumber(0), 'measure', 'must')
  const onProgress = options.progress === false ? undefined : options.onProgress
  const collected: Trace[][] = []
  const total = warmup + runs
  for (let i = 0; i < total; i++) {
    const traces: Trace[] = []
    const client: ScenarioClient = {
      request: async (target, requestOptions) => {
        const result = await request(target, requestOptions)
        traces.push(result.trace)
        return result
      },
    }
    if (typeof what === 'function') await what(client)
    else await client.request(what)
    if (traces.length === 0) {
      throw new UsageError('Failed to measure: the scenario made no request. Call client.request(...) inside it.')
    }
    if (i >= warmup) collected.push(traces)
    // The samples keep the traces; the store need not.
    for (const trace of traces) release(trace)
    onProgress?.({ phase: i < warmup ? 'warmup' : 'run', done: i + 1, total })
  }
  return new TraceSamples(collected)
}
