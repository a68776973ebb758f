import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { defineScenarios, loadScenarios, UsageError } from 'tracewright'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracewright-scenarios-'))
  await writeFile(join(dir, 'plain.mjs'), `export default { 'get order': 'GET /orders/42', 'post': { method: 'POST', path: '/orders', json: {} } }\n`)
  await writeFile(join(dir, 'named.mjs'), `export const getOrder = async (client) => {}\n`)
  await writeFile(join(dir, 'throws.mjs'), `throw new Error('boom at import')\n`)
  await writeFile(join(dir, 'bad-entry.mjs'), `export default { 'get order': 42 }\n`)
  await writeFile(join(dir, 'typed.ts'), `const path: string = '/orders/42'\nexport default { 'typed': \`GET \${path}\` }\n`)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('defineScenarios', () => {
  test('returns the scenarios, frozen', () => {
    const scenarios = defineScenarios({ 'get order': 'GET /orders/42', custom: async () => {} })
    expect(Object.keys(scenarios)).toEqual(['get order', 'custom'])
    expect(Object.isFrozen(scenarios)).toBe(true)
  })

  test.each([
    [null, /expected an object of named scenarios, got null/],
    [[], /got an array/],
    [{}, /there are none/],
    [{ 'get order': 42 }, /scenario "get order" of defineScenarios: it is number\. Please make it an async function of the client/],
    [{ 'get order': { method: 'GET' } }, /scenario "get order" of defineScenarios: it is object/],
  ])('refuses %j', (input, message) => {
    expect(() => defineScenarios(input as never)).toThrow(UsageError)
    expect(() => defineScenarios(input as never)).toThrow(message)
  })
})

describe('loadScenarios', () => {
  test('imports the default export of a JavaScript file', async () => {
    expect(Object.keys(await loadScenarios(join(dir, 'plain.mjs')))).toEqual(['get order', 'post'])
  })

  test('imports a TypeScript file', async () => {
    expect(await loadScenarios(join(dir, 'typed.ts'))).toEqual({ typed: 'GET /orders/42' })
  })

  test('the example scenario file, which imports tracewright', async () => {
    const file = fileURLToPath(new URL('../../examples/compare/scenarios.ts', import.meta.url))
    expect(Object.keys(await loadScenarios(file))).toEqual(['get order', 'list orders'])
  })

  test.each([
    ['missing.mjs', /Failed to load the scenario file .*missing\.mjs: there is no such file \(looked at .*\)\. Please check the --scenario path\./],
    ['named.mjs', /it has no default export \(it exports getOrder\)\. Please write `export default defineScenarios\(\{ … \}\)`\./],
    ['throws.mjs', /Failed to load the scenario file .*throws\.mjs: boom at import\./],
    ['bad-entry.mjs', /scenario "get order" of .*bad-entry\.mjs: it is number/],
  ])('%s: a readable error', async (name, message) => {
    await expect(loadScenarios(join(dir, name))).rejects.toThrow(message)
  })
})
