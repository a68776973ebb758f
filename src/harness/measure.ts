import type { Trace } from '../select/trace.js'
import { UsageError } from '../errors.js'
import { requireNumber, wholeNumber } from '../number-option.js'
import { baselineFileFor, currentEnvironment, readBaselineFile } from '../baseline/baseline-file.js'
import { loadTestRunner } from './test-runner.js'
import type { BaselineEntry } from '../baseline/baseline-file.js'
import { compareWithBaseline } from '../baseline/compare-baseline.js'
import type { BaselineComparisonOptions } from '../baseline/compare-baseline.js'
import { progressLine, runSequential, SEQUENTIAL_DEFAULTS, sequentialLooks, settled } from '../baseline/sequential.js'
import type { Look, SequentialPlan } from '../baseline/sequential.js'
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
  /** `warmup + runs`; with `runs: 'auto'`, `warmup + maxRuns`, the most it may take. */
  readonly total: number
  /** The last call of the measurement: a display clears its line. With `runs: 'auto'` it may come before `total`. */
  readonly finished: boolean
  /** With `runs: 'auto'`, after each look: the current verdicts, e.g. `3 unchanged, 1 slower, 2 open`. */
  readonly verdicts?: string
}

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

/** How {@link measureRuns} (and `svc.measure()`) runs: how many runs, and who hears of each. */
export interface MeasureOptions {
  /**
   * Measured runs. Default 30. `'auto'` runs in batches and stops as soon as every span key's
   * verdict against the baseline is settled, or at `adaptive.maxRuns` (default 60); with no
   * baseline recorded yet (or while recording) it runs `maxRuns`.
   */
  readonly runs?: number | 'auto'
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
  /** With `runs: 'auto'`: the plan and the decision options. */
  readonly adaptive?: AdaptiveOptions
}

type Report = (progress: Omit<MeasureProgress, 'finished'>, finished?: boolean) => void

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
  const onProgress = options.progress === false ? undefined : options.onProgress
  const report: Report = (progress, finished = false) => onProgress?.({ ...progress, finished })
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
  const maxRuns = adaptive ? options.adaptive?.maxRuns ?? SEQUENTIAL_DEFAULTS.maxRuns : runs
  for (let i = 0; i < warmup; i++) {
    await runOnce()
    report({ phase: 'warmup', done: i + 1, total: warmup + maxRuns })
  }
  const counted: Report = (progress, finished) => report({ ...progress, done: warmup + progress.done, total: warmup + progress.total }, finished)
  return adaptive
    ? measureAdaptively(runOnce, options.adaptive ?? {}, counted)
    : measureFixed(runOnce, runs, counted)
}

async function measureFixed(runOnce: () => Promise<Trace[]>, runs: number, report: Report): Promise<TraceSamples> {
  const collected: Trace[][] = []
  for (let i = 0; i < runs; i++) {
    collected.push(await runOnce())
    report({ phase: 'run', done: i + 1, total: runs }, i + 1 === runs)
  }
  return new TraceSamples(collected)
}

async function measureAdaptively(runOnce: () => Promise<Trace[]>, adaptive: AdaptiveOptions, report: Report): Promise<TraceSamples> {
  const maxRuns = adaptive.maxRuns ?? SEQUENTIAL_DEFAULTS.maxRuns
  const looks = sequentialLooks(adaptive)
  const baseline = adaptive.against ?? await currentBaseline(adaptive.file)
  // Nothing to compare with (a first recording): the baseline deserves every run.
  if (baseline === undefined) return measureFixed(runOnce, maxRuns, report)
  const collected: Trace[][] = []
  const environment = currentEnvironment()
  const design = (look: Look, looksTaken: number, isSettled: boolean): TraceSamples['sequential'] =>
    ({ alpha: look.alpha, looks: looksTaken, settled: isSettled, maxRuns })
  let taken = 0
  let verdicts = ''
  const outcome = await runSequential(looks, async (target) => {
    while (collected.length < target) {
      collected.push(await runOnce())
      report({ phase: 'run', done: collected.length, total: maxRuns, ...(verdicts === '' ? {} : { verdicts }) })
    }
  }, (look) => {
    taken++
    const samples = new TraceSamples(collected, design(look, taken, false))
    // Strict: whether the verdict would gate does not change whether it is settled.
    const { durations } = compareWithBaseline(baseline, samples, environment, { ...adaptive, strict: true })
    const open = durations.filter((d) => !settled(d.comparison.verdict)).length
    verdicts = progressLine(durations.map((d) => d.comparison.verdict))
    report({ phase: 'run', done: collected.length, total: maxRuns, verdicts }, open === 0 || collected.length >= maxRuns)
    return open === 0
  })
  return new TraceSamples(collected, design(outcome.look, outcome.looks, outcome.settled))
}


// The current test's entry in its baseline file, as toMatchBaseline would read it. The runner is
// asked only here: measuring with a number of runs works outside any test.
async function currentBaseline(file: string | undefined): Promise<BaselineEntry | undefined> {
  const context = (await loadTestRunner())?.baselineContext()
  if (context === undefined) {
    throw new UsageError("Failed to measure with runs: 'auto': it compares with the current test's baseline, and no test is running. Please pass adaptive.against with the baseline entry, or a number of runs.")
  }
  // Recording (`-u`): the new baseline deserves every run, whatever the old one says.
  if (context.recording) return undefined
  return readBaselineFile(baselineFileFor(context.testPath, file))?.tests[context.testName]
}
