import { quantileLabel } from '../../baseline/statistics.js'
import { joinCommand } from '../../compare/shell-words.js'
import type { AttributeChange, ComparisonReport, ScenarioComparison, SideInfo } from '../../compare/types.js'

// The sentences and cells every format shares, so the terminal, the PR comment and the HTML page
// say the same thing in the same words.

/**
 * `2.79×`; `∞×` when the base took no time.
 *
 * @example
 * ```ts
 * formatRatio(2.789) // '2.79×'
 * ```
 */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '∞×'
}

/**
 * A ratio's interval, two decimals a bound.
 *
 * @example
 * ```ts
 * formatInterval([2.613, 2.949]) // '[2.61, 2.95]'
 * ```
 */
export function formatInterval([low, high]: readonly [number, number]): string {
  const one = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '∞')
  return `[${one(low)}, ${one(high)}]`
}

/**
 * A fraction as a percentage, at most one decimal.
 *
 * @example
 * ```ts
 * formatPercent(0.1) // '10%'
 * ```
 */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`
}

/**
 * What a side ran or was read from: the command line (quoted as the splitter reads it), or the file.
 *
 * @example
 * ```ts
 * describeSide({ label: 'base', command: ['node', 'my server.mjs'] }) // "node 'my server.mjs'"
 * ```
 */
export function describeSide(side: SideInfo): string {
  if (side.command !== undefined) return joinCommand(side.command)
  return side.file ?? side.label
}

/**
 * How the comparison was made, in one line.
 *
 * @example
 * ```ts
 * describeSettings(report) // 'paired, 20 rounds in interleaved order (3 warm-up discarded), min effect 10% and 1 ms'
 * ```
 */
export function describeSettings(report: ComparisonReport): string {
  const { settings } = report
  const how = report.mode === 'paired'
    ? `paired, ${settings.rounds} round${settings.rounds === 1 ? '' : 's'} in interleaved order (${settings.warmup} warm-up discarded)`
    : 'unpaired (stored results)'
  const adaptive = settings.adaptive === undefined ? '' : settings.adaptive.settled
    ? `, adaptive: every verdict settled after ${settings.adaptive.looks} look${settings.adaptive.looks === 1 ? '' : 's'} (at most ${settings.adaptive.maxRounds} rounds)`
    : `, adaptive: stopped at the maximum of ${settings.adaptive.maxRounds} rounds with verdicts open`
  // A quantile above the median brings the tail test, which takes a share of alpha: say so.
  const tail = settings.quantiles?.some((q) => q > 0.5) === true ? ' and the tail test' : ''
  const quantiles = settings.quantiles === undefined ? '' : `, quantiles ${settings.quantiles.map(quantileLabel).join('/')}${tail}`
  return `${how}${adaptive}, min effect ${formatPercent(settings.minRelativeEffect)} and ${settings.minAbsoluteEffectMs} ms${quantiles}`
}

/**
 * What one scenario found, counted.
 *
 * @example
 * ```ts
 * describeScenarioFindings(scenario) // '2 slower, 1 structural change, 2 behaviour changes' or 'no change found'
 * ```
 */
export function describeScenarioFindings(scenario: ScenarioComparison): string {
  const count = (n: number, what: string, plural = `${what}s`): string | undefined => (n === 0 ? undefined : `${n} ${n === 1 ? what : plural}`)
  const verdicts = scenario.durations.map((d) => d.comparison.verdict)
  const parts = [
    count(verdicts.filter((v) => v === 'slower').length, 'slower', 'slower'),
    count(verdicts.filter((v) => v === 'faster').length, 'faster', 'faster'),
    count(scenario.structure.length, 'structural change'),
    count(scenario.attributes.length, 'behaviour change'),
    count(verdicts.filter((v) => v === 'inconclusive').length, 'inconclusive', 'inconclusive'),
  ].filter((p) => p !== undefined)
  return parts.length === 0 ? 'no change found' : parts.join(', ')
}

/**
 * The one-line outcome: what was found and whether it fails.
 *
 * @example
 * ```ts
 * describeOutcome(report) // 'Regression: 3 span keys slower, 1 structural change, 2 behaviour changes (reported; …).'
 * ```
 */
export function describeOutcome(report: ComparisonReport): string {
  const { summary } = report
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
  const parts: string[] = []
  parts.push(summary.slower === 0 ? 'no span got slower' : `${plural(summary.slower, 'span key')} slower`)
  if (summary.faster > 0) parts.push(`${summary.faster} faster`)
  const changes = [
    summary.structuralChanges > 0 ? plural(summary.structuralChanges, 'structural change') : undefined,
    summary.attributeChanges > 0 ? plural(summary.attributeChanges, 'behaviour change') : undefined,
  ].filter((c) => c !== undefined)
  if (changes.length === 0) parts.push('same structure')
  else parts.push(`${changes.join(', ')}${report.settings.failOnStructure ? '' : ' (reported; --fail-on-structure fails on them)'}`)
  const advisory = report.scenarios.some((s) => s.advisory)
  const tail = advisory ? ' Duration verdicts are advisory: the two sides were measured in different environments (pass --strict to gate on them).' : ''
  return `${summary.regression ? 'Regression' : 'No regression'}: ${parts.join(', ')}.${tail}`
}

/**
 * One behaviour change, without its key (callers group by key).
 *
 * @example
 * ```ts
 * describeAttributeChange({ key, attribute: 'db.query.text', change: 'added', value: 'SELECT 1' }) // '+ db.query.text = "SELECT 1"'
 * ```
 */
export function describeAttributeChange(change: AttributeChange): string {
  return `${change.change === 'added' ? '+' : '-'} ${change.attribute} = ${JSON.stringify(change.value)}`
}

/**
 * Attribute changes grouped by span key, keys in the order they come.
 *
 * @example
 * ```ts
 * for (const [key, changes] of groupAttributeChanges(scenario.attributes)) console.log(key, changes.length)
 * ```
 */
export function groupAttributeChanges(changes: readonly AttributeChange[]): [string, AttributeChange[]][] {
  const groups = new Map<string, AttributeChange[]>()
  for (const change of changes) {
    const list = groups.get(change.key) ?? []
    list.push(change)
    groups.set(change.key, list)
  }
  return [...groups]
}

/**
 * True when the scenario changed in any way worth showing expanded.
 *
 * @example
 * ```ts
 * const folded = report.scenarios.filter((s) => !scenarioChanged(s))
 * ```
 */
export function scenarioChanged(scenario: ScenarioComparison): boolean {
  return scenario.failures.length > 0 || scenario.structure.length > 0 || scenario.attributes.length > 0 ||
    scenario.durations.some((d) => d.comparison.verdict === 'slower' || d.comparison.verdict === 'faster')
}
