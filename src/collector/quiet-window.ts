/**
 * Options of a {@link QuietWindow}.
 *
 * @example
 * ```ts
 * const options: QuietWindowOptions = { floorMs: 5, warmupMs: 70, capMs: 1000 }
 * ```
 */
export interface QuietWindowOptions {
  /** The window never goes below this, ms (the `quietMs` option of a service). */
  readonly floorMs: number
  /** The window while too few traces have been seen to learn from, ms. */
  readonly warmupMs: number
  /** The window never goes above this, ms. */
  readonly capMs: number
}

/** Traces observed before the learned window replaces the warm-up one. */
const WARMUP_TRACES = 8
/** Straggles remembered: the window follows the exporter's recent behaviour, not its whole history. */
const REMEMBERED = 128

/**
 * The quiet window for settling a foreign exporter's traces (one that reports no span starts),
 * learned from how that exporter delivers. A trace's entry span ends last in its process, but an
 * exporter may send batches concurrently and over several connections, so spans that ended before
 * the entry can arrive after it. Each settled trace reports its straggle: how long after the entry
 * span the last of its other spans arrived (0 when none came after). The window is twice the
 * largest recent straggle, kept between a floor and a cap; until a few traces were seen it is the
 * warm-up window. A span that arrives after its trace was handed out is a straggle too, so an
 * exporter that starts to deliver later widens the window for the traces after it.
 */
export class QuietWindow {
  readonly #options: QuietWindowOptions
  readonly #straggles: number[] = []
  #next = 0
  #observed = 0
  #largest = 0

  constructor(options: QuietWindowOptions) {
    this.#options = options
  }

  /** The quiet window to use now, ms. */
  get ms(): number {
    const { floorMs, warmupMs, capMs } = this.#options
    const learned = Math.min(capMs, Math.max(floorMs, Math.ceil(2 * this.#largest) + 1))
    return this.#observed < WARMUP_TRACES ? Math.max(learned, Math.min(capMs, warmupMs)) : learned
  }

  /** Traces (and late spans) learned from so far. */
  get observed(): number {
    return this.#observed
  }

  /** Records one straggle, ms: how long after its trace's entry span a span of that trace arrived. */
  observe(straggleMs: number): void {
    this.#observed++
    const value = Math.max(0, straggleMs)
    if (this.#straggles.length < REMEMBERED) this.#straggles.push(value)
    else {
      this.#straggles[this.#next] = value
      this.#next = (this.#next + 1) % REMEMBERED
    }
    this.#largest = Math.max(...this.#straggles)
  }
}
