import { describe, expect, test } from 'vitest'
import { formatComparisonHtml, formatComparisonJson, formatComparisonMarkdown, formatComparisonText, parseComparisonReport } from 'tracewright'
import { fixtureReport } from './comparison-fixture.js'

// The fixture's v2 prices in 12 ms instead of 4 and queries items three times: the entry span is
// slower, and its critical path says why. 16 rounds judge p50 and not p90 (which needs 36).
const report = fixtureReport({ quantiles: [0.5, 0.9] })
const PRICE = 'shop | price order | GET /orders/:id'

describe('quantiles and attribution in every format', () => {
  test('the report carries per-quantile verdicts, with p90 not judged from 16 rounds', () => {
    const pricing = report.scenarios[0]?.durations.find((d) => d.key === PRICE)?.comparison
    expect(pricing?.quantiles?.map((q) => [q.quantile, q.judged, q.verdict])).toEqual([[0.5, true, 'slower'], [0.9, false, 'inconclusive']])
    expect(report.scenarios[0]?.attribution?.[0]?.contributions[0]?.key).toBe(PRICE)
    expect(report.scenarios[1]?.attribution).toEqual([])
  })

  test('text: the quantiles side by side and the reason for the slower entry span', () => {
    const text = formatComparisonText(report)
    expect(text).toMatch(/p50 base → head +p90 base → head/)
    expect(text).toMatch(/shop \| price order \| GET \/orders\/:id +[\d.]+ ms → [\d.]+ ms [\d.]+× slower +[\d.]+ ms → [\d.]+ ms not judged \(needs 36 a side\)/)
    expect(text).toMatch(/Why "shop \| GET \/orders\/:id" is slower: \+[\d.]+ ms end to end; [\d.]+ ms of it is `price order` self time on the critical path;.*`SELECT items` is 3× more frequent \(1 → 3 per run\)\./)
    expect(text).toContain('quantiles p50/p90 and the tail test')
    // The tail test ran beside the quantiles: paired, the 16 largest per-round changes all slowdowns.
    expect(text).toMatch(/p90 base → head +tail: exceedances \(needed\)/)
    expect(text).toMatch(/shop \| price order \| GET \/orders\/:id +.*not judged \(needs 36 a side\) +head 16 \(11\) [\d.]+× slower/)
  })

  test('markdown: a quantile table and the reason as a list item', () => {
    const markdown = formatComparisonMarkdown(report)
    expect(markdown).toContain('| span key | p50 base → head | p90 base → head | tail: exceedances (needed) |')
    expect(markdown).toMatch(/- Why "shop \\\| GET \/orders\/:id" is slower: /)
  })

  test('html: a quantile table with its verdict classes and the critical-path list', () => {
    const html = formatComparisonHtml(report)
    expect(html).toContain('<table class="quantiles">')
    expect(html).toMatch(/<td class="verdict-slower">[\d.]+ ms → [\d.]+ ms [\d.]+× slower<\/td><td class="not-judged">[^<]*<\/td><td class="verdict-slower">head 16 \(11\) [\d.]+× slower<\/td>/)
    expect(html).toMatch(/<ul class="attribution">\n<li>Why &#34;shop \| GET \/orders\/:id&#34; is slower: /)
  })

  test('json: written and read back with its quantiles and attribution', () => {
    const back = parseComparisonReport(JSON.parse(formatComparisonJson(report)), 'r.json')
    expect(back.settings.quantiles).toEqual([0.5, 0.9])
    const p90 = back.scenarios[0]?.durations.find((d) => d.key === PRICE)?.comparison.quantiles?.[1]
    expect(p90).toMatchObject({ quantile: 0.9, judged: false, minSamples: 36, ci: [null, null] })
    const tail = back.scenarios[0]?.durations.find((d) => d.key === PRICE)?.comparison.tail
    expect(tail).toMatchObject({ verdict: 'slower', judged: true, side: 'head', exceedances: 16, needed: 11 })
    expect(back.scenarios[0]?.attribution?.[0]?.frequency).toContainEqual({ key: 'shop | SELECT items | GET /orders/:id', before: 1, after: 3 })
  })
})
