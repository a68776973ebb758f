/**
 * A source of uniform random numbers in [0, 1).
 *
 * @example
 * ```ts
 * const coin: Random = createRandom(7)
 * const heads = coin() < 0.5
 * ```
 */
export type Random = () => number

/**
 * The seed used when none is given, so that two runs over the same samples agree.
 *
 * @example
 * ```ts
 * createRandom(DEFAULT_SEED)() === createRandom()() // true
 * ```
 */
export const DEFAULT_SEED = 0x5eed

/**
 * A small seeded generator: a Weyl sequence (a counter stepped by an odd constant) passed through
 * a 32-bit avalanche mixer. Resampling needs reproducibility and speed, not cryptographic
 * strength, and `Math.random` cannot be seeded — a verdict that flips between two runs over the
 * same samples would make a CI gate flaky.
 *
 * @example
 * ```ts
 * const random = createRandom(42)
 * const index = Math.floor(random() * samples.length)
 * ```
 */
export function createRandom(seed: number = DEFAULT_SEED): Random {
  // Fold any finite number (negative, above 2^32; fractions are dropped) into a 32-bit state,
  // mixed so that nearby seeds do not select nearby streams.
  let state = mix32((Math.trunc(seed) >>> 0) ^ (Math.trunc(seed / 0x1_0000_0000) >>> 0))
  return () => {
    state = (state + 0x9e37_79b9) | 0
    return (mix32(state) >>> 0) / 0x1_0000_0000
  }
}

// Multiply-xorshift constants found by a published search for low-bias 32-bit mixers
// ("lowbias32", C. Wellons' hash prospector); any good avalanche mixer would do.
function mix32(value: number): number {
  let z = value
  z = Math.imul(z ^ (z >>> 16), 0x21f0_aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a_2d97)
  return z ^ (z >>> 15)
}
