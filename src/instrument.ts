/**
 * Zero-code instrumentation for in-process services: the same official instrumentations
 * `tracewright/register` loads in a child process (http, undici/fetch, pg, ioredis, redis,
 * amqplib, express), registered in the test process. List it first in vitest's `setupFiles`, so it
 * runs before the spec's imports load the app and its client libraries.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { setupFiles: ['tracewright/instrument', 'tracewright/vitest'] } })
 * ```
 */
import './node-version.js'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { UsageError } from './errors.js'
import { harnessMakesEntrySpan } from './harness/entry-span.js'
import { recordInstrumentation } from './harness/library-check.js'
import { defaultInstrumentations, KNOWN_LIBRARIES, registerModuleHooks } from './instrumentations.js'

recordInstrumentation()
// Before the instrumentations: they register their hooks with import-in-the-middle as they start.
const hooksReady = registerModuleHooks()
// The harness makes the entry SERVER span of its own servers; the http instrumentation makes it for
// an app started with `entrySpan: false` and for servers the app runs itself.
registerInstrumentations({ instrumentations: defaultInstrumentations({ ignoreIncomingRequest: harnessMakesEntrySpan }) })
await hooksReady()

/** Options of {@link addInstrumentations}. */
export interface AddInstrumentationsOptions {
  /** Packages to load now, patched (the ones the instrumentations are for). */
  readonly load?: readonly string[]
}

/**
 * Registers more instrumentations in the test process, after the default ones, and loads the
 * packages they patch. Call it from a set-up file listed after `'tracewright/instrument'`.
 *
 * @example
 * ```ts
 * // instrument-koa.ts, in setupFiles after 'tracewright/instrument'
 * import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa'
 * import { addInstrumentations } from 'tracewright/instrument'
 * addInstrumentations([new KoaInstrumentation()], { load: ['koa'] })
 * ```
 */
export function addInstrumentations(instrumentations: Instrumentation[], options: AddInstrumentationsOptions = {}): void {
  registerInstrumentations({ instrumentations })
  for (const name of options.load ?? []) loadFromProject(name, true)
}

// Loaded through `require` while the instrumentations watch: an ES `import` of a CommonJS package
// then reuses this patched copy from the module cache. vitest loads a spec's external packages in
// ways the loader hooks do not always see, and a require is patched in every runner.
const projectRequire = createRequire(join(process.cwd(), 'package.json'))

function loadFromProject(name: string, required: boolean): void {
  let resolved: string
  try {
    resolved = projectRequire.resolve(name)
  } catch (error) {
    if (!required) return
    throw new UsageError(`Failed to load ${JSON.stringify(name)} for its instrumentation: it does not resolve from ${process.cwd()}. Please install it, or leave it out of \`load\`.`, { cause: error })
  }
  projectRequire(resolved)
}

// The known libraries the project has; the rest cost nothing.
for (const library of KNOWN_LIBRARIES) loadFromProject(library.name, false)
