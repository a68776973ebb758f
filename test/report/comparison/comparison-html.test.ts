import { describe, expect, test } from 'vitest'
import { formatComparisonHtml } from 'tracewright'
import type { ComparisonReport } from 'tracewright'
import { fixtureReport } from './comparison-fixture.js'

describe('formatComparisonHtml', () => {
  const report = fixtureReport()
  const html = formatComparisonHtml(report)

  test('is one self-contained document: no external URL, every request forbidden by its CSP', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/\b(?:https?|ftp|wss?):\/\//)
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/)
    expect(html).not.toMatch(/@import|url\(/)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`)
  })

  test('has a chart row and a table row per timed key, and both waterfalls per scenario', () => {
    const keys = report.scenarios.reduce((n, s) => n + s.durations.length, 0)
    expect(html.match(/<g class="ratio-row /g)).toHaveLength(keys)
    expect(html.match(/<tr class="key-row /g)).toHaveLength(keys)
    expect(html.match(/<figure class="waterfall" data-side="base">/g)).toHaveLength(2)
    expect(html.match(/<figure class="waterfall" data-side="head">/g)).toHaveLength(2)
    const spans = report.scenarios.reduce((n, s) => n + (s.representative?.base[0]?.spans.length ?? 0) + (s.representative?.head[0]?.spans.length ?? 0), 0)
    expect(html.match(/<g class="span-row /g)).toHaveLength(spans)
  })

  test('marks the changed keys in the waterfalls', () => {
    const changed = html.match(/<g class="span-row[^"]* changed" data-key="([^"]*)"/g) ?? []
    expect(changed.some((g) => g.includes('SELECT items'))).toBe(true)
    expect(changed.some((g) => g.includes('price order'))).toBe(true)
    expect(changed.some((g) => g.includes('SELECT orders'))).toBe(false)
  })

  test('escapes everything that comes from the services', () => {
    const hostile: ComparisonReport = {
      ...report,
      head: { label: 'head', command: ['node', '<script>alert(1)</script>'] },
      scenarios: report.scenarios.map((s) => ({
        ...s,
        name: `${s.name} <img src=x onerror=alert(1)>`,
        attributes: [...s.attributes, { key: s.durations[0]?.key ?? '', attribute: 'db.query.text', change: 'added', value: `SELECT '"><script>alert(2)</script>` }],
      })),
    }
    const out = formatComparisonHtml(hostile)
    expect(out).not.toContain('<script>alert')
    expect(out).not.toContain('<img')
    expect(out).toContain('&#60;script&#62;alert(1)&#60;/script&#62;')
    // The page's own script is the only one.
    expect(out.match(/<script>/g)).toHaveLength(1)
  })

  test('infinite ratios (a span that took 0 ms in base) sit at the edge of the chart', () => {
    const scenario = report.scenarios[0] as NonNullable<(typeof report.scenarios)[0]>
    const [first, ...rest] = scenario.durations
    const infinite = { key: first?.key ?? '', comparison: { ...(first?.comparison as NonNullable<typeof first>['comparison']), ratio: Number.POSITIVE_INFINITY, ci: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY] as [number, number] } }
    const out = formatComparisonHtml({ ...report, scenarios: [{ ...scenario, durations: [infinite, ...rest] }] })
    expect(out).toContain('∞×')
    expect(out).not.toMatch(/NaN|Infinity/)
  })

  test('a comparison of stored baselines has no traces, and so no waterfalls', () => {
    const { representative: _representative, ...withoutTraces } = report.scenarios[0] as NonNullable<(typeof report.scenarios)[0]>
    const out = formatComparisonHtml({ ...report, scenarios: [withoutTraces] })
    expect(out).not.toContain('class="waterfall"')
    expect(out).toContain('class="ratio-chart"')
  })
})
