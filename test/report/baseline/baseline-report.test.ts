import { stripVTControlCharacters } from 'node:util'
import { describe, expect, expectTypeOf, test } from 'vitest'
import type { BaselineComparison, Comparison, KeyDuration, StructureChange, Verdict } from 'tracewright'
import type { BaselineTaskMeta } from '../../../matchers/to-match-baseline.js'
import type { EnvironmentFingerprint } from '../../../src/baseline/baseline-file.js'
import { durationRowCells, formatDurationTable } from '../../../src/report/comparison-tables.js'
import {
  advisoryNote,
  buildBaselineReport,
  describeEnvironmentChanges,
  describeSummary,
  errorRatesByOperation,
  formatErrorRate,
  readBaselineMeta,
  slowestOperations,
} from '../../../src/report/baseline/baseline-report.js'
import type { BaselineMetaEntry, BaselineResult, OperationFigures } from '../../../src/report/baseline/baseline-report.js'
import { formatMarkdownReport } from '../../../src/report/baseline/baseline-markdown.js'
import { escapeMarkdown, markdownTable } from '../../../src/report/markdown.js'
import { formatTextReport } from '../../../src/report/baseline/baseline-text.js'

// Hand-made comparisons: every figure chosen, so the formats can be checked exactly.
function duration(key: string, verdict: Verdict, baseMedian: number, headMedian: number, extra: Partial<Comparison> = {}): KeyDuration {
  const ratio = headMedian / baseMedian
  return {
    key,
    comparison: {
      verdict, ratio, ci: [ratio * 0.9, ratio * 1.1], pValue: 0.001, baseMedian, headMedian,
      difference: headMedian - baseMedian, differenceCi: [0, 1], samples: { base: 20, head: 20 }, ...extra,
    },
  }
}

function comparison(durations: KeyDuration[], structure: StructureChange[] = [], advisory = false): BaselineComparison {
  const failures = [
    ...structure.filter((c) => !c.allowed).map((c) => c.key),
    ...(advisory ? [] : durations.filter((d) => d.comparison.verdict === 'slower').map((d) => d.key)),
  ]
  return { structure, durations, advisory, failures }
}

function compared(test: string, c: BaselineComparison, extra: Partial<BaselineResult> = {}): BaselineResult {
  return { module: 'orders.spec.ts', test, testState: c.failures.length ? 'failed' : 'passed', baselineFile: '__baselines__/orders.spec.ts.json', recorded: false, comparison: c, ...extra }
}

// Per span key: [spans, errors, median ms]; self time is half the median.
function operations(figures: Record<string, [number, number, number]>): Record<string, OperationFigures> {
  return Object.fromEntries(Object.entries(figures).map(([key, [spans, errors, medianMs]]) => [key, { spans, errors, medianMs, selfMedianMs: medianMs / 2 }]))
}

