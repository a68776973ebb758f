/**
 * `tracewright/playwright-reporter`: the Playwright Test reporter for `toMatchBaseline`, a thin
 * wrapper over the report `tracewright/reporter` prints under vitest: the same per-test summary,
 * JSON file and `$GITHUB_STEP_SUMMARY` markdown.
 *
 * @example
 * ```ts
 * // playwright.config.ts
 * export default defineConfig({ reporter: [['list'], ['tracewright/playwright-reporter', { outputFile: 'tracewright.json' }]] })
 * ```
 */
import { dirname } from 'node:path'
import { BASELINE_ATTACHMENT } from '../../harness/playwright-runner.js'
import { readBaselineMeta } from '../baseline/baseline-report.js'
import type { BaselineResult } from '../baseline/baseline-report.js'
import { baselineResult, emitBaselineReport } from '../baseline/emit-report.js'

/** Options of the reporter, given as `['tracewright/playwright-reporter', { … }]`. */
export interface PlaywrightReporterOptions {
  /** Write the report as JSON to this file (relative to the config file's directory). */
  readonly outputFile?: string
  /** Print the report at the end of the run. Default true. */
  readonly summary?: boolean
}

/** The parts of Playwright's reporter arguments read here. */
interface TestCaseLike {
  readonly location: { readonly file: string }
}
interface TestResultLike {
  readonly status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted'
  readonly attachments: ReadonlyArray<{ readonly name: string; readonly body?: Buffer }>
}
interface FullConfigLike {
  readonly rootDir: string
  readonly configFile?: string
}

/**
 * Reads what `toMatchBaseline` attached to each test (`tracewright/playwright` attaches it when
 * the test ends) and prints the report when the run ends. A run in which no test called
 * `toMatchBaseline` prints nothing.
 */
export class PlaywrightBaselineReporter {
  readonly #options: PlaywrightReporterOptions
  readonly #results: BaselineResult[] = []
  #root = process.cwd()

  constructor(options: PlaywrightReporterOptions = {}) {
    this.#options = options
  }

  onBegin(config: FullConfigLike): void {
    // Paths relative to the project (where the config is), as vitest's are to its root; rootDir is the testDir.
    this.#root = config.configFile === undefined ? config.rootDir : dirname(config.configFile)
  }

  onTestEnd(test: TestCaseLike, result: TestResultLike): void {
    const state = result.status === 'passed' ? 'passed' : result.status === 'skipped' ? 'skipped' : 'failed'
    for (const attachment of result.attachments) {
      if (attachment.name !== BASELINE_ATTACHMENT || attachment.body === undefined) continue
      for (const entry of readBaselineMeta({ tracewright: JSON.parse(attachment.body.toString('utf8')) as unknown })) {
        this.#results.push(baselineResult(entry, test.location.file, state, this.#root))
      }
    }
  }

  onEnd(): void {
    emitBaselineReport(this.#results, {
      root: this.#root,
      outputFile: this.#options.outputFile,
      summary: this.#options.summary,
      colors: process.stdout.isTTY === true && !process.env['NO_COLOR'],
      print: (text) => void process.stdout.write(`${text}\n`),
      updateCommand: 'npx playwright test -u',
    })
  }

  /** The report prints to stdout, beside the runner's own reporter. */
  printsToStdio(): boolean {
    return false
  }
}

// Playwright instantiates a reporter module's default export with the reporter's options.
export default PlaywrightBaselineReporter
