/**
 * `tracewright/jest-reporter`: the Jest reporter for `toMatchBaseline`, a thin wrapper over the
 * report `tracewright/reporter` prints under vitest: the same per-test summary, JSON file and
 * `$GITHUB_STEP_SUMMARY` markdown.
 *
 * @example
 * ```js
 * // jest.config.js
 * export default { reporters: ['default', ['tracewright/jest-reporter', { outputFile: 'tracewright.json' }]] }
 * ```
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JEST_REPORT_DIR_ENV } from '../../harness/jest-runner.js'
import type { JestBaselineLine } from '../../harness/jest-runner.js'
import { readBaselineMeta } from '../baseline/baseline-report.js'
import type { BaselineResult } from '../baseline/baseline-report.js'
import { baselineResult, emitBaselineReport } from '../baseline/emit-report.js'

/** Options of the reporter, given as `['tracewright/jest-reporter', { … }]`. */
export interface JestReporterOptions {
  /** Write the report as JSON to this file (relative to Jest's rootDir). */
  readonly outputFile?: string
  /** Print the report at the end of the run. Default true. */
  readonly summary?: boolean
}

/** The parts of Jest's reporter arguments read here. */
interface GlobalConfigLike {
  readonly rootDir: string
}
interface TestResultLike {
  readonly testFilePath: string
  readonly testResults: ReadonlyArray<{ readonly fullName: string; readonly status: string }>
}

/**
 * Collects what `toMatchBaseline` did in each test (the Jest adapter writes it to a directory
 * this reporter names for the run, since Jest passes no per-test data from its workers) and
 * prints the report when the run ends. A run in which no test called `toMatchBaseline` prints
 * nothing.
 */
export class JestBaselineReporter {
  readonly #options: JestReporterOptions
  readonly #root: string
  readonly #dir: string
  readonly #states = new Map<string, BaselineResult['testState']>()

  constructor(globalConfig: GlobalConfigLike, options: JestReporterOptions = {}) {
    this.#options = options
    this.#root = globalConfig.rootDir
    this.#dir = mkdtempSync(join(tmpdir(), 'tracewright-jest-report-'))
    // Set before Jest starts its workers, which inherit it (or read in this process, in band).
    process.env[JEST_REPORT_DIR_ENV] = this.#dir
  }

  onTestResult(_test: unknown, result: TestResultLike): void {
    for (const test of result.testResults) {
      const state = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : 'skipped'
      this.#states.set(`${result.testFilePath}\0${test.fullName}`, state)
    }
  }

  onRunComplete(): void {
    const results: BaselineResult[] = []
    for (const line of this.#lines()) {
      const state = this.#states.get(`${line.testPath}\0${line.testName}`) ?? 'failed'
      for (const entry of readBaselineMeta({ tracewright: line.entries })) results.push(baselineResult(entry, line.testPath, state, this.#root))
    }
    rmSync(this.#dir, { recursive: true, force: true })
    emitBaselineReport(results, {
      root: this.#root,
      outputFile: this.#options.outputFile,
      summary: this.#options.summary,
      colors: process.stderr.isTTY === true && !process.env['NO_COLOR'],
      // Jest's own reporters write to stderr; the summary goes beside them.
      print: (text) => void process.stderr.write(`${text}\n`),
      updateCommand: 'npx jest -u',
    })
  }

  *#lines(): Generator<JestBaselineLine> {
    for (const file of readdirSync(this.#dir)) {
      for (const text of readFileSync(join(this.#dir, file), 'utf8').split('\n')) {
        if (text !== '') yield JSON.parse(text) as JestBaselineLine
      }
    }
  }
}

// Jest instantiates a reporter module's default export with its config and the options.
export default JestBaselineReporter
