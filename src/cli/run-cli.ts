import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compareVersions } from '../compare/compare-versions.js'
import type { VersionOptions } from '../compare/compare-versions.js'
import { loadScenarios } from '../compare/scenarios.js'
import { compareStoredResults } from '../compare/stored-results.js'
import type { ComparisonReport } from '../compare/types.js'
import { TracewrightError } from '../errors.js'
import { formatComparisonHtml } from '../report/comparison/comparison-html.js'
import { formatComparisonJson } from '../report/comparison/comparison-json.js'
import { formatComparisonMarkdown } from '../report/comparison/comparison-markdown.js'
import { formatComparisonText } from '../report/comparison/comparison-text.js'
import { parseCompareArgs } from './compare-args.js'
import type { CompareArgs, ReportFormat } from './compare-args.js'
import { createProgress } from './progress.js'
import type { ProgressStream } from './progress.js'
import { COMPARE_USAGE, MAIN_USAGE } from './usage.js'

/** What the CLI reads and writes: injectable, so tests run it in-process. */
export interface CliIo {
  readonly stdout: ProgressStream
  readonly stderr: ProgressStream
  readonly env: Readonly<Record<string, string | undefined>>
}

/** Exit codes of the `tracewright` command. */
export const EXIT = { ok: 0, regression: 1, error: 2 } as const

/**
 * Runs the `tracewright` command line and resolves to its exit code: 0 no regression, 1 a
 * regression, 2 a usage or runtime error (its message on stderr, as one paragraph).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(MAIN_USAGE)
      return command === undefined ? EXIT.error : EXIT.ok
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`${packageVersion()}\n`)
      return EXIT.ok
    }
    if (command !== 'compare') {
      io.stderr.write(`tracewright: unknown command ${JSON.stringify(command)}. The commands are: compare. Run \`tracewright --help\` for usage.\n`)
      return EXIT.error
    }
    const args = parseCompareArgs(rest)
    if (args.mode === 'help') {
      io.stdout.write(COMPARE_USAGE)
      return EXIT.ok
    }
    const report = args.mode === 'files' ? compareFiles(args) : await compareLive(args, io)
    writeReport(report, args, io)
    return report.summary.regression ? EXIT.regression : EXIT.ok
  } catch (error) {
    io.stderr.write(`tracewright ${command ?? ''}: ${describeError(error)}\n`)
    return EXIT.error
  }
}

function compareFiles(args: Extract<CompareArgs, { mode: 'files' }>): ComparisonReport {
  return compareStoredResults({
    baseFile: args.baseFile,
    headFile: args.headFile,
    failOnStructure: args.failOnStructure,
    strict: args.strict,
    ...decisionOptions(args),
  })
}

/** Below this many rounds the paired test cannot reach significance at the default alpha. */
const MIN_DECISIVE_ROUNDS = 8

async function compareLive(args: Extract<CompareArgs, { mode: 'live' }>, io: CliIo): Promise<ComparisonReport> {
  if (args.rounds !== 'auto' && args.rounds < MIN_DECISIVE_ROUNDS) {
    io.stderr.write(`tracewright compare: note: with ${args.rounds} rounds no span can be reported slower or faster (the paired test needs at least ${MIN_DECISIVE_ROUNDS}, more with many span keys); structure is still compared.\n`)
  }
  const scenarios = await loadScenarios(args.scenario)
  const interactive = io.stderr.isTTY === true && !io.env['CI']
  const progress = createProgress(io.stderr, { interactive, scenarios: Object.keys(scenarios).length, warmup: args.warmup })
  const version = (command: string): VersionOptions => ({
    command,
    ready: args.ready,
    ...(args.cwd === undefined ? {} : { cwd: args.cwd }),
    ...(args.startTimeoutMs === undefined ? {} : { timeoutMs: args.startTimeoutMs }),
  })
  try {
    return await compareVersions({
      base: version(args.base),
      head: version(args.head),
      scenarios,
      rounds: args.rounds,
      ...(args.maxRounds === undefined ? {} : { adaptive: { maxRuns: args.maxRounds } }),
      warmup: args.warmup,
      failOnStructure: args.failOnStructure,
      ...(args.name === undefined ? {} : { name: args.name }),
      ...decisionOptions(args),
      onProgress: progress.update,
    })
  } finally {
    progress.finish()
  }
}

function decisionOptions(args: Extract<CompareArgs, { mode: 'live' | 'files' }>): { minRelativeEffect?: number; minAbsoluteEffectMs?: number; seed?: number; quantiles?: readonly number[] } {
  return {
    ...(args.quantiles === undefined ? {} : { quantiles: args.quantiles }),
    ...(args.minRelativeEffect === undefined ? {} : { minRelativeEffect: args.minRelativeEffect }),
    ...(args.minEffectMs === undefined ? {} : { minAbsoluteEffectMs: args.minEffectMs }),
    ...(args.seed === undefined ? {} : { seed: args.seed }),
  }
}

const FORMATTERS: Readonly<Record<ReportFormat, (report: ComparisonReport) => string>> = {
  text: (report) => formatComparisonText(report),
  markdown: formatComparisonMarkdown,
  json: formatComparisonJson,
  html: formatComparisonHtml,
}

function writeReport(report: ComparisonReport, args: Extract<CompareArgs, { mode: 'live' | 'files' }>, io: CliIo): void {
  const color = io.stdout.isTTY === true && !io.env['NO_COLOR']
  if (args.out === undefined) {
    io.stdout.write(args.format === 'text' ? formatComparisonText(report, { color }) : FORMATTERS[args.format](report))
    return
  }
  try {
    writeFileSync(args.out, FORMATTERS[args.format](report))
  } catch (error) {
    throw new Error(`Failed to write the report to ${args.out}: ${(error as Error).message}. Please check that its folder exists and is writable.`, { cause: error })
  }
  io.stdout.write(formatComparisonText(report, { color }))
  io.stderr.write(`tracewright compare: wrote the ${args.format} report to ${args.out}\n`)
}

function describeError(error: unknown): string {
  // tracewright's own errors are written to be read as they are; anything else gets its class,
  // which is all a user can report.
  if (error instanceof TracewrightError) return error.message
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
  return String(error)
}

function packageVersion(): string {
  // The same code runs from src/cli (tests) and dist/src/cli (the published bin): walk up.
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'tracewright') return pkg.version ?? 'unknown'
    }
    dir = dirname(dir)
  }
  return 'unknown'
}
