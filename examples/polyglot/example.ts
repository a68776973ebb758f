// What the specs (and any other test, such as a settle stress test) need to start one language's
// orders service: its startService options and a check that its build is there.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Collector } from 'tracewright'

/** The environment every orders service reads. */
export interface OrdersEnv {
  /** PostgreSQL, with the run's schema on search_path (see database.ts). */
  readonly DATABASE_URL: string
  /** Where `GET /quote/:sku` asks for a price: `${PRICES_URL}/${sku}`. */
  readonly PRICES_URL: string
}

/** The `startService({ command })` options of one language's service. */
export interface ExampleServiceOptions {
  readonly command: readonly [string, ...string[]]
  readonly cwd: string
  readonly ready: { readonly http: string }
  readonly name: string
  readonly env: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly collector?: Collector
}

/** One language's orders example. */
export interface LanguageExample {
  readonly language: 'go' | 'python' | 'java' | 'deno'
  /** Its folder, absolute. */
  readonly dir: string
  /** The startService options for it, given its environment (and optionally a shared collector). */
  options(env: OrdersEnv, collector?: Collector): ExampleServiceOptions
  /**
   * Throws, saying what to install or run, when the service is not built (scripts/build-examples.sh,
   * run by the test suite's globalSetup, builds go, python and java; deno needs only `npm ci`).
   */
  ensureBuilt(): void
}

/** What differs between the languages' startService options. */
export interface ExampleCommand {
  readonly command: readonly [string, ...string[]]
  readonly name: string
  /** Readiness timeout: a JVM needs longer than a Go binary. */
  readonly timeoutMs: number
  /** Extra environment, over the orders environment. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * The `options` of a {@link LanguageExample}: the command run in `dir`, ready when GET /health
 * answers, on its own collector or the one given.
 */
export function exampleOptions(dir: string, fixed: ExampleCommand): LanguageExample['options'] {
  return (env, collector) => ({
    command: fixed.command,
    cwd: dir,
    ready: { http: '/health' },
    name: fixed.name,
    env: { ...env, ...fixed.env },
    timeoutMs: fixed.timeoutMs,
    ...(collector === undefined ? {} : { collector }),
  })
}

/** The folder of a module, from its `import.meta.url`. */
export const folderOf = (moduleUrl: string): string => fileURLToPath(new URL('.', moduleUrl))

/**
 * `ensureBuilt` for the languages scripts/build-examples.sh builds: the build leaves `.build/stamp`
 * on success and the reason in `.build/error` on failure.
 */
export function ensureBuiltBy(dir: string, language: string): () => void {
  return () => {
    if (existsSync(`${dir}.build/stamp`)) return
    const reason = existsSync(`${dir}.build/error`) ? readFileSync(`${dir}.build/error`, 'utf8').trim() : 'it has not been built'
    throw new Error(`Failed to start the ${language} example: ${reason}\n` +
      `Please install what it names, then run \`scripts/build-examples.sh ${language}\` (npm test runs it before the tests).`)
  }
}
