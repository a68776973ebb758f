import { UsageError } from '../errors.js'
import { probability, requireNumber, wholeNumber } from '../number-option.js'
import { normalQuantile, normalUpperTail } from './normal-distribution.js'
import { createRandom } from './random.js'
import type { Random } from './random.js'
import { DECISION_DEFAULTS } from './sample-size.js'
import type { Verdict } from './statistics.js'

/**
 * How an adaptive measurement (`runs: 'auto'`, `--rounds auto`) looks at its data: a first look
 * after `batch` runs, then one after every further `batch`, up to `maxRuns`.
 */
export interface SequentialPlan {
  /** Runs between looks (and before the first). Default 10. */
  readonly batch?: number
  /** Runs before the first look. Default `batch`, and never below 5 (no verdict is possible before). */
  readonly firstLook?: number
  /** Runs after which the measurement stops whatever the verdicts. Default 60. */
  readonly maxRuns?: number
  /** The false-alarm budget of the whole measurement, spent across the looks. Default 0.01. */
  readonly alpha?: number
}

/** One look of a sequential design: after `runs` runs, decide at significance level `alpha`. */
export interface Look {
  readonly runs: number
  readonly alpha: number
}

/** The defaults of {@link SequentialPlan}. */
export const SEQUENTIAL_DEFAULTS = { batch: 10, maxRuns: 60, alpha: 0.01 } as const

/**
 * The looks of a group-sequential design, with the false-alarm budget `alpha` spent across them
 * by a Pocock-type spending function, α(t) = α · ln(1 + (e − 1)·t) at information fraction
 * t = runs / maxRuns (Lan and DeMets' form of Pocock's design): the chance of a false alarm at or
 * before look k is α(t_k), so over the whole measurement it is `alpha` wherever it stops.
 *
 * Each look's `alpha` is the nominal level its test runs at. The looks share data, so their test
 * statistics are correlated: cumulative data make the standardised statistics behave like
 * Brownian motion observed at t_k (corr(Z_j, Z_k) = √(t_j / t_k)), which is what the rank test's
 * and the quantile estimates' normal approximations give. The nominal levels are the boundaries
 * of that model, found by a seeded simulation of 200,000 paths: look k's boundary is set so that
 * the share of paths first crossing it there is α(t_k) − α(t_{k−1}). That is less conservative
 * than splitting `alpha` between the looks (a union bound, which ignores the correlation) and
 * makes clear changes stop earlier; bench/statistics-simulation.ts checks the false-alarm rate of
 * the whole procedure.
 *
 * @example
 * ```ts
 * sequentialLooks({ batch: 10, maxRuns: 30, alpha: 0.01 })
 * // [{ runs: 10, alpha: ≈0.0042 }, { runs: 20, alpha: ≈0.0041 }, { runs: 30, alpha: ≈0.0039 }]
 * ```
 */
export function sequentialLooks(plan: SequentialPlan = {}): Look[] {
  const batch = plan.batch ?? SEQUENTIAL_DEFAULTS.batch
  const maxRuns = plan.maxRuns ?? SEQUENTIAL_DEFAULTS.maxRuns
  const alpha = plan.alpha ?? SEQUENTIAL_DEFAULTS.alpha
  const action = 'plan an adaptive measurement'
  requireNumber(batch, 'batch', wholeNumber(1, '10'), action)
  requireNumber(maxRuns, 'maxRuns', wholeNumber(1, '60'), action)
  requireNumber(alpha, 'alpha', probability('0.01'), action)
  const first = Math.max(requireNumber(plan.firstLook ?? batch, 'firstLook', wholeNumber(1, '10'), action), DECISION_DEFAULTS.minSamples)
  if (maxRuns < first) {
    throw new UsageError(`Failed to ${action}: maxRuns (${maxRuns}) is below the first look (${first} runs). Please allow at least one look.`)
  }
  const key = `${first}/${batch}/${maxRuns}/${alpha}`
  const cached = LOOKS.get(key)
  if (cached !== undefined) return [...cached]
  const runs: number[] = []
  for (let at = first; at < maxRuns + batch; at += batch) runs.push(Math.min(at, maxRuns))
  const spent = (at: number): number => alpha * Math.log(1 + (Math.E - 1) * (at / maxRuns))
  const levels = boundaryLevels(runs, runs.map((at, k) => spent(at) - spent(runs[k - 1] ?? 0)))
  const looks = runs.map((at, k) => ({ runs: at, alpha: levels[k] ?? 0 }))
  LOOKS.set(key, looks)
  return [...looks]
}

