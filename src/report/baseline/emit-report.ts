import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { UsageError } from '../../errors.js'
import { buildBaselineReport } from './baseline-report.js'
import type { BaselineMetaEntry, BaselineResult } from './baseline-report.js'
import { formatMarkdownReport } from './baseline-markdown.js'
import { formatTextReport } from './baseline-text.js'

/** Where a reporter sends the report at the end of a run: the same for every test runner. */
export interface ReportOutput {
  /** The runner's root directory: module paths and `outputFile` are relative to it. */
  readonly root: string
  /** Write the report as JSON here (relative to `root`), even when empty. */
  readonly outputFile?: string | undefined
  /** Print the report; default true. */
  readonly summary?: boolean | undefined
  /** Prints the text report; `colors` when the terminal shows them. */
  readonly print: (text: string) => void
  readonly colors: boolean
  /** The runner's command that records baselines, named for missing ones. Default `vitest -u`. */
  readonly updateCommand?: string
}

/**
 * The end of a reporter's run, whichever runner it reports for: the report built from the
 * results, written as JSON to `outputFile`, printed when a test called `toMatchBaseline`, and
 * appended as markdown to `$GITHUB_STEP_SUMMARY` when that is set.
 */
export function emitBaselineReport(results: readonly BaselineResult[], output: ReportOutput): void {
  const report = buildBaselineReport([...results])
  // Written even when empty, so a CI step that reads it finds it after every run.
  if (output.outputFile !== undefined) writeReport(resolve(output.root, output.outputFile), `${JSON.stringify(report, null, 2)}\n`, 'write')
  if (report.results.length === 0) return
  if (output.summary !== false) {
    const text = formatTextReport(report, { colors: output.colors, ...(output.updateCommand === undefined ? {} : { updateCommand: output.updateCommand }) })
    const writtenTo = output.outputFile === undefined ? undefined : relative(process.cwd(), resolve(output.root, output.outputFile))
    output.print(writtenTo === undefined ? text : `${text}\n\nJSON report written to ${writtenTo}`)
  }
  const stepSummary = process.env['GITHUB_STEP_SUMMARY']
  if (stepSummary) writeReport(stepSummary, `${formatMarkdownReport(report, output.updateCommand === undefined ? {} : { updateCommand: output.updateCommand })}\n`, 'append')
}

/** One result of the report from a `toMatchBaseline` call's entry, with paths relative to `root`. */
export function baselineResult(entry: BaselineMetaEntry, module: string, testState: BaselineResult['testState'], root: string): BaselineResult {
  return {
    module: portablePath(relative(root, module)),
    test: entry.test,
    testState,
    baselineFile: portablePath(relative(root, entry.file)),
    recorded: entry.recorded,
    ...(entry.missing === undefined ? {} : { missing: entry.missing }),
    ...(entry.comparison === undefined ? {} : { comparison: entry.comparison }),
    ...(entry.operations === undefined ? {} : { operations: entry.operations }),
    ...(entry.environment === undefined ? {} : { environment: entry.environment }),
  }
}

function portablePath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}

function writeReport(path: string, content: string, mode: 'write' | 'append'): void {
  try {
    mkdirSync(dirname(path), { recursive: true })
    if (mode === 'append') appendFileSync(path, content)
    else writeFileSync(path, content)
  } catch (error) {
    throw new UsageError(
      `Failed to ${mode} the tracewright report ${mode === 'append' ? 'to' : 'as'} ${path}: ${(error as Error).message}. ` +
        'Please point outputFile (or GITHUB_STEP_SUMMARY) at a writable file.',
    )
  }
}
