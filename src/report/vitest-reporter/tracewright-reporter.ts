import type { UserConsoleLog } from 'vitest'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { LATE_SPAN_WARNING } from '../../harness/settle-report.js'
import { formatLateSpanSection } from './late-span-report.js'
import { readBaselineMeta } from '../baseline/baseline-report.js'
import type { BaselineResult } from '../baseline/baseline-report.js'
import { baselineResult, emitBaselineReport } from '../baseline/emit-report.js'

/** Options of `tracewright/reporter`, given as `['tracewright/reporter', { … }]`. */
export interface TracewrightReporterOptions {
  /**
   * Write the report as JSON to this file (relative to the vitest root). Also read from vitest's
   * `outputFile` config keyed `'tracewright/reporter'` or `'tracewright'`; this option wins.
   */
  readonly outputFile?: string
  /** Print the report to the terminal at the end of the run. Default true. */
  readonly summary?: boolean
}

/** The `outputFile` config keys the reporter answers to, most specific first. */
const OUTPUT_FILE_KEYS = ['tracewright/reporter', 'tracewright'] as const

/**
 * A vitest reporter for `toMatchBaseline`: at the end of the run it prints, per test, the duration
 * table, the structural changes and whether the verdicts were advisory (and which environments
 * differed), the tests that had no baseline and those that recorded one, and the run's slowest
 * operations and error rate by operation. It appends the same report as markdown to
 * `$GITHUB_STEP_SUMMARY` when that is set, and writes it as JSON when given an `outputFile`. A run
 * in which no test called `toMatchBaseline` prints nothing.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({
 *   test: {
 *     setupFiles: ['tracewright/vitest'],
 *     reporters: ['default', ['tracewright/reporter', { outputFile: 'tracewright.json' }]],
 *   },
 * })
 * ```
 */
export class TracewrightReporter implements Reporter {
  readonly #options: TracewrightReporterOptions
  #vitest: Vitest | undefined
  /** Late-span warnings the harness printed in the workers. */
  readonly #lateSpanWarnings: string[] = []

  constructor(options: TracewrightReporterOptions = {}) {
    this.#options = options
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (log.content.includes(LATE_SPAN_WARNING)) this.#lateSpanWarnings.push(log.content.trim())
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const root = this.#vitest?.config.root ?? process.cwd()
    // Printed whatever the baseline report holds: a late span means a test saw an incomplete trace.
    const late = formatLateSpanSection(testModules, this.#lateSpanWarnings, root)
    if (late !== '' && this.#options.summary !== false) {
      if (this.#vitest) this.#vitest.logger.error(late)
      else process.stderr.write(`${late}\n`)
    }
    const stream = this.#vitest?.logger.outputStream ?? process.stdout
    emitBaselineReport(collectResults(testModules, root), {
      root,
      outputFile: this.#outputFile(),
      summary: this.#options.summary,
      colors: (stream as { isTTY?: boolean }).isTTY === true && !process.env['NO_COLOR'],
      print: (text) => (this.#vitest ? this.#vitest.logger.log(text) : void stream.write(`${text}\n`)),
    })
  }

  #outputFile(): string | undefined {
    if (this.#options.outputFile !== undefined) return this.#options.outputFile
    const configured = this.#vitest?.config.outputFile
    // A plain string names the output of vitest's own reporters (json, junit), not this one.
    if (typeof configured !== 'object' || configured === null) return undefined
    const byKey = configured as Readonly<Record<string, string | undefined>>
    return OUTPUT_FILE_KEYS.map((key) => byKey[key]).find((file) => file !== undefined)
  }
}

function collectResults(testModules: ReadonlyArray<TestModule>, root: string): BaselineResult[] {
  const results: BaselineResult[] = []
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const entry of readBaselineMeta(testCase.meta())) {
        results.push(baselineResult(entry, testModule.moduleId, testCase.result().state, root))
      }
    }
  }
  return results
}
