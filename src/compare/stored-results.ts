import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { readBaselineFile, sameEnvironment } from '../baseline/baseline-file.js'
import { UsageError } from '../errors.js'
import { compareSides, summariseScenarios } from './compare-sides.js'
import { resolveComparisonSettings, sideOptions } from './settings.js'
import type { DecisionOptions } from './settings.js'
import { COMPARISON_SCHEMA_VERSION } from './types.js'
import type { ComparisonReport, ReportTrace, ScenarioComparison, SideSamples } from './types.js'

/**
 * Options of {@link compareStoredResults}.
 *
 * @example
 * ```ts
 * const options: CompareStoredResultsOptions = { baseFile: 'main.json', headFile: 'pr.json#head', threshold: 0.2 }
 * ```
 */
export interface CompareStoredResultsOptions extends DecisionOptions {
  /**
   * A JSON comparison report (`--format json`) or a baseline file (`__baselines__/*.json`). From a
   * report, its head side is read; append `#base` to read its base side instead.
   */
  readonly baseFile: string
  /** Like `baseFile`, for the other side. */
  readonly headFile: string
  /** Gate on "slower" even when the two sides were measured on different machines or runtimes. */
  readonly strict?: boolean
}

/** One side read from a stored file: samples per scenario (or test) name. */
interface StoredSide {
  readonly label: string
  readonly file: string
  readonly scenarios: ReadonlyMap<string, { readonly samples: SideSamples; readonly traces?: readonly ReportTrace[] }>
}

/**
 * Compares two stored results, scenario by scenario (or test by test) with the same name: the
 * durations unpaired, since they were not measured in the same rounds. When the two were measured
 * in different environments (CPU, cores, Node, OS) their duration verdicts are advisory unless
 * `strict` is set: the machine may be what changed. Structure gates as in a live comparison.
 *
 * @throws {UsageError} when a file is missing, not JSON, or neither a report nor a baseline;
 *   `BaselineError` for a corrupt baseline file.
 * @example
 * ```ts
 * const report = compareStoredResults({ baseFile: 'results/main.json', headFile: 'results/pr.json' })
 * ```
 */
export function compareStoredResults(options: CompareStoredResultsOptions): ComparisonReport {
  const settings = resolveComparisonSettings(options, 0, 0, 'compare stored results')
  const base = readStoredSide(options.baseFile)
  const head = readStoredSide(options.headFile)
  const scenarios: ScenarioComparison[] = []
  for (const [name, before] of base.scenarios) {
    const after = head.scenarios.get(name)
    if (after === undefined) continue
    const advisory = options.strict !== true && !sameEnvironment(before.samples.environment, after.samples.environment)
    const comparison = compareSides(name, before.samples, after.samples, sideOptions(settings, { paired: false, advisory }))
    scenarios.push(before.traces !== undefined && after.traces !== undefined
      ? { ...comparison, representative: { base: before.traces, head: after.traces } }
      : comparison)
  }
  const unmatched = [
    ...[...base.scenarios.keys()].filter((n) => !head.scenarios.has(n)).map((n) => `${n} (only in ${base.label})`),
    ...[...head.scenarios.keys()].filter((n) => !base.scenarios.has(n)).map((n) => `${n} (only in ${head.label})`),
  ]
  if (scenarios.length === 0) {
    throw new UsageError(`Failed to compare ${options.baseFile} with ${options.headFile}: they have no scenario or test name in common (${unmatched.join('; ')}). Please compare results of the same scenario file or spec file.`)
  }
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'tracewright-comparison',
    createdAt: new Date().toISOString(),
    mode: 'unpaired',
    base: { label: base.label, file: base.file },
    head: { label: head.label, file: head.file },
    settings,
    summary: summariseScenarios(scenarios, unmatched),
    scenarios,
  }
}

