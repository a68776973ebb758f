/**
 * `tracewright/reporter`: the vitest reporter for `toMatchBaseline`.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { reporters: ['default', 'tracewright/reporter'] } })
 * ```
 */
import { TracewrightReporter } from './tracewright-reporter.js'

export { TracewrightReporter }
export type { TracewrightReporterOptions } from './tracewright-reporter.js'
export { REPORT_SCHEMA_VERSION } from '../baseline/baseline-report.js'
export type {
  BaselineReport,
  BaselineResult,
  OperationErrorRate,
  OperationFigures,
  ReportSummary,
  ResultEnvironment,
  SlowOperation,
} from '../baseline/baseline-report.js'
export type { EnvironmentFingerprint } from '../../baseline/baseline-file.js'

// vitest instantiates a reporter module's default export with the reporter's options.
export default TracewrightReporter
