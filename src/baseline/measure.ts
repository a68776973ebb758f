import { dirname, resolve } from 'node:path'
import type { Trace } from '../select/trace.js'
import { UsageError } from '../errors.js'
import { requireNumber, wholeNumber } from '../number-option.js'
import type { RequestOptions, RequestSpec, TracedResponse } from '../harness/types.js'
import { baselinePathFor, currentEnvironment, readBaselineFile } from './baseline-file.js'
import type { BaselineEntry } from './baseline-file.js'
import { compareWithBaseline } from './compare-baseline.js'
import type { BaselineComparisonOptions } from './compare-baseline.js'
import { runSequential, SEQUENTIAL_DEFAULTS, sequentialLooks, settled } from './sequential.js'
import type { Look, SequentialPlan } from './sequential.js'
import { TraceSamples } from './trace-samples.js'

/** What a scenario gets: the service's request function, its traces collected per run. */
export interface ScenarioClient {
  request(target: string | RequestSpec, options?: RequestOptions): Promise<TracedResponse>
}

/** A request to measure, or a scenario making any number of requests per run. */
export type Measurable = string | RequestSpec | ((client: ScenarioClient) => Promise<void>)

/**
 * How `runs: 'auto'` decides when to stop: the sequential plan, and what the samples are compared
 * with — pass the same decision options as to `toMatchBaseline`, which then decides at the level
 * of the look the measurement stopped at.
 */
export interface AdaptiveOptions extends SequentialPlan, Pick<BaselineComparisonOptions, 'minRelativeEffect' | 'minAbsoluteEffectMs' | 'quantiles'> {
  /** The baseline file, as `toMatchBaseline`'s `file`. Default: the current test's, beside the spec. */
  readonly file?: string
  /** Compare with this entry instead of reading the current test's baseline. */
  readonly against?: BaselineEntry
}

export interface MeasureOptions {
  /**
   * Measured runs. Default 30. `'auto'` runs in batches and stops as soon as every span key's
   * verdict against the baseline is settled, or at `adaptive.maxRuns` (default 60); with no
   * baseline recorded yet (or while recording) it runs `maxRuns`.
   */
  readonly runs?: number | 'auto'
  /** Runs made first and discarded (JIT, caches, connection pools). Default 3. */
  readonly warmup?: number
  /** Show progress on stderr when it is a terminal. Default: when stderr is a TTY and not CI. */
  readonly progress?: boolean
  /** With `runs: 'auto'`: the plan and the decision options. */
  readonly adaptive?: AdaptiveOptions
}

/**
 * Runs `what` `warmup + runs` times against `request` and collects the measured runs' traces.
 * Each run's traces are released from the store afterwards, so a long measurement keeps memory flat.
 * With `runs: 'auto'`, measures in batches against the baseline (see {@link MeasureOptions}).
 */
export async function measureRuns(
  request: ScenarioClient['request'],
  release: (trace: Trace) => void,
  what: Measurable,
  options: MeasureOptions = {},
): Promise<TraceSamples> {
  const warmup = options.warmup ?? 3
  requireNumber(warmup, 'warmup', wholeNumber(0), 'measure', 'must')
  const adaptive = options.runs === 'auto'
  const runs = adaptive ? 0 : options.runs ?? 30
  if (!adaptive) requireNumber(runs, 'runs', wholeNumber(1), 'measure', 'must')
  const showProgress = options.progress ?? (process.stderr.isTTY === true && !process.env['CI'])
  const runOnce = async (): Promise<Trace[]> => {
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
    // The samples keep the traces; the store need not.
    for (const trace of traces) release(trace)
    return traces
  }
  for (let i = 0; i < warmup; i++) {
    await runOnce()
    if (showProgress) process.stderr.write(`\rtracewright: measuring warm-up ${i + 1}/${warmup}   `)
  }
  const result = adaptive
    ? await measureAdaptively(runOnce, options.adaptive ?? {}, showProgress)
    : await measureFixed(runOnce, runs, showProgress)
  if (showProgress) process.stderr.write('\r\x1b[K')
  return result
}

