import type { Random } from './random.js'

/**
 * A model of how durations vary on a CI machine, to simulate comparisons whose truth is known:
 * each sample is the typical duration times log-normal noise (durations are positive and
 * right-skewed, and noise scales with the duration), and in paired rounds a drift factor that
 * hits both sides of a round alike (a noisy neighbour, a CPU frequency change).
 */
export interface NoiseScenario {
  /** Samples a side; with `sharedCv`, rounds of one base and one head sample. */
  readonly samples: number
  /** Median base duration in ms. */
  readonly baseMs: number
  /** True relative change of head: 0.2 makes head 20% slower, −0.1 10% faster. */
  readonly change: number
  /** Coefficient of variation of each sample's own noise, e.g. 0.2. */
  readonly cv: number
  /** Coefficient of variation of the per-round drift shared by both sides. Default 0. */
  readonly sharedCv?: number
  /**
   * A tail regression on top of `change`: this share of head samples (0.1 for 10% of requests)
   * is `tailFactor` times slower, as when a lock makes some requests wait. Default none.
   */
  readonly tailShare?: number
  /** How much slower the tail share of head samples is, e.g. 3. Default 1. */
  readonly tailFactor?: number
}

/**
 * Draws one simulated pair of sample sets. Used by the simulations that check the error rates
 * of `compareSamples` (bench/statistics-simulation.ts and the tests); reproducible when `random`
 * is seeded.
 *
 * @example
 * ```ts
 * const { base, head } = simulateSamples({ samples: 30, baseMs: 50, change: 0.3, cv: 0.2 }, createRandom(1))
 * compareSamples(base, head).verdict // 'slower', nearly always
 * ```
 */
export function simulateSamples(scenario: NoiseScenario, random: Random): { base: number[]; head: number[] } {
  const noise = logNormal(scenario.cv, random)
  const drift = logNormal(scenario.sharedCv ?? 0, random)
  const base: number[] = []
  const head: number[] = []
  for (let i = 0; i < scenario.samples; i++) {
    const round = scenario.baseMs * drift()
    base.push(round * noise())
    const tail = random() < (scenario.tailShare ?? 0) ? (scenario.tailFactor ?? 1) : 1
    head.push(round * (1 + scenario.change) * tail * noise())
  }
  return { base, head }
}

// Log-normal factors with median 1 and the given coefficient of variation: exp(σZ) with
// σ² = ln(1 + cv²), Z standard normal by the Box–Muller transform.
function logNormal(cv: number, random: Random): () => number {
  const sigma = Math.sqrt(Math.log(1 + cv * cv))
  if (sigma === 0) return () => 1
  // 1 − random() lies in (0, 1], so the logarithm stays finite.
  return () => Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()))
}
