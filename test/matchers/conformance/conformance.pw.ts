import { expect, test } from 'tracewright/playwright'
import { MATCHER_CASES, readVitestOutcomes, runCases } from './cases.js'
import type { CaseExpect } from './cases.js'

// Run by test/playwright/playwright.test.ts, which runs the same cases under vitest first and
// names the file holding vitest's outcomes: each case here compares Playwright's with vitest's.
const underVitest = readVitestOutcomes('test/playwright/playwright.test.ts (npx vitest run test/playwright)')
const underPlaywright = runCases(expect as unknown as CaseExpect)

test('the same cases ran', () => {
  expect(underPlaywright.map((o) => o.title)).toEqual(underVitest.map((o) => o.title))
})

MATCHER_CASES.forEach((c, i) => {
  test(c.title, () => {
    expect(underPlaywright[i]).toEqual(underVitest[i])
  })
})
