import { describe, expect, test } from '@jest/globals'
import { MATCHER_CASES, readVitestOutcomes, runCases } from './cases.js'
import type { CaseExpect } from './cases.js'

// Run by test/jest/jest.test.ts: it runs the same cases under vitest first and names the file
// holding vitest's outcomes, so each case here compares Jest's outcome with vitest's.
const underVitest = readVitestOutcomes('test/jest/jest.test.ts (npx vitest run test/jest)')
const underJest = runCases(expect as unknown as CaseExpect)

describe('every matcher behaves under Jest as under vitest', () => {
  test('the same cases ran', () => {
    expect(underJest.map((o) => o.title)).toEqual(underVitest.map((o) => o.title))
    expect(underJest).toHaveLength(MATCHER_CASES.length)
  })

  test.each(MATCHER_CASES.map((c, i) => [c.title, i] as const))('%s', (_title, i) => {
    expect(underJest[i]).toEqual(underVitest[i])
  })
})
