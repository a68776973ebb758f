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
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { harnessMakesEntrySpan } from './harness/entry-span.js'
import { recordInstrumentation } from './harness/library-check.js'
import { defaultInstrumentations } from './instrumentations.js'

recordInstrumentation()
// The harness makes the entry SERVER span of its own servers; the http instrumentation makes it for
// an app started with `entrySpan: false` and for servers the app runs itself.
registerInstrumentations({ instrumentations: defaultInstrumentations({ ignoreIncomingRequest: harnessMakesEntrySpan }) })
