import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Measurable } from '../harness/measure.js'
import { UsageError } from '../errors.js'

/**
 * Named scenarios: each is a request (`'GET /orders/42'`, `{ method, path, json }`) or a function
 * that makes any number of requests with the same client specs use. One run of a scenario is one
 * sample of every span key its requests produce.
 */
export type Scenarios = Readonly<Record<string, Measurable>>

/**
 * Declares the scenarios a comparison runs against both versions; the default export of a
 * scenario file (`--scenario`). Checks each entry now, so a mistake is reported with the
 * scenario's name before any service starts.
 *
 * @example
 * ```ts
 * // scenarios.ts
 * import { defineScenarios } from 'tracewright'
 *
 * export default defineScenarios({
 *   'get order': async (client) => { await client.request('GET /orders/42') },
 *   'list orders': 'GET /orders',
 * })
 * ```
 */
export function defineScenarios<const T extends Scenarios>(scenarios: T): T {
  return validateScenarios(scenarios, 'defineScenarios')
}

function validateScenarios<T>(scenarios: T, where: string): T {
  if (typeof scenarios !== 'object' || scenarios === null || Array.isArray(scenarios)) {
    throw new UsageError(`Failed to read the scenarios of ${where}: expected an object of named scenarios, got ${Array.isArray(scenarios) ? 'an array' : String(scenarios)}. Please write defineScenarios({ 'get order': async (client) => { await client.request('GET /orders/42') } }).`)
  }
  const entries = Object.entries(scenarios)
  if (entries.length === 0) {
    throw new UsageError(`Failed to read the scenarios of ${where}: there are none. Please name at least one, e.g. defineScenarios({ 'get order': 'GET /orders/42' }).`)
  }
  for (const [name, scenario] of entries) {
    const ok = typeof scenario === 'function' || typeof scenario === 'string' ||
      (typeof scenario === 'object' && scenario !== null && typeof (scenario as { path?: unknown }).path === 'string')
    if (!ok) {
      throw new UsageError(`Failed to read scenario ${JSON.stringify(name)} of ${where}: it is ${scenario === null ? 'null' : typeof scenario}. Please make it an async function of the client, a request such as 'GET /orders/42', or { method, path }.`)
    }
  }
  return Object.freeze({ ...scenarios }) as T
}

/**
 * Imports a scenario file (JavaScript, or TypeScript that Node runs by stripping its types) and
 * returns its default export. The file is a module the user wrote and chose to run, like a spec.
 *
 * @throws {UsageError} when the file is missing, fails to load, or exports no scenarios.
 * @example
 * ```ts
 * const scenarios = await loadScenarios('bench/scenarios.ts')
 * ```
 */
export async function loadScenarios(file: string): Promise<Scenarios> {
  const path = resolve(file)
  if (!existsSync(path)) {
    throw new UsageError(`Failed to load the scenario file ${file}: there is no such file (looked at ${path}). Please check the --scenario path.`)
  }
  let module: Record<string, unknown>
  try {
    module = await import(pathToFileURL(path).href) as Record<string, unknown>
  } catch (error) {
    const hint = /\.(c|m)?ts$/.test(path)
      ? ' TypeScript scenario files run through Node\'s type stripping, which needs Node 22.18+ or 24 and erasable syntax only (no enums or namespaces).'
      : ''
    throw new UsageError(`Failed to load the scenario file ${file}: ${(error as Error).message}.${hint}`)
  }
  if (module['default'] === undefined) {
    const named = Object.keys(module).join(', ')
    throw new UsageError(`Failed to load the scenario file ${file}: it has no default export${named ? ` (it exports ${named})` : ''}. Please write \`export default defineScenarios({ … })\`.`)
  }
  return validateScenarios(module['default'] as Scenarios, file)
}