function readStoredSide(spec: string): StoredSide {
  const match = /^(.*)#(base|head)$/.exec(spec)
  const file = match?.[1] ?? spec
  const side = (match?.[2] ?? 'head') as 'base' | 'head'
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message
    throw new UsageError(`Failed to read ${file}: ${reason}. Please pass a JSON report written by \`tracewright compare --format json\` or a baseline file from __baselines__/.`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`Failed to read ${file}: it is not valid JSON (${(error as Error).message}). Please pass a JSON report written by \`tracewright compare --format json\` or a baseline file from __baselines__/.`)
  }
  if (isObject(data) && data['kind'] === 'tracewright-comparison') {
    const report = parseComparisonReport(data, file)
    const scenarios = new Map(report.scenarios.map((s) => {
      const traces = s.representative?.[side]
      return [s.name, traces === undefined ? { samples: s.samples[side] } : { samples: s.samples[side], traces }] as const
    }))
    return { label: `${basename(file)}${match ? `#${side}` : ''}`, file, scenarios }
  }
  if (isObject(data) && isObject(data['tests'])) {
    if (match) throw new UsageError(`Failed to read ${spec}: #${side} selects a side of a comparison report, and ${file} is a baseline file. Please drop the suffix.`)
    // Read again through the baseline reader: it validates, and names the fix for a corrupt file.
    const baseline = readBaselineFile(file)
    return { label: basename(file), file, scenarios: new Map(Object.entries(baseline?.tests ?? {}).map(([name, entry]) => [name, { samples: entry }])) }
  }
  throw new UsageError(`Failed to read ${file}: it is neither a tracewright comparison report nor a baseline file. Please pass a JSON report written by \`tracewright compare --format json\` or a baseline file from __baselines__/.`)
}

/**
 * Checks that parsed JSON is a comparison report this version reads, deeply enough that the
 * comparison and the formatters can trust it; the message names what is wrong.
 *
 * @throws {UsageError} naming the file and the first problem found.
 * @example
 * ```ts
 * const report = parseComparisonReport(JSON.parse(readFileSync('report.json', 'utf8')), 'report.json')
 * ```
 */
export function parseComparisonReport(data: unknown, file: string): ComparisonReport {
  const fail = (problem: string): never => {
    throw new UsageError(`Failed to read the comparison report ${file}: ${problem}. Please write it again with \`tracewright compare --format json\`.`)
  }
  if (!isObject(data) || data['kind'] !== 'tracewright-comparison') return fail('it is not a tracewright comparison report')
  const version = data['schemaVersion']
  if (typeof version !== 'number') return fail('it has no schemaVersion')
  if (version > COMPARISON_SCHEMA_VERSION) {
    throw new UsageError(`Failed to read the comparison report ${file}: it was written by a newer tracewright (schema ${version}; this version reads ${COMPARISON_SCHEMA_VERSION}). Please upgrade tracewright.`)
  }
  if (version !== COMPARISON_SCHEMA_VERSION) return fail(`schema ${version} is not supported`)
  const scenarios = data['scenarios']
  if (!Array.isArray(scenarios)) return fail('it has no scenarios list')
  for (const [i, scenario] of scenarios.entries()) {
    if (!isObject(scenario) || typeof scenario['name'] !== 'string') return fail(`scenarios[${i}] has no name`)
    const samples = scenario['samples']
    for (const side of ['base', 'head'] as const) {
      const problem = isObject(samples) ? sideProblem(samples[side]) : 'is missing'
      if (problem !== undefined) fail(`the ${side} samples of scenario ${JSON.stringify(scenario['name'])} ${problem}`)
    }
    for (const list of ['structure', 'attributes', 'durations', 'failures']) {
      if (!Array.isArray(scenario[list])) fail(`scenario ${JSON.stringify(scenario['name'])} has no ${list} list`)
    }
    const representative = scenario['representative']
    if (representative !== undefined) {
      const traces = (v: unknown): boolean => Array.isArray(v) && v.every((t) => isObject(t) && typeof t['traceId'] === 'string' && Array.isArray(t['spans']) &&
        t['spans'].every((s) => isObject(s) && typeof s['name'] === 'string' && typeof s['offsetMs'] === 'number' && typeof s['durationMs'] === 'number'))
      if (!isObject(representative) || !traces(representative['base']) || !traces(representative['head'])) {
        fail(`the representative traces of scenario ${JSON.stringify(scenario['name'])} are malformed`)
      }
    }
  }
  return data as unknown as ComparisonReport
}

function sideProblem(side: unknown): string | undefined {
  if (!isObject(side)) return 'are missing'
  if (typeof side['runs'] !== 'number') return 'have no run count'
  if (!isObject(side['environment'])) return 'have no environment'
  if (!isObject(side['keys'])) return 'have no keys'
  for (const [key, k] of Object.entries(side['keys'])) {
    const numbers = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)
    if (!isObject(k) || typeof k['count'] !== 'number' || !numbers(k['durationMs']) || !numbers(k['selfMs'])) {
      return `have a malformed key ${JSON.stringify(key)}`
    }
    const behaviour = k['behaviour']
    if (behaviour !== undefined && !(isObject(behaviour) && Object.values(behaviour).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string')))) {
      return `have malformed behaviour attributes for key ${JSON.stringify(key)}`
    }
  }
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
