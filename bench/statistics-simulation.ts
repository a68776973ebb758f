// Simulates compareSamples against noise with a known truth and checks the acceptance targets of
// the baseline statistics: false alarms, detection power, the small-sample rule, and how well
// samplesNeeded plans. Prints markdown; exits 1 when a target fails.
//
//   npm run build && node bench/statistics-simulation.ts
//
// It runs the built library in dist/ (type stripping cannot follow the `.js` import specifiers
// inside src/), and takes only types from src/ so that it typechecks without a build.
import type * as StatisticsModule from '../src/baseline/statistics.js'
import type * as RandomModule from '../src/baseline/random.js'
import type * as SimulationModule from '../src/baseline/simulated-samples.js'
import type * as SequentialModule from '../src/baseline/sequential.js'
import type { Look, SequentialPlan } from '../src/baseline/sequential.js'
import type { CompareOptions, Verdict } from '../src/baseline/statistics.js'
import type { NoiseScenario } from '../src/baseline/simulated-samples.js'

const TRIALS = 1000
const GRID_TRIALS = 400

const { compareSamples, samplesNeeded } = await load<typeof StatisticsModule>('statistics.js')
const { createRandom } = await load<typeof RandomModule>('random.js')
const { simulateSamples } = await load<typeof SimulationModule>('simulated-samples.js')
const { sequentialLooks, runSequential } = await load<typeof SequentialModule>('sequential.js')

type Rates = Record<Verdict, number> & { readonly covered: number; readonly msPerCall: number }

interface Target {
  readonly name: string
  readonly scenario: NoiseScenario
  readonly options: CompareOptions
  readonly requirement: string
  readonly met: (rates: Rates) => boolean
}

const unpaired = { samples: 30, baseMs: 50, cv: 0.2 } as const
const paired = { samples: 20, baseMs: 50, cv: 0.1, sharedCv: 0.2 } as const
const tiny = { samples: 3, baseMs: 50, cv: 0.2 } as const

const targets: Target[] = [
  { name: 'unpaired, 30 a side, CV 20%, no change', scenario: { ...unpaired, change: 0 }, options: {}, requirement: 'slower ≤ 1%', met: (r) => r.slower <= 0.01 },
  { name: 'unpaired, 30 a side, CV 20%, 30% slower', scenario: { ...unpaired, change: 0.3 }, options: {}, requirement: 'slower ≥ 95%', met: (r) => r.slower >= 0.95 },
  { name: 'paired, 20 pairs, drift 20% × CV 10%, no change', scenario: { ...paired, change: 0 }, options: { paired: true }, requirement: 'slower ≤ 1%', met: (r) => r.slower <= 0.01 },
  { name: 'paired, 20 pairs, drift 20% × CV 10%, 20% slower', scenario: { ...paired, change: 0.2 }, options: { paired: true }, requirement: 'slower ≥ 95%', met: (r) => r.slower >= 0.95 },
  { name: 'unpaired, 3 a side, CV 20%, no change', scenario: { ...tiny, change: 0 }, options: {}, requirement: 'never slower or faster', met: (r) => r.slower + r.faster === 0 },
  { name: 'unpaired, 3 a side, CV 20%, 100% slower', scenario: { ...tiny, change: 1 }, options: {}, requirement: 'never slower or faster', met: (r) => r.slower + r.faster === 0 },
  { name: 'paired, 3 pairs, drift 20% × CV 10%, 100% slower', scenario: { ...paired, samples: 3, change: 1 }, options: { paired: true }, requirement: 'never slower or faster', met: (r) => r.slower + r.faster === 0 },
]

const informative: Omit<Target, 'requirement' | 'met'>[] = [
  { name: 'the paired 20% slower data, compared unpaired', scenario: { ...paired, change: 0.2 }, options: {} },
  { name: 'unpaired, 30 a side, CV 20%, head 23% faster (base 30% slower)', scenario: { ...unpaired, change: 1 / 1.3 - 1 }, options: {} },
  { name: 'unpaired, 30 a side, CV 20%, 5% slower', scenario: { ...unpaired, change: 0.05 }, options: {} },
  { name: 'paired, 20 pairs, drift 20% × CV 10%, 5% slower', scenario: { ...paired, change: 0.05 }, options: { paired: true } },
]