async function measureFixed(runOnce: () => Promise<Trace[]>, runs: number, showProgress: boolean): Promise<TraceSamples> {
  const collected: Trace[][] = []
  for (let i = 0; i < runs; i++) {
    collected.push(await runOnce())
    if (showProgress) process.stderr.write(`\rtracewright: measuring run ${i + 1}/${runs}   `)
  }
  return new TraceSamples(collected)
}

async function measureAdaptively(runOnce: () => Promise<Trace[]>, adaptive: AdaptiveOptions, showProgress: boolean): Promise<TraceSamples> {
  const maxRuns = adaptive.maxRuns ?? SEQUENTIAL_DEFAULTS.maxRuns
  const looks = sequentialLooks(adaptive)
  const baseline = adaptive.against ?? await currentBaseline(adaptive.file)
  // Nothing to compare with (a first recording): the baseline deserves every run.
  if (baseline === undefined) return measureFixed(runOnce, maxRuns, showProgress)
  const collected: Trace[][] = []
  const environment = currentEnvironment()
  const design = (look: Look, looksTaken: number, isSettled: boolean): TraceSamples['sequential'] =>
    ({ alpha: look.alpha, looks: looksTaken, settled: isSettled, maxRuns })
  let taken = 0
  const outcome = await runSequential(looks, async (target) => {
    while (collected.length < target) collected.push(await runOnce())
  }, (look) => {
    taken++
    const samples = new TraceSamples(collected, design(look, taken, false))
    // Strict: whether the verdict would gate does not change whether it is settled.
    const { durations } = compareWithBaseline(baseline, samples, environment, { ...adaptive, strict: true })
    const open = durations.filter((d) => !settled(d.comparison.verdict)).length
    if (showProgress) process.stderr.write(`\rtracewright: measuring run ${collected.length} (at most ${maxRuns}) · ${progressLine(durations.map((d) => d.comparison.verdict))}   `)
    return open === 0
  })
  return new TraceSamples(collected, design(outcome.look, outcome.looks, outcome.settled))
}

/**
 * "3 unchanged, 1 slower, 2 open": the current verdicts of an adaptive measurement, for progress.
 *
 * @example
 * ```ts
 * progressLine(['slower', 'unchanged', 'inconclusive']) // '1 slower, 1 unchanged, 1 open'
 * ```
 */
export function progressLine(verdicts: readonly string[]): string {
  const order = ['slower', 'faster', 'unchanged', 'inconclusive'] as const
  const parts = order
    .map((verdict) => [verdict, verdicts.filter((v) => v === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict === 'inconclusive' ? 'open' : verdict}`)
  return parts.length > 0 ? parts.join(', ') : 'no timed keys'
}

// The current vitest test's entry in its baseline file, as toMatchBaseline would read it. vitest
// is loaded only here: measuring with a number of runs works without it.
async function currentBaseline(file: string | undefined): Promise<BaselineEntry | undefined> {
  const state = await import('vitest').then((vitest) => vitest.expect.getState(), () => undefined)
  const { testPath, currentTestName } = state ?? {}
  if (testPath === undefined || currentTestName === undefined) {
    throw new UsageError("Failed to measure with runs: 'auto': it compares with the current test's baseline, and no vitest test is running. Please pass adaptive.against with the baseline entry, or a number of runs.")
  }
  const path = file === undefined ? baselinePathFor(testPath) : resolve(dirname(testPath), file)
  // Recording (`vitest -u`): the new baseline deserves every run, whatever the old one says.
  const mode = (state?.snapshotState as unknown as { _updateSnapshot?: string } | undefined)?._updateSnapshot
  if (process.env['TRACEWRIGHT_UPDATE_BASELINES'] === '1' || mode === 'all') return undefined
  return readBaselineFile(path)?.tests[currentTestName]
}
