import { relative } from 'node:path'
import type { TestModule } from 'vitest/node'
import { LATE_SPAN_WARNING } from '../../harness/settle-report.js'

/**
 * The late-span section of the reporter's summary: spans that arrived after their trace was handed
 * to a test. Tests that failed for it (a `LateSpanError`) are listed by name; warnings the harness
 * printed for late spans no single test could fail for (a concurrent test, a span after its test
 * ended) are listed as printed. Empty when nothing came late.
 */
export function formatLateSpanSection(testModules: ReadonlyArray<TestModule>, warnings: readonly string[], root: string): string {
  const lines: string[] = []
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const error of testCase.result().errors ?? []) {
        if ((error as { name?: string }).name === 'LateSpanError' || (error.message ?? '').startsWith(LATE_SPAN_FAILURE)) {
          lines.push(`✗ ${relative(root, testModule.moduleId).split('\\').join('/')} > ${testCase.fullName}: ${(error.message ?? '').split('\n')[0] ?? ''}`)
        }
      }
    }
  }
  for (const warning of warnings) lines.push(`! ${warning.slice(warning.indexOf(LATE_SPAN_WARNING) + LATE_SPAN_WARNING.length).trim()}`)
  if (lines.length === 0) return ''
  return `tracewright: spans arrived after their trace was handed to a test (${lines.length})\n${lines.join('\n')}`
}

/** How the message of a late-span failure starts (see `describeLateSpans`). */
const LATE_SPAN_FAILURE = 'Failed to hand over trace'
