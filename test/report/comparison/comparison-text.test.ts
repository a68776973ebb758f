import { stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import { formatComparisonMarkdown, formatComparisonText } from 'tracewright'
import { V1 } from '../../compare/shop-runs.js'
import { fixtureReport } from './comparison-fixture.js'

describe('formatComparisonText', () => {
  test('the outcome, a table per scenario, the structural and behaviour diffs', () => {
    expect(formatComparisonText(fixtureReport())).toMatchSnapshot()
  })

  test('no regression', () => {
    const text = formatComparisonText(fixtureReport({ head: V1 }))
    expect(text).toContain('No regression: no span got slower, same structure.')
    expect(text).not.toContain('Structure (')
  })

  test('colour marks verdicts and the outcome only when asked for', () => {
    const report = fixtureReport()
    const plain = formatComparisonText(report)
    const colored = formatComparisonText(report, { color: true })
    expect(plain).not.toContain('\x1b[')
    expect(colored).toContain('\x1b[31mslower\x1b[39m')
    expect(colored).toContain('\x1b[31mRegression:')
    expect(stripVTControlCharacters(colored)).toBe(plain)
  })
})

describe('formatComparisonMarkdown', () => {
  test('a PR comment: outcome first, changed scenarios expanded, the rest folded', () => {
    expect(formatComparisonMarkdown(fixtureReport({ failOnStructure: true }))).toMatchSnapshot()
  })

  test('escapes what would read as markdown', () => {
    const md = formatComparisonMarkdown(fixtureReport())
    expect(md).toContain('shop \\| price order \\| GET /orders/:id')
    expect(md).toContain('`node --import tracewright/register \'v2 <new>.mjs\'`')
  })
})
