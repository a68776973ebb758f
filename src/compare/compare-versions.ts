import { currentEnvironment } from '../baseline/baseline-file.js'
import { progressLine, runSequential, sequentialLooks, settled } from '../baseline/sequential.js'
import type { SequentialPlan } from '../baseline/sequential.js'
import { DECISION_DEFAULTS } from '../baseline/statistics.js'
import { createRandom } from '../baseline/random.js'
import { TraceSamples } from '../baseline/trace-samples.js'
import { ServiceStartError, UsageError } from '../errors.js'
import { requireNumber, wholeNumber } from '../number-option.js'
import { startService } from '../harness/start-service.js'
import type { Readiness } from '../harness/readiness.js'
import type { Service } from '../harness/types.js'
import type { Trace } from '../select/trace.js'
import { compareSides, summariseScenarios } from './compare-sides.js'
import type { Scenarios } from './scenarios.js'
import { splitCommand } from './shell-words.js'
import { resolveComparisonSettings, sideOptions } from './settings.js'
import type { DecisionOptions } from './settings.js'
import { representativeRun, toReportTrace, toSideSamples } from './side-samples.js'
import { COMPARISON_SCHEMA_VERSION } from './types.js'
import type { ComparisonReport, ComparisonSettings, ScenarioComparison } from './types.js'

/** How to start one version. */
export interface VersionOptions {
  /**
   * The command: an argument array, or one string split like a shell splits words, but without a
   * shell (see `splitCommand`): no pipes, redirections or expansions; leading `NAME=value` words
   * go into its environment. The service must listen on 127.0.0.1 at `$PORT`.
   */
  readonly command: string | readonly [string, ...string[]]
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  /** When the version is ready for requests. Default `{ http: '/health' }`. */
  readonly ready?: Readiness
  /** How long to wait for readiness, ms. Default 10,000. */
  readonly timeoutMs?: number
  /** @deprecated Use `timeoutMs`; read when `timeoutMs` is not given. */
  readonly timeout?: number
}

/** Where a comparison is, for progress displays. */
export interface ComparisonProgress {
  readonly phase: 'starting' | 'warmup' | 'measuring' | 'analysing'
  /** Scenario runs done (a run is one scenario on both versions), of `total`. */
  readonly done: number
  readonly total: number
  /** The scenario just run. */
  readonly scenario?: string
  /** `--rounds auto`, after each look: the current verdicts, e.g. '2 unchanged, 1 open'. */
  readonly verdicts?: string
}

/**
 * Options of {@link compareVersions}.
 */
export interface CompareVersionsOptions extends DecisionOptions {
  readonly base: VersionOptions
  readonly head: VersionOptions
  readonly scenarios: Scenarios
  /**
   * Measured rounds: in each, every scenario runs once on each version. Default 20. `'auto'`
   * measures in batches and stops as soon as every key's verdict is settled, or at `adaptive`'s
   * `maxRuns` rounds (default 60), with the false-alarm rate held at `alpha` by a sequential
   * design (docs/statistics.md).
   */
  readonly rounds?: number | 'auto'
  /** With `rounds: 'auto'`: rounds before the first look, between looks, and at most. */
  readonly adaptive?: Omit<SequentialPlan, 'alpha'>
  /** Rounds run first and discarded (JIT, caches, connection pools). Default 3. */
  readonly warmup?: number
  /**
   * `service.name` both versions report (`OTEL_SERVICE_NAME`). Default `'service'`. Both get the
   * same name, since it is part of every span key.
   */
  readonly name?: string
  readonly onProgress?: (progress: ComparisonProgress) => void
}

/**
 * Starts both versions side by side, each as its own process with its own collector, runs the
 * warm-up rounds and discards them, then runs the measured rounds in a seeded, randomised
 * interleaved order: rounds come in pairs, one base-first and one head-first (ABBA or BAAB), so
 * drift of the machine and any advantage of going first cancel out of the paired ratios. Each
 * scenario's two runs of a round are adjacent in time and compared as a pair.
 *
 * Resolves to the report: per scenario the structural diff, behaviour attribute changes and a
 * paired duration verdict per span key. Both versions are stopped whatever happens.
 *
 * @throws {UsageError} for invalid options; {@link ServiceStartError} when a version does not
 *   start; an `Error` naming the scenario, the version and the round when a run fails (a version
 *   crashed, a trace did not settle, the scenario threw), with the original error as its `cause`.
 * @example
 * ```ts
 * import { compareVersions } from 'tracewright'
 *
 * const report = await compareVersions({
 *   base: { command: 'node --import tracewright/register v1.mjs' },
 *   head: { command: 'node --import tracewright/register v2.mjs' },
 *   scenarios: { 'get order': 'GET /orders/42' },
 * })
 * console.log(report.summary.regression)
 * ```
 */