let failed = 0
const print = (line = ''): void => console.log(line)

print(`## Acceptance targets (${TRIALS} trials each, base median 50 ms, default options)`)
print()
print('| scenario | slower | faster | unchanged | inconclusive | CI covers truth | ms/call | target | result |')
print('|---|--:|--:|--:|--:|--:|--:|---|---|')
targets.forEach((target, index) => {
  const rates = simulate(target.scenario, target.options, TRIALS, 1000 * (index + 1))
  const met = target.met(rates)
  if (!met) failed++
  print(`| ${target.name} | ${rateCells(rates)} | ${target.requirement} | ${met ? 'pass' : '**FAIL**'} |`)
})
print()
print(`## Other scenarios (${TRIALS} trials each, for comparison)`)
print()
print('| scenario | slower | faster | unchanged | inconclusive | CI covers truth | ms/call |')
print('|---|--:|--:|--:|--:|--:|--:|')
informative.forEach((row, index) => {
  print(`| ${row.name} | ${rateCells(simulate(row.scenario, row.options, TRIALS, 50_000 + 1000 * index))} |`)
})

const changes = [0, 0.1, 0.2, 0.3, 0.5]
powerGrid('unpaired, CV 20%', { baseMs: 50, cv: 0.2 }, {}, [5, 10, 20, 30, 50, 100], 0.2)
powerGrid('paired, drift 20% × CV 10% (pair-ratio CV ≈ 14%)', { baseMs: 50, cv: 0.1, sharedCv: 0.2 }, { paired: true }, [5, 8, 10, 20, 30, 50], pairRatioCv(0.1))

print()
print(`## Does samplesNeeded plan enough? (planned for 90% power, ${GRID_TRIALS} trials each)`)
print()
print('| design | change | CV | minRelativeEffect | planned n | simulated slower rate | ≥ 90% |')
print('|---|--:|--:|--:|--:|--:|---|')
const plans: { paired: boolean; change: number; cv: number; minRelativeEffect: number }[] = [
  { paired: false, change: 0.3, cv: 0.2, minRelativeEffect: 0.1 },
  { paired: false, change: 0.2, cv: 0.2, minRelativeEffect: 0.1 },
  { paired: false, change: 0.1, cv: 0.2, minRelativeEffect: 0 },
  { paired: false, change: 0.2, cv: 0.3, minRelativeEffect: 0 },
  { paired: true, change: 0.2, cv: pairRatioCv(0.1), minRelativeEffect: 0.1 },
  { paired: true, change: 0.1, cv: pairRatioCv(0.1), minRelativeEffect: 0 },
  { paired: true, change: 0.05, cv: pairRatioCv(0.05), minRelativeEffect: 0 },
]
plans.forEach((plan, index) => {
  const n = samplesNeeded(plan.change, plan.cv, { paired: plan.paired, minRelativeEffect: plan.minRelativeEffect })
  // Independent noise of CV c on each side of a pair gives a pair ratio of CV ≈ c·√2, so the
  // simulation draws per-sample noise of the planned pair-ratio CV divided back by √2.
  const cv = plan.paired ? sampleCvForPairRatio(plan.cv) : plan.cv
  const rates = simulate({ samples: n, baseMs: 50, change: plan.change, cv }, { paired: plan.paired, minRelativeEffect: plan.minRelativeEffect }, GRID_TRIALS, 90_000 + 1000 * index)
  print(`| ${plan.paired ? 'paired' : 'unpaired'} | ${percent(plan.change)} | ${percent(plan.cv)} | ${percent(plan.minRelativeEffect)} | ${n} | ${percent(rates.slower)} | ${rates.slower >= 0.9 ? 'yes' : 'no'} |`)
})

