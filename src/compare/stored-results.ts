import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { FINGERPRINT_SCHEMA, readBaselineFile, sameEnvironment } from '../baseline/baseline-file.js'
import { UsageError } from '../errors.js'
import { anything, array, describeProblem, findProblem, finite, isObject, labelled, number, object, optional, record, schemaVersionProblem, string } from '../schema.js'
import type { PathStep, Schema } from '../schema.js'
import { compareSides, summariseScenarios } from './compare-sides.js'
import { resolveComparisonSettings, sideOptions } from './settings.js'
import type { DecisionOptions } from './settings.js'
import { COMPARISON_SCHEMA_VERSION } from './types.js'
import type { ComparisonReport, ReportTrace, ScenarioComparison, SideSamples } from './types.js'

/**
 * Options of {@link compareStoredResults}.
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
  const version = data['schemaVersion'] === 1 ? undefined : schemaVersionProblem(data, COMPARISON_SCHEMA_VERSION)
  if (version !== undefined && 'newer' in version) {
    throw new UsageError(`Failed to read the comparison report ${file}: it was written by a newer tracewright (schema ${version.newer}; this version reads ${COMPARISON_SCHEMA_VERSION}). Please upgrade tracewright.`)
  }
  if (version !== undefined) return fail(version.problem)
  const problem = findProblem(REPORT_SCHEMA, data)
  if (problem !== undefined) fail(describeProblem(problem))
  return upgradeReport(data) as unknown as ComparisonReport
}

// Schema 1 differs only in the name of one setting (`threshold`, now `minRelativeEffect`, the
// name every other API uses); everything else schema 2 added is optional. Upgraded on read, so
// the rest of the code knows one shape.
function upgradeReport(data: Record<string, unknown>): Record<string, unknown> {
  if (data['schemaVersion'] !== 1) return data
  const settings = isObject(data['settings']) ? data['settings'] : {}
  const { threshold, ...rest } = settings
  return { ...data, schemaVersion: COMPARISON_SCHEMA_VERSION, settings: { ...rest, minRelativeEffect: rest['minRelativeEffect'] ?? threshold } }
}

// The name of the scenario a path points into, for messages: `"get order"`.
function scenarioAt(root: unknown, path: readonly PathStep[]): string {
  const scenarios = isObject(root) ? root['scenarios'] : undefined
  const scenario = Array.isArray(scenarios) ? (scenarios as unknown[])[path[1] as number] : undefined
  return JSON.stringify(isObject(scenario) ? scenario['name'] : undefined)
}

// One side's samples: a baseline entry's shape plus behaviour values. Durations are never negative.
function sideSchema(side: 'base' | 'head'): Schema {
  const samples = (root: unknown, path: readonly PathStep[]): string => `the ${side} samples of scenario ${scenarioAt(root, path)}`
  const durations = array(finite(0))
  return labelled(object({
    runs: labelled(number, (path, root) => `${samples(root, path)} have no run count`),
    environment: labelled(FINGERPRINT_SCHEMA, (path, root) => `${samples(root, path)} have no environment`),
    keys: labelled(record(labelled(object({
      count: number,
      durationMs: durations,
      selfMs: durations,
      criticalMs: optional(durations),
      behaviour: optional(labelled(record(array(string)), (path, root) => `${samples(root, path)} have malformed behaviour attributes for key ${JSON.stringify(path[5])}`)),
    }), (path, root) => `${samples(root, path)} have a malformed key ${JSON.stringify(path[5])}`)), (path, root) => `${samples(root, path)} have no keys`),
  }), (path, root) => `${samples(root, path)} are missing`)
}

const TRACES: Schema = array(object({
  traceId: string,
  spans: array(object({ name: string, offsetMs: number, durationMs: number })),
}))

// What the comparison and the formatters read. Lists the formatters only iterate over are checked
// to be lists; their items are the writer's own output (a non-finite ratio is written as null).
const REPORT_SCHEMA: Schema = object({
  scenarios: labelled(array(object({
    name: labelled(string, (path) => `scenarios[${String(path[1])}] has no name`),
    samples: object({ base: sideSchema('base'), head: sideSchema('head') }),
    ...Object.fromEntries(['structure', 'attributes', 'durations', 'failures'].map((list) =>
      [list, labelled(array(anything), (path, root) => `scenario ${scenarioAt(root, path)} has no ${list} list`)])),
    attribution: optional(labelled(array(object({ key: string, deltaMs: number, contributions: array(object({ key: string, deltaMs: number })), frequency: array(object({ key: string, before: number, after: number })) })),
      (path, root) => `the attribution of scenario ${scenarioAt(root, path)} is malformed`)),
    representative: optional(labelled(object({ base: TRACES, head: TRACES }),
      (path, root) => `the representative traces of scenario ${scenarioAt(root, path)} are malformed`)),
  })), () => 'it has no scenarios list'),
})
