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

// Loaded here, through `require`, while the instrumentations watch: an ES `import` of a CommonJS
// package then reuses this patched copy from the module cache. vitest loads a spec's external
// packages in ways the loader hooks do not always see, and a require is patched in every runner.
// Only the packages the project can resolve load; the rest cost nothing.
const projectRequire = createRequire(join(process.cwd(), 'package.json'))
for (const library of KNOWN_LIBRARIES) {
  let resolved: string
  try {
    resolved = projectRequire.resolve(library.name)
  } catch {
    continue
  }
  projectRequire(resolved)
}
