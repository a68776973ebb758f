import type { ComparisonProgress } from '../compare/compare-versions.js'

/** Where progress goes: a stream with `write`, and whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
}

const BAR_WIDTH = 24

/**
 * A progress display for {@link ComparisonProgress} events: on a terminal, one bar redrawn in
 * place; elsewhere (CI, a pipe, a file), a plain line when the phase changes and one per round,
 * which log viewers show without carriage-return clutter.
 *
 * @example
 * ```ts
 * const progress = createProgress(process.stderr, { interactive: process.stderr.isTTY && !process.env.CI, scenarios: 2, warmup: 3 })
 * await compareVersions({ …, onProgress: progress.update })
 * progress.finish()
 * ```
 */
export function createProgress(stream: ProgressStream, options: { readonly interactive: boolean; readonly scenarios: number; readonly warmup: number }): {
  update(progress: ComparisonProgress): void
  finish(): void
} {
  let drawn = false
  const perRound = Math.max(1, options.scenarios)
  return {
    update(progress) {
      const round = Math.ceil(progress.done / perRound)
      const rounds = Math.ceil(progress.total / perRound)
      if (progress.verdicts !== undefined) {
        // A look of --rounds auto: say where the verdicts stand.
        stream.write(options.interactive ? `\r\x1b[Ktracewright compare: round ${round - options.warmup} · ${progress.verdicts}` : `tracewright compare: after round ${round - options.warmup}: ${progress.verdicts}\n`)
        drawn = options.interactive
        return
      }
      if (options.interactive) {
        const filled = progress.total === 0 ? 0 : Math.round((progress.done / progress.total) * BAR_WIDTH)
        const label = progress.phase === 'starting' ? 'starting both versions'
          : progress.phase === 'analysing' ? 'analysing'
          : `${progress.phase === 'warmup' ? 'warm-up' : 'round'} ${progress.phase === 'warmup' ? round : round - options.warmup}${progress.scenario === undefined ? '' : ` · ${progress.scenario}`}`
        stream.write(`\r\x1b[Ktracewright compare [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${progress.done}/${progress.total} ${label}`)
        drawn = true
        return
      }
      const roundDone = progress.done % perRound === 0
      if (progress.phase === 'starting') stream.write('tracewright compare: starting both versions\n')
      else if (progress.phase === 'analysing') stream.write('tracewright compare: analysing\n')
      else if (roundDone && progress.phase === 'warmup') stream.write(`tracewright compare: warm-up round ${round}/${options.warmup} done\n`)
      else if (roundDone) stream.write(`tracewright compare: round ${round - options.warmup}/${rounds - options.warmup} done\n`)
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K')
      drawn = false
    },
  }
}