export async function compareVersions(options: CompareVersionsOptions): Promise<ComparisonReport> {
  const auto = options.rounds === 'auto'
  const looks = auto ? sequentialLooks({ ...options.adaptive, alpha: options.alpha ?? DECISION_DEFAULTS.alpha }) : undefined
  const rounds = looks?.at(-1)?.runs ?? requireNumber(options.rounds ?? 20, 'rounds', wholeNumber(1), 'compare versions', 'must')
  const warmup = requireNumber(options.warmup ?? 3, 'warmup', wholeNumber(0), 'compare versions', 'must')
  const settings = resolveComparisonSettings(options, rounds, warmup, 'compare versions')
  const names = Object.keys(options.scenarios)
  if (names.length === 0) throw new UsageError('Failed to compare versions: there are no scenarios. Please give at least one.')
  const base = resolveVersion(options.base, 'base')
  const head = resolveVersion(options.head, 'head')
  const name = options.name ?? 'service'
  const total = (warmup + rounds) * names.length
  const progress = options.onProgress ?? (() => {})
  progress({ phase: 'starting', done: 0, total })

  const [baseService, headService] = await startBoth(base, head, name)
  try {
    const player = roundPlayer({ options, names, warmup, rounds, auto: looks !== undefined, seed: settings.seed, services: { base: baseService, head: headService }, progress, total })
    const environment = currentEnvironment()
    const compareAll = (at: ComparisonSettings): ScenarioComparison[] => names.map((scenario) => compareSides(scenario,
      toSideSamples(new TraceSamples(player.runs.base.get(scenario) ?? []), environment),
      toSideSamples(new TraceSamples(player.runs.head.get(scenario) ?? []), environment),
      sideOptions(at, { paired: true, advisory: false })))
    await player.playTo(warmup)
    let final = settings
    if (looks === undefined) {
      await player.playTo(warmup + rounds)
    } else {
      const outcome = await runSequential(looks, (target) => player.playTo(warmup + target), (look) => {
        const verdicts = compareAll({ ...settings, alpha: look.alpha }).flatMap((s) => s.durations.map((d) => d.comparison.verdict))
        progress({ phase: 'measuring', done: player.done(), total, verdicts: progressLine(verdicts) })
        return verdicts.every(settled)
      })
      final = { ...settings, rounds: outcome.look.runs, adaptive: { maxRounds: rounds, looks: outcome.looks, settled: outcome.settled, lookAlpha: outcome.look.alpha } }
    }
    progress({ phase: 'analysing', done: player.done(), total })
    const scenarios: ScenarioComparison[] = compareAll(final).map((comparison) => ({
      ...comparison,
      representative: {
        base: representativeRun(new TraceSamples(player.runs.base.get(comparison.name) ?? [])).map(toReportTrace),
        head: representativeRun(new TraceSamples(player.runs.head.get(comparison.name) ?? [])).map(toReportTrace),
      },
    }))
    return {
      schemaVersion: COMPARISON_SCHEMA_VERSION,
      kind: 'tracewright-comparison',
      createdAt: new Date().toISOString(),
      mode: 'paired',
      base: { label: 'base', command: base.argv },
      head: { label: 'head', command: head.argv },
      settings: final,
      summary: summariseScenarios(scenarios, []),
      scenarios,
    }
  } finally {
    await Promise.all([baseService.stop(), headService.stop()])
  }
}

interface RoundContext {
  readonly options: CompareVersionsOptions
  readonly names: readonly string[]
  readonly warmup: number
  readonly rounds: number
  readonly auto: boolean
  readonly seed: number
  readonly services: { readonly base: Service; readonly head: Service }
  readonly progress: (progress: ComparisonProgress) => void
  readonly total: number
}

