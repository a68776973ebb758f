import type { MeasureProgress } from '../harness/measure.js'

/** Where a measurement's progress is drawn: a stream with `write`, and whether it is a terminal. */
export interface MeasureProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
}

/**
 * An `onProgress` for `svc.measure()` that draws one line redrawn in place on a terminal
 * (`tracewright: measuring run 12/33`, and with `runs: 'auto'` the verdicts so far) and clears it when the measurement is done. Off a terminal,
 * or with `CI` set, it draws nothing: a log gains nothing from a line per run.
 *
 * @example
 * ```ts
 * const samples = await svc.measure('GET /orders/42', { runs: 50, onProgress: drawMeasureProgress(process.stderr) })
 * ```
 */
export function drawMeasureProgress(stream: MeasureProgressStream): (progress: MeasureProgress) => void {
  if (stream.isTTY !== true || process.env['CI']) return () => {}
  return ({ phase, done, total, finished, verdicts }) => {
    const line = `tracewright: measuring ${phase === 'warmup' ? 'warm-up' : 'run'} ${done}/${total}${verdicts === undefined ? '' : ` · ${verdicts}`}`
    stream.write(finished ? '\r\x1b[K' : `\r\x1b[K${line}`)
  }
}