await tailAndAdaptiveTargets()

print()
print(failed === 0 ? 'All acceptance targets met.' : `${failed} acceptance target${failed === 1 ? '' : 's'} FAILED.`)
process.exitCode = failed === 0 ? 0 : 1

// Issue 17: quantile verdicts, the tail case, adaptive runs. Each row is 1,000 trials or more.
async function tailAndAdaptiveTargets(): Promise<void> {
  const quantiles = [0.5, 0.9, 0.99]
  print()
  print(`## Quantiles and adaptive runs (${TRIALS} trials each; quantiles ${quantiles.join(', ')}, alpha 0.01 split between the judged ones)`)
  print()
  print('| scenario | rate measured | target | result |')
  print('|---|--:|---|---|')
  const row = (name: string, measured: string, requirement: string, met: boolean | undefined): void => {
    if (met === false) failed++
    print(`| ${name} | ${measured} | ${requirement} | ${met === undefined ? 'informative' : met ? 'pass' : '**FAIL**'} |`)
  }
  for (const [samples, seed] of [[60, 200_000], [368, 210_000]] as const) {
    const rates = quantileRates({ samples, baseMs: 50, change: 0, cv: 0.2 }, quantiles, seed)
    for (const q of quantiles) {
      const judged = rates.judged[q] ?? 0
      row(`A/A, ${samples} a side, CV 20%: false "slower" at p${q * 100}${judged === 0 ? ' (not judged: too few samples)' : ''}`, percent(rates.slower[q] ?? 0), 'slower ≤ 1%', (rates.slower[q] ?? 0) <= 0.01)
    }
    row(`A/A, ${samples} a side, CV 20%: false "slower" of the combined verdict`, percent(rates.combinedSlower), 'slower ≤ 1%', rates.combinedSlower <= 0.01)
  }
  const tail = { baseMs: 120, change: 0, cv: 0.175, tailShare: 0.1, tailFactor: 3 }
  for (const [samples, seed, target] of [[60, 220_000, true], [120, 230_000, false], [368, 240_000, false]] as const) {
    const rates = quantileRates({ ...tail, samples }, quantiles, seed)
    const found = rates.tailSlower
    const detail = quantiles.map((q) => `p${q * 100} ${percent(rates.slower[q] ?? 0)}${(rates.judged[q] ?? 0) === 0 ? ' (not judged)' : ''}`).join(', ')
    row(`tail: 10% of head requests 3× slower, ${samples} a side: p90 or p99 "slower" (${detail})`, percent(found), target ? 'p90 or p99 slower ≥ 90%' : '–', target ? found >= 0.9 : undefined)
  }
  for (const [samples, change, seed] of [[3, 0, 250_000], [3, 1, 260_000]] as const) {
    const rates = quantileRates({ samples, baseMs: 50, change, cv: 0.2 }, quantiles, seed)
    const verdicts = rates.anyVerdict
    row(`${samples} a side, ${percent(change)} slower: any quantile with a verdict`, percent(verdicts), 'never a verdict', verdicts === 0)
  }
  await adaptiveTargets(row)
}