interface RoundPlayer {
  /** Per side and scenario, the traces of each measured round. */
  readonly runs: { readonly base: Map<string, Trace[][]>; readonly head: Map<string, Trace[][]> }
  /** Plays rounds (warm-up ones first) until `count` have been played in all. */
  playTo(count: number): Promise<void>
  /** Scenario runs done so far, for progress. */
  done(): number
}

// Plays rounds in a seeded, interleaved order: pairs of rounds run in opposite orders (ABBA or
// BAAB), which order comes first drawn per pair, so drift and any advantage of going first cancel.
function roundPlayer(context: RoundContext): RoundPlayer {
  const { options, names, warmup, rounds, auto, services, progress, total } = context
  const runs = { base: new Map<string, Trace[][]>(), head: new Map<string, Trace[][]>() }
  for (const scenario of names) {
    runs.base.set(scenario, [])
    runs.head.set(scenario, [])
  }
  const random = createRandom(context.seed)
  let baseFirstInPair = true
  let done = 0
  let played = 0
  const playRound = async (round: number): Promise<void> => {
    const measured = round >= warmup
    const index = measured ? round - warmup : round
    if (index % 2 === 0) baseFirstInPair = random() < 0.5
    const baseFirst = index % 2 === 0 ? baseFirstInPair : !baseFirstInPair
    for (const scenario of names) {
      const what = options.scenarios[scenario] as Scenarios[string]
      for (const side of baseFirst ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
        const samples = await services[side].measure(what, { runs: 1, warmup: 0 }).catch((error: unknown) => {
          const when = measured ? `round ${index + 1} of ${auto ? `at most ${rounds}` : rounds}` : `warm-up round ${index + 1} of ${warmup}`
          throw new Error(`Failed to run scenario ${JSON.stringify(scenario)} against the ${side} version (${when}): ${(error as Error).message}`, { cause: error })
        })
        if (measured) runs[side].get(scenario)?.push([...(samples.traces[0] ?? [])])
      }
      progress({ phase: measured ? 'measuring' : 'warmup', done: ++done, total, scenario })
    }
  }
  return {
    runs,
    playTo: async (count) => {
      for (; played < count; played++) await playRound(played)
    },
    done: () => done,
  }
}

interface ResolvedVersion {
  readonly side: 'base' | 'head'
  readonly argv: readonly [string, ...string[]]
  readonly env: Readonly<Record<string, string>>
  readonly options: VersionOptions
}

function resolveVersion(version: VersionOptions, side: 'base' | 'head'): ResolvedVersion {
  if (typeof version !== 'object' || version === null) {
    throw new UsageError(`Failed to compare versions: \`${side}\` must be an object such as { command: 'node server.js' }, got ${String(version)}.`)
  }
  if (typeof version.command === 'string') {
    const split = splitCommand(version.command, `the ${side} command`)
    return { side, argv: split.argv, env: { ...split.env, ...version.env }, options: version }
  }
  if (!Array.isArray(version.command) || version.command.length === 0 || !version.command.every((w) => typeof w === 'string')) {
    throw new UsageError(`Failed to compare versions: the ${side} command must be a string or a non-empty array of strings, e.g. ['node', 'server.js'].`)
  }
  return { side, argv: version.command, env: { ...version.env }, options: version }
}

async function startBoth(base: ResolvedVersion, head: ResolvedVersion, name: string): Promise<[Service, Service]> {
  const start = (version: ResolvedVersion): Promise<Service> => startService({
    command: version.argv,
    ready: version.options.ready ?? { http: '/health' },
    name,
    env: version.env,
    ...(version.options.cwd === undefined ? {} : { cwd: version.options.cwd }),
    ...(startTimeoutMs(version.options) === undefined ? {} : { timeout: startTimeoutMs(version.options) as number }),
  }).catch((error: unknown) => {
    if (error instanceof ServiceStartError) throw new ServiceStartError(`The ${version.side} version did not start. ${error.message}`, { cause: error })
    throw error
  })
  const [a, b] = await Promise.allSettled([start(base), start(head)])
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value]
  await Promise.all([a, b].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)))
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason
}

// `timeout` was this option's name before times carried their unit; it is still read.
function startTimeoutMs(options: VersionOptions): number | undefined {
  return options.timeoutMs ?? options.timeout
}
