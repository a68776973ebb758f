import { readFileSync } from 'node:fs'
import { expect, test } from 'tracewright/playwright'
import { MATCHER_CASES, runCases } from './cases.js'
import type { CaseExpect, CaseOutcome } from './cases.js'

// Run by test/playwright/playwright.test.ts, which runs the same cases under vitest first and
// names the file holding vitest's outcomes: each case here compares Playwright's with vitest's.
const file = process.env['TRACEWRIGHT_VITEST_OUTCOMES']
if (file === undefined) {
  throw new Error('Failed to run the matcher conformance spec: TRACEWRIGHT_VITEST_OUTCOMES is not set. Please run it through test/playwright/playwright.test.ts (npx vitest run test/playwright), which sets it.')
}
const underVitest = JSON.parse(readFileSync(file, 'utf8')) as CaseOutcome[]
const underPlaywright = runCases(expect as unknown as CaseExpect)

test('the same cases ran', () => {
  expect(underPlaywright.map((o) => o.title)).toEqual(underVitest.map((o) => o.title))
})

MATCHER_CASES.forEach((c, i) => {
  test(c.title, () => {
    expect(underPlaywright[i]).toEqual(underVitest[i])
  })
})
