import { DURATION_TABLE_ALIGN, durationMarkdownCells, durationTableHeader, formatStructure, quantileAndAttributionMarkdown } from '../comparison-tables.js'
import type { ComparisonReport, ScenarioComparison } from '../../compare/types.js'
import { codeBlock, codeSpan, escapeMarkdown, markdownTable } from '../markdown.js'
import {
  describeAttributeChange,
  describeOutcome,
  describeScenarioFindings,
  describeSettings,
  describeSide,
  groupAttributeChanges,
  scenarioChanged,
} from './describe-comparison.js'

/**
 * The comparison as GitHub-flavoured markdown, ready to paste as a pull-request comment (or to
 * append to `$GITHUB_STEP_SUMMARY`): the outcome first, then each scenario that changed with its
 * table and diffs; scenarios without a change fold into a `<details>` block.
 *
 * @example
 * ```ts
 * writeFileSync('comparison.md', formatComparisonMarkdown(report))
 * ```
 */
export function formatComparisonMarkdown(report: ComparisonReport): string {
  const blocks = [
    `## ${report.summary.regression ? '✗' : '✓'} tracewright compare`,
    `**${escapeMarkdown(describeOutcome(report))}**`,
    [
      `- base: ${codeSpan(describeSide(report.base))}`,
      `- head: ${codeSpan(describeSide(report.head))}`,
      `- ${escapeMarkdown(describeSettings(report))}`,
    ].join('\n'),
  ]
  const changed = report.scenarios.filter(scenarioChanged)
  const quiet = report.scenarios.filter((s) => !scenarioChanged(s))
  for (const scenario of changed) blocks.push(...scenarioBlocks(scenario))
  if (quiet.length > 0) {
    blocks.push(`<details><summary>${quiet.length} scenario${quiet.length === 1 ? '' : 's'} without a change</summary>`)
    for (const scenario of quiet) blocks.push(...scenarioBlocks(scenario))
    blocks.push('</details>')
  }
  if (report.summary.unmatched.length > 0) {
    blocks.push(`Not compared (only one side has them): ${escapeMarkdown(report.summary.unmatched.join('; '))}`)
  }
  return `${blocks.join('\n\n')}\n`
}

function scenarioBlocks(scenario: ScenarioComparison): string[] {
  const failed = scenario.failures.length > 0
  const blocks = [`### ${failed ? '✗' : '✓'} ${escapeMarkdown(scenario.name)}`, escapeMarkdown(describeScenarioFindings(scenario))]
  if (scenario.durations.length > 0) {
    blocks.push(markdownTable(
      durationTableHeader('base', 'head'),
      DURATION_TABLE_ALIGN,
      scenario.durations.map((d) => durationMarkdownCells(d, scenario.advisory)),
    ))
    // The quantiles under the table, the reasons after the advice.
    blocks.push(...quantileAndAttributionMarkdown({ ...scenario, attribution: [] }, 'base', 'head'))
    const advice = scenario.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
    if (advice !== undefined) blocks.push(`Inconclusive keys: ${escapeMarkdown(advice)}`)
    blocks.push(...quantileAndAttributionMarkdown({ ...scenario, durations: [] }, 'base', 'head'))
  }
  if (scenario.structure.length > 0) {
    blocks.push('Structure (spans per run, base → head):', codeBlock('diff', formatStructure(scenario).map((line) => line.trimStart())))
  }
  if (scenario.attributes.length > 0) {
    const lines = groupAttributeChanges(scenario.attributes).flatMap(([key, changes]) => [`@@ ${key} @@`, ...changes.map(describeAttributeChange)])
    blocks.push('Behaviour (attribute values only one version has):', codeBlock('diff', lines))
  }
  return blocks
}