async function adaptiveTargets(row: (name: string, measured: string, requirement: string, met: boolean | undefined) => void): Promise<void> {
  const noise = { baseMs: 50, cv: 0.2 }
  // The fixed design's power at +30% by runs a side, simulated once and read for any power asked.
  const fixedPower = new Map<number, number>()
  const fixedRunsFor = (power: number): number => {
    for (let n = 10; n <= 60; n++) {
      if (!fixedPower.has(n)) fixedPower.set(n, simulate({ ...noise, samples: n, change: 0.3 }, {}, TRIALS, 300_000 + n).slower)
      if ((fixedPower.get(n) ?? 0) >= power) return n
    }
    return Number.POSITIVE_INFINITY
  }
  const fixed95 = fixedRunsFor(0.95)
  row('fixed design, +30% median, CV 20%: fewest runs a side with power ≥ 95%', `${fixed95} runs (power ${percent(fixedPower.get(fixed95) ?? 0)})`, '–', undefined)
  const plans: readonly (SequentialPlan & { readonly name: string; readonly target: boolean })[] = [
    { name: 'first look 6, every 2, at most 30', firstLook: 6, batch: 2, maxRuns: 30, target: true },
    { name: 'the default: every 10, at most 60', target: false },
  ]
  for (const [index, plan] of plans.entries()) {
    const looks = sequentialLooks(plan)
    const aa = await adaptiveRates({ ...noise, change: 0 }, looks, 2 * TRIALS, 400_000 + 1000 * index)
    row(`adaptive (${plan.name}), A/A: false "slower" (${2 * TRIALS} trials; "faster" ${percent(aa.faster)})`, percent(aa.slower), 'slower ≤ 1%', aa.slower <= 0.01)
    const power = await adaptiveRates({ ...noise, change: 0.3 }, looks, TRIALS, 500_000 + 1000 * index)
    // "The runs the fixed design needs for the same power": the fixed n reaching the power the
    // adaptive design reached; the share of the 95%-power fixed n is printed beside it.
    const same = fixedRunsFor(power.slower)
    const share = power.meanRuns / same
    row(`adaptive (${plan.name}), +30% median, CV 20%: power; mean runs (share of the fixed design's ${same} runs for that power; ${percent(power.meanRuns / fixed95)} of its ${fixed95} for 95%)`,
      `${percent(power.slower)}; ${power.meanRuns.toFixed(1)} runs (${percent(share)})`,
      plan.target ? 'power ≥ 95%, mean runs ≤ 60% of fixed' : '–', plan.target ? power.slower >= 0.95 && share <= 0.6 : undefined)
  }
}

interface QuantileRates {
  readonly slower: Record<number, number>
  readonly judged: Record<number, number>
  readonly combinedSlower: number
  readonly tailSlower: number
  readonly anyVerdict: number
}

function quantileRates(scenario: NoiseScenario, quantiles: readonly number[], seed: number): QuantileRates {
  const random = createRandom(seed)
  const slower: Record<number, number> = {}
  const judged: Record<number, number> = {}
  let combinedSlower = 0
  let tailSlower = 0
  let anyVerdict = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    const { base, head } = simulateSamples(scenario, random)
    const result = compareSamples(base, head, { quantiles, seed: trial })
    for (const q of result.quantiles ?? []) {
      if (q.verdict === 'slower') slower[q.quantile] = (slower[q.quantile] ?? 0) + 1
      if (q.judged) judged[q.quantile] = (judged[q.quantile] ?? 0) + 1
    }
    if (result.verdict === 'slower') combinedSlower++
    if (result.quantiles?.some((q) => q.quantile > 0.5 && q.verdict === 'slower')) tailSlower++
    if (result.quantiles?.some((q) => q.verdict !== 'inconclusive')) anyVerdict++
  }
  const share = (counts: Record<number, number>): Record<number, number> => Object.fromEntries(quantiles.map((q) => [q, (counts[q] ?? 0) / TRIALS]))
  return { slower: share(slower), judged: share(judged), combinedSlower: combinedSlower / TRIALS, tailSlower: tailSlower / TRIALS, anyVerdict: anyVerdict / TRIALS }
}

