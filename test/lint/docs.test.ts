import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { BUILT_IN_RULES } from '../../src/lint/rules/index.js'

// docs/lint.md is what users read to configure the rules: it must list each one with its default.
const docs = readFileSync(new URL('../../docs/lint.md', import.meta.url), 'utf8')

test('every built-in rule is documented with its default severity, and nothing else is', () => {
  const rows = [...docs.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => `${m[1]} ${m[2]}`)
  expect(rows).toEqual(BUILT_IN_RULES.map((rule) => `${rule.id} ${rule.severity}`))
})

test('every rule has a one-sentence doc, and every known deviation a documented reason', () => {
  for (const rule of BUILT_IN_RULES) {
    expect(rule.description, rule.id).toMatch(/^[A-Z].+\.$/)
    for (const deviation of rule.knownDeviations ?? []) expect(docs, `${rule.id}: ${deviation.reason}`).toContain(`| \`${rule.id}\` |`)
  }
  const documented = [...docs.matchAll(/^\| `([a-z-]+)` \| (?!error|warning)/gm)].length
  expect(documented).toBe(BUILT_IN_RULES.reduce((n, rule) => n + (rule.knownDeviations?.length ?? 0), 0))
})