const here: EnvironmentFingerprint = { cpu: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', cores: 8, node: 'v24.1.0', os: 'linux x64' }
const elsewhere: EnvironmentFingerprint = { ...here, cpu: 'AMD EPYC 7763 64-Core Processor', cores: 4 }

const recorded: BaselineResult = {
  module: 'cart.spec.ts', test: 'GET /cart', testState: 'passed', baselineFile: '__baselines__/cart.spec.ts.json', recorded: true,
  operations: operations({ 'cart | GET /cart': [20, 0, 5] }), environment: { current: here },
}

const nPlusOne = compared('GET /orders/:id reads once', comparison(
  [duration('orders | GET /orders/:id', 'slower', 20, 30), duration('orders | SELECT items | GET /orders/:id', 'unchanged', 1.5, 1.52)],
  [
    { key: 'orders | SELECT items | GET /orders/:id', change: 'count', before: 1, after: 12, allowed: false },
    { key: 'orders | cache.get | GET /orders/:id', change: 'added', before: 0, after: 2, allowed: true },
  ],
), {
  operations: operations({ 'orders | GET /orders/:id': [20, 0, 30], 'orders | SELECT items | GET /orders/:id': [240, 12, 1.52], 'orders | cache.get | GET /orders/:id': [40, 0, 0.3] }),
  environment: { baseline: here, current: here },
})
const advisory = compared('GET /orders lists', comparison([duration('orders | GET /orders', 'slower', 10, 40)], [], true), {
  operations: operations({ 'orders | GET /orders': [20, 5, 40] }),
  environment: { baseline: elsewhere, current: here },
})
const missing: BaselineResult = {
  module: 'orders.spec.ts', test: 'POST /orders creates', testState: 'failed', baselineFile: '__baselines__/orders.spec.ts.json', recorded: false, missing: true,
  operations: operations({ 'orders | POST /orders': [10, 10, 55] }), environment: { current: here },
}
const all = [nPlusOne, advisory, missing, recorded]

describe('buildBaselineReport', () => {
  test('counts compared, failed, advisory, recorded and missing calls', () => {
    const report = buildBaselineReport(all)
    expect(report.schemaVersion).toBe(1)
    expect(report.summary).toEqual({ compared: 2, failed: 1, advisory: 1, recorded: 1, missing: 1 })
    expect(report.results).toHaveLength(4)
    expect(buildBaselineReport([missing]).summary).toEqual({ compared: 0, failed: 0, advisory: 0, recorded: 0, missing: 1 })
  })

  test('the summary line names the missing baselines, and "0 compared" only when there is nothing else', () => {
    const counts = { compared: 0, failed: 0, advisory: 0, recorded: 0, missing: 0 }
    expect(describeSummary({ ...counts, compared: 2, failed: 1, advisory: 1, recorded: 1, missing: 1 })).toBe('2 compared (1 failed, 1 advisory), 1 missing baseline, 1 recorded')
    expect(describeSummary({ ...counts, missing: 2 })).toBe('2 missing baselines')
    expect(describeSummary({ ...counts, recorded: 3 })).toBe('3 recorded')
    expect(describeSummary(counts)).toBe('0 compared')
  })

  test('the slowest operations come from every call\'s operations, with the baseline median where the key was compared', () => {
    expect(buildBaselineReport(all).slowest).toEqual([
      { key: 'orders | POST /orders', medianMs: 55, test: 'POST /orders creates', module: 'orders.spec.ts' },
      { key: 'orders | GET /orders', medianMs: 40, baselineMedianMs: 10, test: 'GET /orders lists', module: 'orders.spec.ts' },
      { key: 'orders | GET /orders/:id', medianMs: 30, baselineMedianMs: 20, test: 'GET /orders/:id reads once', module: 'orders.spec.ts' },
      { key: 'cart | GET /cart', medianMs: 5, test: 'GET /cart', module: 'cart.spec.ts' },
      { key: 'orders | SELECT items | GET /orders/:id', medianMs: 1.52, baselineMedianMs: 1.5, test: 'GET /orders/:id reads once', module: 'orders.spec.ts' },
      // Added since the baseline: measured now, no baseline median.
      { key: 'orders | cache.get | GET /orders/:id', medianMs: 0.3, test: 'GET /orders/:id reads once', module: 'orders.spec.ts' },
    ])
    // An update-mode run has slowest operations too.
    expect(buildBaselineReport([recorded]).slowest).toEqual([{ key: 'cart | GET /cart', medianMs: 5, test: 'GET /cart', module: 'cart.spec.ts' }])
  })

  test('without operations (meta of an older version), the slowest operations rank compared keys by current median, once per key, slowest test first', () => {
    const strip = ({ operations: _operations, ...rest }: BaselineResult): BaselineResult => rest
    const again = compared('GET /orders/:id again', comparison([duration('orders | GET /orders/:id', 'unchanged', 20, 25)]))
    expect(slowestOperations([nPlusOne, advisory, again, recorded].map(strip), 2)).toEqual([
      { key: 'orders | GET /orders', medianMs: 40, baselineMedianMs: 10, test: 'GET /orders lists', module: 'orders.spec.ts' },
      { key: 'orders | GET /orders/:id', medianMs: 30, baselineMedianMs: 20, test: 'GET /orders/:id reads once', module: 'orders.spec.ts' },
    ])
    expect(slowestOperations([strip(recorded)], 10)).toEqual([])
  })

  test('the error rates list the keys with errors, summed across tests, by rate then error count then key', () => {
    expect(buildBaselineReport(all).errorRates).toEqual([
      { key: 'orders | POST /orders', spans: 10, errors: 10, rate: 1 },
      { key: 'orders | GET /orders', spans: 20, errors: 5, rate: 0.25 },
      { key: 'orders | SELECT items | GET /orders/:id', spans: 240, errors: 12, rate: 0.05 },
    ])
    const one = (key: string, figures: Record<string, [number, number, number]>): BaselineResult => ({ ...recorded, test: key, operations: operations(figures) })
    expect(errorRatesByOperation([
      one('a', { 'svc | b': [4, 1, 1], 'svc | a': [8, 2, 1], 'svc | c': [3, 0, 1] }),
      // Same key in another test: its spans and errors add up (svc | d: 3 of 12).
      one('b', { 'svc | d': [4, 1, 1], 'svc | a': [12, 3, 1] }),
      one('c', { 'svc | d': [8, 2, 1] }),
    ])).toEqual([
      { key: 'svc | a', spans: 20, errors: 5, rate: 0.25 },
      { key: 'svc | d', spans: 12, errors: 3, rate: 0.25 },
      { key: 'svc | b', spans: 4, errors: 1, rate: 0.25 },
    ])
    expect(buildBaselineReport([recorded]).errorRates).toEqual([])
  })

  test('error rates read as percentages, a tiny one never as 0%', () => {
    expect(formatErrorRate(1)).toBe('100.0%')
    expect(formatErrorRate(1 / 3)).toBe('33.3%')
    expect(formatErrorRate(1 / 5000)).toBe('<0.1%')
    expect(formatErrorRate(0)).toBe('0.0%')
  })
})

describe('advisoryNote', () => {
  test('names the fields in which the baseline\'s environment differs from this run\'s', () => {
    expect(describeEnvironmentChanges({ baseline: elsewhere, current: here })).toEqual([
      'CPU "AMD EPYC 7763 64-Core Processor" → "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz"',
      'cores 4 → 8',
    ])
    expect(describeEnvironmentChanges({ baseline: { ...here, node: 'v22.12.0', os: 'darwin arm64' }, current: here })).toEqual([
      'Node v22.12.0 → v24.1.0',
      'OS darwin arm64 → linux x64',
    ])
    expect(describeEnvironmentChanges({ baseline: here, current: here })).toEqual([])
    expect(describeEnvironmentChanges({ current: here })).toEqual([])
    expect(advisoryNote({ baseline: { ...here, node: 'v22.12.0' }, current: here })).toBe(
      'Duration verdicts are advisory: the baseline was recorded in another environment (baseline → this run: Node v22.12.0 → v24.1.0), ' +
        'so "slower" does not fail the test. Pass { strict: true } to gate on them anyway; a same-job A/B comparison is the trustworthy one.',
    )
  })

  test('says what may have differed when the meta does not say (an older tracewright)', () => {
    expect(advisoryNote(undefined)).toContain('the baseline was recorded in another environment (CPU, cores, Node version or OS), so "slower"')
  })
})

describe('durationRowCells', () => {
  test('are the cells of the terminal duration table\'s rows', () => {
    const c = comparison([duration('orders | GET /orders/:id', 'slower', 20, 30), duration('k', 'faster', 1500, 2.5)])
    expect(durationRowCells(c.durations[0]!)).toEqual(['orders | GET /orders/:id', '20.0 ms', '30.0 ms', '1.50×', '[1.35, 1.65]', 'slower'])
    const rows = formatDurationTable(c).slice(1)
    c.durations.forEach((d, i) => expect(rows[i]?.trim().split(/ {2,}/)).toEqual(durationRowCells(d)))
  })
})

describe('readBaselineMeta', () => {
  test('reads what the matcher leaves on the test', () => {
    expectTypeOf<BaselineTaskMeta>().toExtend<BaselineMetaEntry>()
    const figures = operations({ 'k': [4, 1, 2] })
    const entries: BaselineMetaEntry[] = [
      { file: '/a.json', test: 't', recorded: true, operations: figures, environment: { current: here } },
      { file: '/b.json', test: 't', recorded: false, missing: true, operations: figures, environment: { current: here } },
      { file: '/c.json', test: 't', recorded: false, comparison: comparison([duration('k', 'unchanged', 1, 1)]), operations: figures, environment: { baseline: elsewhere, current: here } },
    ]
    expect(readBaselineMeta({ tracewright: entries })).toEqual(entries)
  })

  test('skips entries whose missing flag, operations or environment are malformed', () => {
    const c = comparison([duration('k', 'unchanged', 1, 1)])
    expect(readBaselineMeta({
      tracewright: [
        { file: '/a.json', test: 't', recorded: false, missing: false },
        { file: '/b.json', test: 't', recorded: true, missing: true },
        { file: '/c.json', test: 't', recorded: false, missing: true, comparison: c },
        { file: '/d.json', test: 't', recorded: true, operations: { k: { spans: 1, errors: '0', medianMs: 1, selfMedianMs: 1 } } },
        { file: '/e.json', test: 't', recorded: true, operations: [{ spans: 1, errors: 0, medianMs: 1, selfMedianMs: 1 }] },
        { file: '/f.json', test: 't', recorded: true, environment: { baseline: here } },
        { file: '/g.json', test: 't', recorded: false, comparison: c, environment: { baseline: { ...here, cores: '8' }, current: here } },
        { file: '/h.json', test: 't', recorded: false, missing: true },
      ],
    })).toEqual([{ file: '/h.json', test: 't', recorded: false, missing: true }])
  })

  test('keeps well-formed entries, the last per baseline file, and skips the rest', () => {
    const c = comparison([duration('k', 'unchanged', 1, 1)])
    const entries = readBaselineMeta({
      tracewright: [
        { file: '/a.json', test: 't', recorded: false, comparison: c },
        { file: '/b.json', test: 't', recorded: true },
        { file: '/a.json', test: 't', recorded: true },
        { file: '/c.json', test: 't', recorded: false },
        { file: '/d.json', test: 't', recorded: false, comparison: { structure: 'nope' } },
        { file: '/e.json', test: 't', recorded: false, comparison: { ...c, durations: [{ key: 'k', comparison: { verdict: 'slower', ratio: '2' } }] } },
        { file: '/f.json', test: 't', recorded: false, comparison: { ...c, structure: [{ key: 'k', change: 'count', before: 1 }] } },
        'garbage',
        null,
      ],
    })
    expect(entries).toEqual([{ file: '/b.json', test: 't', recorded: true }, { file: '/a.json', test: 't', recorded: true }])
    expect(readBaselineMeta({})).toEqual([])
    expect(readBaselineMeta(undefined)).toEqual([])
    expect(readBaselineMeta({ tracewright: 'x' })).toEqual([])
  })
})

describe('formatTextReport', () => {
  const report = buildBaselineReport(all)

  test('prints a block per comparison, the missing and recorded baselines, the slowest operations, the error rates and the counts', () => {
    const text = formatTextReport(report)
    expect(text).toContain('tracewright baselines  2 compared (1 failed, 1 advisory), 1 missing baseline, 1 recorded')
    expect(text).toContain('✗ orders.spec.ts > GET /orders/:id reads once\n  against __baselines__/orders.spec.ts.json: 1 structural change, 1 allowed to vary, 1 slower span key')
    expect(text).toContain('  Structure (spans per run):\n    ~ orders | SELECT items | GET /orders/:id: 1 → 12 per run\n    + orders | cache.get | GET /orders/:id: 0 → 2 per run (new)  (allowed to vary)')
    expect(text).toMatch(/ {4}span key {2,}baseline p50 {2}current p50 {2}ratio {2,}95% CI {2,}verdict\n/)
    expect(text).toMatch(/ {4}orders \| GET \/orders\/:id {2,}20\.0 ms {2,}30\.0 ms {2}1\.50× {2}\[1\.35, 1\.65\] {2,}slower\n/)
    expect(text).toContain('✓ orders.spec.ts > GET /orders lists\n  against __baselines__/orders.spec.ts.json: 0 structural changes, 1 slower span key (advisory)')
    expect(text).toContain('  Duration verdicts are advisory: the baseline was recorded in another environment ' +
      '(baseline → this run: CPU "AMD EPYC 7763 64-Core Processor" → "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz"; cores 4 → 8), so "slower" does not fail the test.')
    expect(text.match(/advisory: the baseline/g)).toHaveLength(1)
    expect(text).toContain('Missing baselines\n  ✗ orders.spec.ts > POST /orders creates: no baseline recorded: run vitest -u to record it in __baselines__/orders.spec.ts.json\n\nRecorded')
    expect(text).toContain('Recorded (update mode)\n  ● cart.spec.ts > GET /cart: recorded the baseline in __baselines__/cart.spec.ts.json')
    const slowest = text.slice(text.indexOf('Slowest operations'), text.indexOf('\n\nError rate')).split('\n')
    expect(slowest.map((line) => line.split(/ {2,}/))).toEqual([
      ['Slowest operations (median summed duration per run, children included, across the measured tests)'],
      ['', 'span key', 'current p50', 'baseline p50', 'test'],
      ['', 'orders | POST /orders', '55.0 ms', '—', 'orders.spec.ts > POST /orders creates'],
      ['', 'orders | GET /orders', '40.0 ms', '10.0 ms', 'orders.spec.ts > GET /orders lists'],
      ['', 'orders | GET /orders/:id', '30.0 ms', '20.0 ms', 'orders.spec.ts > GET /orders/:id reads once'],
      ['', 'cart | GET /cart', '5.00 ms', '—', 'cart.spec.ts > GET /cart'],
      ['', 'orders | SELECT items | GET /orders/:id', '1.52 ms', '1.50 ms', 'orders.spec.ts > GET /orders/:id reads once'],
      ['', 'orders | cache.get | GET /orders/:id', '0.30 ms', '—', 'orders.spec.ts > GET /orders/:id reads once'],
    ])
    expect(slowest[2]).toMatch(/^ {2}orders \| POST \/orders {2,}55\.0 ms {2,}— {2}orders/)
    expect(text.slice(text.indexOf('Error rate by operation'))).toBe([
      'Error rate by operation (spans with status ERROR, summed over the measured runs of every test)',
      '  span key                                 spans  errors  error rate',
      '  orders | POST /orders                       10      10      100.0%',
      '  orders | GET /orders                        20       5       25.0%',
      '  orders | SELECT items | GET /orders/:id    240      12        5.0%',
    ].join('\n'))
    expect(text).not.toMatch(/ \n/)
    expect(stripVTControlCharacters(text)).toBe(text)
  })

  test('with colours, only the styling differs, and a gated "slower" is red while an advisory one is yellow', () => {
    const coloured = formatTextReport(report, { colors: true })
    expect(coloured).not.toBe(formatTextReport(report))
    expect(stripVTControlCharacters(coloured)).toBe(formatTextReport(report))
    expect(coloured).toContain('\u001b[31mslower\u001b[39m')
    expect(coloured).toContain('\u001b[33mslower\u001b[39m')
  })

  test('an update-mode run prints the recorded line and the slowest operations without a baseline column', () => {
    const text = formatTextReport(buildBaselineReport([recorded]))
    expect(text.trim().split('\n')).toEqual([
      'tracewright baselines  1 recorded',
      '',
      'Recorded (update mode)',
      '  ● cart.spec.ts > GET /cart: recorded the baseline in __baselines__/cart.spec.ts.json',
      '',
      'Slowest operations (median summed duration per run, children included, across the measured tests)',
      '  span key          current p50  test',
      '  cart | GET /cart      5.00 ms  cart.spec.ts > GET /cart',
    ])
  })

  test('an advisory comparison without environment in its meta says what may have differed', () => {
    const { environment: _environment, ...older } = advisory
    expect(formatTextReport(buildBaselineReport([older]))).toContain('the baseline was recorded in another environment (CPU, cores, Node version or OS), so')
  })
})

describe('formatMarkdownReport', () => {
  test('renders tables with escaped span keys, structure as a diff, and the advisory note as a quote', () => {
    const markdown = formatMarkdownReport(buildBaselineReport(all))
    expect(markdown).toBe([
      '## tracewright baselines',
      '',
      '2 compared (1 failed, 1 advisory), 1 missing baseline, 1 recorded',
      '',
      '### ✗ orders.spec.ts \\> GET /orders/:id reads once',
      '',
      'Against `__baselines__/orders.spec.ts.json`: 1 structural change, 1 allowed to vary, 1 slower span key',
      '',
      '| span key | baseline p50 | current p50 | ratio | 95% CI | verdict |',
      '| :-- | --: | --: | --: | --: | :-- |',
      '| orders \\| GET /orders/:id | 20.0 ms | 30.0 ms | 1.50× | [1.35, 1.65] | **slower** |',
      '| orders \\| SELECT items \\| GET /orders/:id | 1.50 ms | 1.52 ms | 1.01× | [0.91, 1.11] | unchanged |',
      '',
      'Structure (spans per run):',
      '',
      '```diff',
      '~ orders | SELECT items | GET /orders/:id: 1 → 12 per run',
      '+ orders | cache.get | GET /orders/:id: 0 → 2 per run (new)  (allowed to vary)',
      '```',
      '',
      '### ✓ orders.spec.ts \\> GET /orders lists',
      '',
      'Against `__baselines__/orders.spec.ts.json`: 0 structural changes, 1 slower span key (advisory)',
      '',
      '| span key | baseline p50 | current p50 | ratio | 95% CI | verdict |',
      '| :-- | --: | --: | --: | --: | :-- |',
      '| orders \\| GET /orders | 10.0 ms | 40.0 ms | 4.00× | [3.60, 4.40] | slower |',
      '',
      '> Duration verdicts are advisory: the baseline was recorded in another environment (baseline → this run: CPU "AMD EPYC 7763 64-Core Processor" → "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz"; cores 4 → 8), so "slower" does not fail the test. Pass { strict: true } to gate on them anyway; a same-job A/B comparison is the trustworthy one.',
      '',
      '### Missing baselines',
      '',
      '- ✗ orders.spec.ts \\> POST /orders creates: no baseline recorded: run `vitest -u` to record it in `__baselines__/orders.spec.ts.json`',
      '',
      '### Recorded (update mode)',
      '',
      '- cart.spec.ts \\> GET /cart: recorded the baseline in `__baselines__/cart.spec.ts.json`',
      '',
      '### Slowest operations',
      '',
      'Median summed duration per run, children included, across the measured tests.',
      '',
      '| span key | current p50 | baseline p50 | test |',
      '| :-- | --: | --: | :-- |',
      '| orders \\| POST /orders | 55.0 ms | — | orders.spec.ts \\> POST /orders creates |',
      '| orders \\| GET /orders | 40.0 ms | 10.0 ms | orders.spec.ts \\> GET /orders lists |',
      '| orders \\| GET /orders/:id | 30.0 ms | 20.0 ms | orders.spec.ts \\> GET /orders/:id reads once |',
      '| cart \\| GET /cart | 5.00 ms | — | cart.spec.ts \\> GET /cart |',
      '| orders \\| SELECT items \\| GET /orders/:id | 1.52 ms | 1.50 ms | orders.spec.ts \\> GET /orders/:id reads once |',
      '| orders \\| cache.get \\| GET /orders/:id | 0.30 ms | — | orders.spec.ts \\> GET /orders/:id reads once |',
      '',
      '### Error rate by operation',
      '',
      'Spans with status ERROR, summed over the measured runs of every test.',
      '',
      '| span key | spans | errors | error rate |',
      '| :-- | --: | --: | --: |',
      '| orders \\| POST /orders | 10 | 10 | 100.0% |',
      '| orders \\| GET /orders | 20 | 5 | 25.0% |',
      '| orders \\| SELECT items \\| GET /orders/:id | 240 | 12 | 5.0% |',
      '',
    ].join('\n'))
  })

  test('an update-mode run has a slowest-operations table without a baseline column', () => {
    const markdown = formatMarkdownReport(buildBaselineReport([recorded]))
    expect(markdown).toContain('| span key | current p50 | test |\n| :-- | --: | :-- |\n| cart \\| GET /cart | 5.00 ms | cart.spec.ts \\> GET /cart |\n')
    expect(markdown).not.toContain('Error rate')
  })

  test('every row of a table has as many cells as the header, whatever the span names contain', () => {
    const odd = compared('odd names', comparison([
      duration('svc | a|b | GET', 'unchanged', 1, 1),
      duration('svc | render <Report> | GET', 'inconclusive', 1, 1, { advice: 'Collect about 40 samples a side (now 20).' }),
      duration('svc | __init__ *x* `y` [z](u) | GET', 'faster', 2, 1),
      duration('svc | two\nlines | GET', 'unchanged', 1, 1),
    ]))
    const markdown = formatMarkdownReport(buildBaselineReport([odd]))
    // A cell boundary is a `|` not escaped by a backslash.
    const cells = (row: string): number => row.split(/(?<!\\)\|/).length - 2
    const tables = markdown.trimEnd().split('\n\n').filter((block) => block.startsWith('| '))
    expect(tables).toHaveLength(2)
    for (const table of tables) {
      const [header = '', ...rows] = table.split('\n')
      expect(rows.length).toBeGreaterThan(4)
      for (const row of rows) expect(cells(row), row).toBe(cells(header))
    }
    expect(markdown).toContain('| svc \\| a\\|b \\| GET |')
    expect(markdown).toContain('svc \\| render \\<Report\\> \\| GET')
    expect(markdown).toContain('svc \\| \\_\\_init\\_\\_ \\*x\\* \\`y\\` \\[z\\](u) \\| GET')
    expect(markdown).toContain('| svc \\| two lines \\| GET |')
    expect(markdown).toContain('\n\nCollect about 40 samples a side (now 20).\n\n')
  })

  test('a backtick in a baseline path or a span key does not break the code span or the diff fence', () => {
    const result: BaselineResult = {
      ...compared('t', comparison([], [{ key: 'svc | ```sql | GET', change: 'removed', before: 1, after: 0, allowed: false }])),
      baselineFile: 'odd`dir/x.json',
    }
    const markdown = formatMarkdownReport(buildBaselineReport([result]))
    expect(markdown).toContain('Against ``odd`dir/x.json``:')
    expect(markdown).toContain('````diff\n- svc | ```sql | GET: 1 → 0 per run (gone)\n````')
  })
})

describe('escapeMarkdown and markdownTable', () => {
  test('escape what markdown would read as syntax, and nothing else', () => {
    expect(escapeMarkdown('orders | SELECT items | GET /orders/:id')).toBe('orders \\| SELECT items \\| GET /orders/:id')
    expect(escapeMarkdown('a\\|b')).toBe('a\\\\\\|b')
    expect(escapeMarkdown('x & <b> ~y~ #1')).toBe('x \\& \\<b\\> \\~y\\~ \\#1')
    expect(escapeMarkdown('GET /orders/:id 1.50 ms (ok)')).toBe('GET /orders/:id 1.50 ms (ok)')
    expect(markdownTable(['key', 'ms'], ['left', 'right'], [[escapeMarkdown('a | b'), '1.00 ms']])).toBe('| key | ms |\n| :-- | --: |\n| a \\| b | 1.00 ms |')
  })
})