const LOOKS = new Map<string, readonly Look[]>()
const PATHS = 200_000

// Two-sided nominal levels for looks at cumulative sizes `runs` such that a standardised
// cumulative statistic under no change first crosses look k's boundary with probability
// `spend[k]`. The first look has no earlier one, so its level is its spend exactly.
function boundaryLevels(runs: readonly number[], spend: readonly number[]): number[] {
  const random = createRandom(0x5e9)
  const sums = new Float64Array(PATHS)
  const alive = new Uint8Array(PATHS).fill(1)
  const levels: number[] = []
  for (let k = 0; k < runs.length; k++) {
    const n = runs[k] ?? 1
    const step = Math.sqrt(n - (runs[k - 1] ?? 0))
    const statistics: number[] = []
    for (let path = 0; path < PATHS; path++) {
      sums[path] = (sums[path] ?? 0) + step * gaussian(random)
      if (alive[path] === 1) statistics.push(Math.abs(sums[path] ?? 0) / Math.sqrt(n))
    }
    // The boundary is the value that the allowed number of still-alive paths exceed.
    statistics.sort((a, b) => b - a)
    const crossing = Math.floor((spend[k] ?? 0) * PATHS)
    const boundary = k === 0 ? normalQuantile(1 - (spend[0] ?? 0) / 2) : (statistics[Math.max(0, crossing - 1)] ?? Number.POSITIVE_INFINITY)
    for (let path = 0; path < PATHS; path++) if (Math.abs(sums[path] ?? 0) / Math.sqrt(n) >= boundary) alive[path] = 0
    levels.push(k === 0 ? (spend[0] ?? 0) : 2 * normalUpperTail(boundary))
  }
  return levels
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/** A verdict that ends the measurement of its key: anything but 'inconclusive'. */
export function settled(verdict: Verdict): boolean {
  return verdict !== 'inconclusive'
}

/** Where an adaptive measurement stopped. */
export interface SequentialOutcome {
  /** The look it stopped at. */
  readonly look: Look
  /** Looks taken, the last included. */
  readonly looks: number
  /** Every key's verdict settled (false: it stopped at `maxRuns` with some still open). */
  readonly settled: boolean
}

/**
 * Runs a sequential design: before each look, `runTo(runs)` brings the measurement to that many
 * runs; then `decide(look)` says whether every verdict is settled at the look's level. Stops at
 * the first settled look or after the last. The caller's final verdicts must be the ones `decide`
 * saw at the returned look's `alpha`, never a fresh comparison at the full budget: that would
 * give back the false-alarm control the spending bought.
 *
 * @example
 * ```ts
 * const outcome = await runSequential(sequentialLooks(), (runs) => measureUpTo(runs),
 *   (look) => compareKeys(base, now(), { alpha: look.alpha }).durations.every((d) => settled(d.comparison.verdict)))
 * ```
 */
export async function runSequential(
  looks: readonly Look[],
  runTo: (runs: number) => Promise<void> | void,
  decide: (look: Look) => boolean,
): Promise<SequentialOutcome> {
  const last = looks.at(-1)
  if (last === undefined) throw new UsageError('Failed to run an adaptive measurement: the plan has no looks. Please plan at least one batch.')
  for (let index = 0; index < looks.length; index++) {
    const look = looks[index] as Look
    await runTo(look.runs)
    if (decide(look)) return { look, looks: index + 1, settled: true }
  }
  return { look: last, looks: looks.length, settled: false }
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