async function adaptiveRates(scenario: Omit<NoiseScenario, 'samples'>, looks: readonly Look[], trials: number, seed: number): Promise<{ slower: number; faster: number; meanRuns: number }> {
  const random = createRandom(seed)
  const maxRuns = looks.at(-1)?.runs ?? 0
  let slower = 0
  let faster = 0
  let runs = 0
  for (let trial = 0; trial < trials; trial++) {
    // Draw the most a trial can use; the design only ever sees the first `look.runs` of it.
    const { base, head } = simulateSamples({ ...scenario, samples: maxRuns }, random)
    const last: { verdict: Verdict } = { verdict: 'inconclusive' }
    // The same driver measure({ runs: 'auto' }) uses; here "measuring" a look is taking a prefix.
    const outcome = await runSequential(looks, () => {}, (look) => {
      last.verdict = compareSamples(base.slice(0, look.runs), head.slice(0, look.runs), { alpha: look.alpha, seed: trial }).verdict
      return last.verdict !== 'inconclusive'
    })
    if (last.verdict === 'slower') slower++
    if (last.verdict === 'faster') faster++
    runs += outcome.look.runs
  }
  return { slower: slower / trials, faster: faster / trials, meanRuns: runs / trials }
}

function simulate(scenario: NoiseScenario, options: CompareOptions, trials: number, seed: number): Rates {
  const random = createRandom(seed)
  const counts: Record<Verdict, number> = { slower: 0, faster: 0, unchanged: 0, inconclusive: 0 }
  const truth = 1 + scenario.change
  let covered = 0
  let elapsed = 0
  for (let trial = 0; trial < trials; trial++) {
    const { base, head } = simulateSamples(scenario, random)
    const started = performance.now()
    const result = compareSamples(base, head, { ...options, seed: trial })
    elapsed += performance.now() - started
    counts[result.verdict]++
    if (result.ci[0] <= truth && truth <= result.ci[1]) covered++
  }
  return {
    slower: counts.slower / trials,
    faster: counts.faster / trials,
    unchanged: counts.unchanged / trials,
    inconclusive: counts.inconclusive / trials,
    covered: covered / trials,
    msPerCall: elapsed / trials,
  }
}

function powerGrid(title: string, noise: Omit<NoiseScenario, 'samples' | 'change'>, options: CompareOptions, sizes: readonly number[], plannedCv: number): void {
  print()
  print(`## Rate of 'slower' by sample count and true change: ${title} (${GRID_TRIALS} trials a cell)`)
  print()
  print(`| ${options.paired === true ? 'pairs' : 'samples a side'} | ${changes.map((change) => `${percent(change)} slower`).join(' | ')} |`)
  print(`|--:|${changes.map(() => '--:').join('|')}|`)
  sizes.forEach((samples, row) => {
    const cells = changes.map((change, column) => percent(simulate({ ...noise, samples, change }, options, GRID_TRIALS, 10_000 * (row + 1) + 100 * column).slower))
    print(`| ${samples} | ${cells.join(' | ')} |`)
  })
  const planned = changes.map((change) => (change > 0 ? samplesNeeded(change, plannedCv, { paired: options.paired ?? false, minRelativeEffect: 0.1 }) : Number.NaN))
  print(`| samplesNeeded for 90% | ${planned.map((n) => (Number.isNaN(n) ? '–' : Number.isFinite(n) ? String(n) : 'never (≤ 10% minimum)')).join(' | ')} |`)
}

function rateCells(rates: Rates): string {
  return [rates.slower, rates.faster, rates.unchanged, rates.inconclusive, rates.covered].map(percent).join(' | ') + ` | ${rates.msPerCall.toFixed(2)}`
}

function pairRatioCv(sampleCv: number): number {
  const variance = Math.log(1 + sampleCv * sampleCv)
  return Math.sqrt(Math.exp(2 * variance) - 1)
}

function sampleCvForPairRatio(ratioCv: number): number {
  const variance = Math.log(1 + ratioCv * ratioCv) / 2
  return Math.sqrt(Math.exp(variance) - 1)
}

function percent(fraction: number): string {
  return `${(Math.round(fraction * 1000) / 10).toString()}%`
}

async function load<Module>(file: string): Promise<Module> {
  const url = new URL(`../dist/src/baseline/${file}`, import.meta.url)
  try {
    return (await import(url.href)) as Module
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`Failed to load ${url.pathname}: the library is not built. Please run \`npm run build\` first.`)
      process.exit(2)
    }
    throw error
  }
}
