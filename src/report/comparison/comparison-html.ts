import type { ComparisonReport, ReportTrace, ScenarioComparison } from '../../compare/types.js'
import { formatMs } from '../../model/render-trace.js'
import {
  describeAttributeChange,
  describeOutcome,
  describeScenarioFindings,
  describeSettings,
  describeSide,
  formatInterval,
  formatRatio,
  groupAttributeChanges,
} from './describe-comparison.js'
import { attributionLines, quantileTable } from '../comparison-tables.js'
import { escapeHtml } from '../html.js'
import { ratioChartSvg } from './ratio-chart.js'
import { waterfallSvg } from './waterfall.js'

/**
 * The comparison as one self-contained HTML file: inline CSS, SVG and a few lines of script, no
 * external URL of any kind (a Content-Security-Policy forbids the page every request), so it can
 * be attached to a CI run and opened anywhere. Per scenario: the outcome, the per-span ratio
 * chart, the duration table, the structural and behaviour diffs, and side-by-side waterfalls of
 * the median-duration run of each version on a shared time scale, changed span keys marked.
 *
 * @example
 * ```ts
 * writeFileSync('comparison.html', formatComparisonHtml(report))
 * ```
 */
export function formatComparisonHtml(report: ComparisonReport): string {
  const outcome = report.summary.regression ? 'regression' : 'ok'
  const nav = report.scenarios.length > 1
    ? `<nav><ul>${report.scenarios.map((s, i) => `<li><a href="#scenario-${i}">${s.failures.length > 0 ? '✗' : '✓'} ${escapeHtml(s.name)}</a></li>`).join('')}</ul></nav>`
    : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tracewright">
<title>${report.summary.regression ? '✗' : '✓'} tracewright compare</title>
<style>${STYLE}</style>
</head>
<body>
<header class="outcome ${outcome}">
<h1>${report.summary.regression ? '✗' : '✓'} tracewright compare</h1>
<p class="verdict">${escapeHtml(describeOutcome(report))}</p>
<dl>
<dt>base</dt><dd><code>${escapeHtml(describeSide(report.base))}</code></dd>
<dt>head</dt><dd><code>${escapeHtml(describeSide(report.head))}</code></dd>
<dt>method</dt><dd>${escapeHtml(describeSettings(report))}</dd>
<dt>finished</dt><dd>${escapeHtml(report.createdAt)}</dd>
</dl>
</header>
${nav}
<main>
${report.scenarios.map((s, i) => scenarioSection(s, i, report.settings.minRelativeEffect)).join('\n')}
${report.summary.unmatched.length > 0 ? `<p class="unmatched">Not compared (only one side has them): ${escapeHtml(report.summary.unmatched.join('; '))}</p>` : ''}
</main>
<footer>Ratios are head / base: above 1 is slower. Dots are the ratio, bars its 95% interval; the shaded band holds changes too small to report. Hover a span to find its key on both sides.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`
}

function scenarioSection(scenario: ScenarioComparison, index: number, minRelativeEffect: number): string {
  const failed = scenario.failures.length > 0
  const changedKeys = new Set([
    ...scenario.structure.map((c) => c.key),
    ...scenario.attributes.map((c) => c.key),
    ...scenario.durations.filter((d) => d.comparison.verdict === 'slower' || d.comparison.verdict === 'faster').map((d) => d.key),
  ])
  const parts = [
    `<section class="scenario ${failed ? 'failed' : 'passed'}" id="scenario-${index}">`,
    `<h2>${failed ? '✗' : '✓'} ${escapeHtml(scenario.name)} <small>${escapeHtml(describeScenarioFindings(scenario))}</small></h2>`,
  ]
  if (scenario.durations.length > 0) {
    parts.push(
      `<figure class="chart">${ratioChartSvg(scenario.durations, minRelativeEffect)}<figcaption>Duration ratio head / base per span key (log scale)${scenario.advisory ? ', advisory: measured in different environments' : ''}.</figcaption></figure>`,
      '<table class="durations"><thead><tr><th>span key</th><th>base p50</th><th>head p50</th><th>ratio</th><th>95% CI</th><th>p</th><th>verdict</th></tr></thead><tbody>',
      ...scenario.durations.map(({ key, comparison: c }) => `<tr class="key-row verdict-${c.verdict}" data-key="${escapeHtml(key)}"><td class="key">${escapeHtml(key)}</td><td>${formatMs(c.baseMedian)}</td><td>${formatMs(c.headMedian)}</td><td>${escapeHtml(formatRatio(c.ratio))}</td><td>${escapeHtml(formatInterval(c.ci))}</td><td>${c.pValue.toPrecision(2)}</td><td class="verdict">${c.verdict}</td></tr>`),
      '</tbody></table>',
    )
    const quantiles = quantileTable(scenario.durations, 'base', 'head')
    if (quantiles !== undefined) {
      parts.push(
        `<h3>Quantiles <small>base → head, ratio, verdict</small></h3><table class="quantiles"><thead><tr>${quantiles.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`,
        ...quantiles.rows.map(([key, ...cells]) => `<tr data-key="${escapeHtml(key ?? '')}"><td class="key">${escapeHtml(key ?? '')}</td>${cells.map((c) => `<td class="${/not judged/.test(c) ? 'not-judged' : `verdict-${c.split(' ').at(-1) ?? ''}`}">${escapeHtml(c)}</td>`).join('')}</tr>`),
        '</tbody></table>',
      )
    }
    const advice = scenario.durations.map((d) => d.comparison.advice).find((a) => a !== undefined)
    if (advice !== undefined) parts.push(`<p class="advice">Inconclusive keys: ${escapeHtml(advice)}</p>`)
    const why = attributionLines(scenario)
    if (why.length > 0) parts.push('<h3>Critical path <small>what explains the change of each entry span</small></h3><ul class="attribution">', ...why.map((line) => `<li>${escapeHtml(line)}</li>`), '</ul>')
  }
  if (scenario.structure.length > 0) {
    parts.push('<h3>Structure <small>spans per run, base → head</small></h3><ul class="structure">', ...scenario.structure.map((c) => {
      const sign = c.change === 'added' ? '+' : c.change === 'removed' ? '−' : '~'
      return `<li class="change-${c.change}" data-key="${escapeHtml(c.key)}"><span class="sign">${sign}</span> <code>${escapeHtml(c.key)}</code>: ${c.before} → ${c.after}</li>`
    }), '</ul>')
  }
  if (scenario.attributes.length > 0) {
    parts.push('<h3>Behaviour <small>attribute values only one version has</small></h3><ul class="behaviour">', ...groupAttributeChanges(scenario.attributes).map(([key, changes]) =>
      `<li data-key="${escapeHtml(key)}"><code>${escapeHtml(key)}</code><ul>${changes.map((c) => `<li class="change-${c.change}"><code>${escapeHtml(describeAttributeChange(c))}</code></li>`).join('')}</ul></li>`), '</ul>')
  }
  if (scenario.representative !== undefined) parts.push(waterfalls(scenario.representative.base, scenario.representative.head, changedKeys))
  parts.push('</section>')
  return parts.join('\n')
}

function waterfalls(base: readonly ReportTrace[], head: readonly ReportTrace[], highlight: ReadonlySet<string>): string {
  const pairs = Math.max(base.length, head.length)
  const out = ['<h3>Waterfalls <small>the median-duration run of each version, on one time scale; changed span keys highlighted</small></h3>']
  for (let i = 0; i < pairs; i++) {
    const a = base[i]
    const b = head[i]
    const scaleMs = Math.max(a?.durationMs ?? 0, b?.durationMs ?? 0)
    const side = (label: string, trace: ReportTrace | undefined): string => trace === undefined
      ? `<figure class="waterfall missing" data-side="${label}"><figcaption>${label}: no request ${i + 1} in this run</figcaption></figure>`
      : `<figure class="waterfall" data-side="${label}"><figcaption><strong>${label}</strong> · ${formatMs(trace.durationMs)} · ${trace.spans.length} span${trace.spans.length === 1 ? '' : 's'} · <code>${escapeHtml(trace.traceId)}</code></figcaption>${waterfallSvg(trace, { scaleMs, highlight })}</figure>`
    out.push(`<div class="waterfalls">${side('base', a)}${side('head', b)}</div>`)
  }
  return out.join('\n')
}

const STYLE = `
:root { color-scheme: light; --slower: #c62828; --faster: #2e7d32; --unchanged: #757575; --inconclusive: #b26a00; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
header.outcome { padding: 20px 28px; border-bottom: 4px solid var(--faster); background: #fff; }
header.outcome.regression { border-bottom-color: var(--slower); }
h1 { margin: 0 0 6px; font-size: 22px; }
.regression h1 { color: var(--slower); }
.ok h1 { color: var(--faster); }
.verdict { font-size: 16px; margin: 0 0 10px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; color: var(--muted); }
dt { font-weight: 600; }
dd { margin: 0; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 10px 28px; background: #fff; border-bottom: 1px solid var(--line); }
nav a { color: inherit; }
main { padding: 8px 28px 28px; }
section.scenario { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--faster); border-radius: 6px; padding: 14px 18px; margin: 16px 0; }
section.scenario.failed { border-left-color: var(--slower); }
h2 { margin: 0 0 10px; font-size: 18px; }
h2 small, h3 small { font-weight: normal; color: var(--muted); font-size: 13px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
figure { margin: 8px 0; }
figcaption { color: var(--muted); font-size: 12px; margin: 2px 0 4px; }
svg { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .tick { fill: var(--muted); }
svg .grid { stroke: #eaeef2; }
svg .axis-one { stroke: #8c959f; stroke-dasharray: 3 3; }
svg .band { fill: #eef1f4; }
svg .label { fill: #1f2328; }
svg .value, svg .duration { fill: var(--muted); }
.ratio-row .ci { stroke-width: 3; stroke-linecap: round; }
.ratio-row.verdict-slower .ci, .ratio-row.verdict-slower .point { stroke: var(--slower); fill: var(--slower); }
.ratio-row.verdict-faster .ci, .ratio-row.verdict-faster .point { stroke: var(--faster); fill: var(--faster); }
.ratio-row.verdict-unchanged .ci, .ratio-row.verdict-unchanged .point { stroke: var(--unchanged); fill: var(--unchanged); }
.ratio-row.verdict-inconclusive .ci, .ratio-row.verdict-inconclusive .point { stroke: var(--inconclusive); fill: var(--inconclusive); }
table.durations, table.quantiles { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
table.durations th, table.durations td, table.quantiles th, table.quantiles td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
table.durations th:first-child, table.durations td.key, table.quantiles th:first-child, table.quantiles td.key { text-align: left; white-space: normal; word-break: break-word; }
table.quantiles td.verdict-slower { color: var(--slower); font-weight: 700; }
table.quantiles td.verdict-faster { color: var(--faster); font-weight: 700; }
table.quantiles td.not-judged { color: var(--muted); }
table.durations td.key, table.quantiles td.key { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
tr.verdict-slower td.verdict { color: var(--slower); font-weight: 700; }
tr.verdict-faster td.verdict { color: var(--faster); font-weight: 700; }
tr.verdict-inconclusive td.verdict { color: var(--inconclusive); }
tr.verdict-unchanged td.verdict { color: var(--unchanged); }
ul.structure, ul.behaviour { margin: 4px 0; padding-left: 18px; }
ul.behaviour ul { padding-left: 16px; }
.change-added { color: var(--faster); }
.change-removed { color: var(--slower); }
.change-count { color: var(--inconclusive); }
.sign { font-weight: 700; }
.advice { color: var(--inconclusive); }
.waterfalls { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.waterfall { border: 1px solid var(--line); border-radius: 4px; padding: 6px; overflow-x: auto; }
.span-row .row-bg { fill: transparent; }
.span-row.changed .row-bg { fill: #fff4d6; }
.span-row .span-bar { fill: #8250df; }
.span-row.kind-server .span-bar { fill: #0969da; }
.span-row.kind-client .span-bar { fill: #8250df; }
.span-row.kind-internal .span-bar { fill: #1a7f70; }
.span-row.kind-producer .span-bar, .span-row.kind-consumer .span-bar { fill: #bc4c00; }
.span-row.status-error .span-bar { fill: var(--slower); }
.span-row.hover .row-bg { fill: #ddf4ff; }
.ratio-row.hover .label { font-weight: 700; }
tr.hover td, li.hover { background: #ddf4ff; }
footer { color: var(--muted); font-size: 12px; padding: 0 28px 24px; }
`

// Hovering anything that carries a span key highlights that key everywhere in its scenario: the
// chart row, the table row, the diff lines and the spans of both waterfalls.
const SCRIPT = `
(function () {
  'use strict';
  var sections = document.querySelectorAll('section.scenario');
  Array.prototype.forEach.call(sections, function (section) {
    var keyed = section.querySelectorAll('[data-key]');
    function mark(key) {
      Array.prototype.forEach.call(keyed, function (el) {
        el.classList.toggle('hover', key !== null && el.getAttribute('data-key') === key);
      });
    }
    Array.prototype.forEach.call(keyed, function (el) {
      el.addEventListener('mouseenter', function () { mark(el.getAttribute('data-key')); });
      el.addEventListener('mouseleave', function () { mark(null); });
    });
  });
})();
`
