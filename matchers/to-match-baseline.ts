import type { MatcherState, SyncMatcherResult } from 'vitest'
import { baselineFileFor, currentEnvironment, readBaselineFile, writeBaselineEntry } from '../src/baseline/baseline-file.js'
import { currentBaselineContext } from '../src/harness/test-runner.js'
import { compareWithBaseline, samplesToKeep, toBaselineEntry } from '../src/baseline/compare-baseline.js'
import type { BaselineComparisonOptions } from '../src/baseline/compare-baseline.js'
import { formatDurationTable, formatStructure } from '../src/report/comparison-tables.js'
import { TraceSamples } from '../src/baseline/trace-samples.js'
import { median } from '../src/baseline/statistics.js'
import type { BaselineTaskMeta, OperationFigures } from '../src/baseline/task-meta.js'

export type { BaselineTaskMeta, OperationFigures }
import './types.js'

/** Options of `toMatchBaseline`. */
export interface MatchBaselineOptions extends BaselineComparisonOptions {
  /**
   * The baseline file, absolute or relative to the spec file. Default
   * `__baselines__/<spec file>.json` beside the spec.
   */
  readonly file?: string
}

function operationsOf(samples: TraceSamples): Record<string, OperationFigures> {
  const out: Record<string, OperationFigures> = {}
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)
  for (const [key, s] of samples.entries()) {
    out[key] = { spans: sum(s.count), errors: sum(s.errors), medianMs: median(s.totalMs), selfMedianMs: median(s.selfMs) }
  }
  return out
}

/**
 * Compares measured samples with the baseline recorded beside the spec
 * (`__baselines__/<spec file>.json`, keyed by test name and span key). Counts and structure gate
 * hard; durations fail only when "slower" by more than noise on the same kind of machine.
 * `vitest -u` (or `TRACEWRIGHT_UPDATE_BASELINES=1`) records instead of comparing.
 *
 * @example
 * ```ts
 * const samples = await svc.measure('GET /orders/42', { runs: 30 })
 * expect(samples).toMatchBaseline()
 * expect(samples).toMatchBaseline({ allowVarying: ['cache'], minRelativeEffect: 0.2 })
 * expect(samples).toMatchBaseline({ quantiles: [0.5, 0.9, 0.99] }) // tail regressions too
 * ```
 */
export function toMatchBaseline(this: MatcherState, received: unknown, options: MatchBaselineOptions = {}): SyncMatcherResult {
  if (!(received instanceof TraceSamples)) {
    throw new TypeError(`toMatchBaseline() expects the samples returned by \`await svc.measure(...)\`, received ${received === null ? 'null' : typeof received}.`)
  }
  const context = currentBaselineContext(this)
  if (context === undefined) {
    throw new TypeError('toMatchBaseline() must run inside a test (vitest, Jest or Playwright Test): it keys the baseline by spec file and test name.')
  }
  const { testPath, testName: currentTestName, recordCommand } = context
  const file = baselineFileFor(testPath, options.file)
  const environment = currentEnvironment()
  const meta = context.meta as BaselineTaskMeta[] | undefined
  if (context.recording) {
    writeBaselineEntry(file, currentTestName, toBaselineEntry(received, environment, samplesToKeep(options.quantiles)))
    meta?.push({ file, test: currentTestName, recorded: true, operations: operationsOf(received), environment: { current: environment } })
    return { pass: !this.isNot, message: () => `Recorded the baseline of ${JSON.stringify(currentTestName)} in ${file}.` }
  }
  const baseline = readBaselineFile(file)?.tests[currentTestName]
  if (baseline === undefined) {
    meta?.push({ file, test: currentTestName, recorded: false, missing: true, operations: operationsOf(received), environment: { current: environment } })
    return {
      pass: false,
      message: () => `No baseline recorded for ${JSON.stringify(currentTestName)} in ${file}.\n` +
        `Record one with \`${recordCommand}\` (or TRACEWRIGHT_UPDATE_BASELINES=1) and commit the file; CI then compares against it.`,
    }
  }
  const comparison = compareWithBaseline(baseline, received, environment, options)
  meta?.push({ file, test: currentTestName, recorded: false, comparison, operations: operationsOf(received), environment: { baseline: baseline.environment, current: environment } })
  const pass = comparison.failures.length === 0
  return {
    pass,
    message: () => {
      const { utils, isNot } = this
      const lines = [utils.matcherHint('.toMatchBaseline', 'samples', 'options', { isNot }), '']
      const structural = comparison.structure.filter((c) => !c.allowed).length
      const slower = comparison.durations.filter((d) => d.comparison.verdict === 'slower').length
      lines.push(`Expected: ${isNot ? 'a difference from' : 'the same structure as, and no slower than,'} the baseline in ${file}`)
      lines.push(`Received: ${structural} structural change${structural === 1 ? '' : 's'}, ${slower} slower span key${slower === 1 ? '' : 's'} (${received.runs} runs${describeSequential(received)} against ${baseline.runs})`)
      if (comparison.structure.length) lines.push('', 'Structure (spans per run):', ...formatStructure(comparison))
      const table = formatDurationTable(comparison)
      if (table.length) lines.push('', 'Durations:', ...table)
      if (comparison.advisory) {
        lines.push('', `Duration verdicts are advisory: the baseline was recorded on ${describeEnv(baseline.environment)}, this run is on ${describeEnv(environment)}. Pass { strict: true } to gate on them anyway; a same-job A/B comparison (tracewright compare) is the trustworthy one.`)
      }
      lines.push('', `If the change is intended, record a new baseline with \`${recordCommand}\` and commit it.`)
      return lines.join('\n')
    },
  }
}

function describeSequential(samples: TraceSamples): string {
  const design = samples.sequential
  if (design === undefined) return ''
  return design.settled
    ? `, adaptive: settled after ${design.looks} look${design.looks === 1 ? '' : 's'}, decided at alpha ${design.alpha.toPrecision(2)}`
    : `, adaptive: reached the maximum of ${design.maxRuns} runs, decided at alpha ${design.alpha.toPrecision(2)}`
}

function describeEnv(env: { cpu: string; cores: number; node: string; os: string }): string {
  return `${env.cpu} × ${env.cores}, Node ${env.node}, ${env.os}`
}
