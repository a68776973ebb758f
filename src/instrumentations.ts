import type { IncomingMessage } from 'node:http'
import { register as registerAsyncHook } from 'node:module'
import { createAddHookMessageChannel } from 'import-in-the-middle'
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib'
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'

/** Options of {@link defaultInstrumentations}. */
export interface DefaultInstrumentationsOptions {
  /**
   * Incoming requests the http instrumentation leaves alone (in-process: those whose SERVER span the
   * harness makes itself). Default: none.
   */
  readonly ignoreIncomingRequest?: (request: IncomingMessage) => boolean
}

/**
 * The official OpenTelemetry instrumentations tracewright loads with zero code, in a child process
 * (`--import tracewright/register`) and in the test process (`tracewright/instrument`): one list,
 * so both capture paths see the same spans.
 *
 * @example
 * ```ts
 * import { registerInstrumentations } from '@opentelemetry/instrumentation'
 * registerInstrumentations({ instrumentations: defaultInstrumentations() })
 * ```
 */
export function defaultInstrumentations(options: DefaultInstrumentationsOptions = {}): Instrumentation[] {
  const ignore = options.ignoreIncomingRequest
  return [
    new HttpInstrumentation(ignore === undefined ? {} : { ignoreIncomingRequestHook: ignore }),
    new UndiciInstrumentation(),
    // Query parameters stay out of spans: they carry test data, and the statement is the identity.
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    new IORedisInstrumentation(),
    new RedisInstrumentation(),
    new AmqplibInstrumentation(),
    new ExpressInstrumentation(),
  ]
}

/**
 * A client library the default instrumentations patch, and how to find it loaded in this process.
 * `isPatched` answers from the library itself where a patched function is easy to point at; for the
 * rest, a library is patched when `tracewright/instrument` ran before it loaded.
 */
export interface KnownLibrary {
  /** The package name, as the user imports it. */
  readonly name: string
  /** Matches the path of the module that shows the library is loaded (in `require.cache`). */
  readonly file: RegExp
  readonly isPatched?: (exports: unknown) => boolean
}

const wrapped = (fn: unknown): boolean => typeof fn === 'function' && (fn as { __wrapped?: unknown }).__wrapped === true
const prototypeOf = (value: unknown): Record<string, unknown> | undefined =>
  (value as { prototype?: Record<string, unknown> } | undefined)?.prototype

/** The libraries the default instrumentations cover that can be found loaded without them. */
export const KNOWN_LIBRARIES: readonly KnownLibrary[] = [
  { name: 'pg', file: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]index\.js$/, isPatched: (e) => wrapped(prototypeOf((e as { Client?: unknown }).Client)?.['query']) },
  {
    name: 'ioredis',
    file: /[\\/]node_modules[\\/]ioredis[\\/]built[\\/]index\.js$/,
    isPatched: (e) => wrapped(prototypeOf((e as { default?: unknown }).default ?? e)?.['sendCommand']),
  },
  { name: 'redis', file: /[\\/]node_modules[\\/]@redis[\\/]client[\\/]dist[\\/]index\.js$/ },
  { name: 'amqplib', file: /[\\/]node_modules[\\/]amqplib[\\/]channel_api\.js$/ },
  { name: 'express', file: /[\\/]node_modules[\\/]express[\\/]index\.js$/ },
]

/** The modules the default instrumentations hook, for the ES module loader hook to intercept. */
const HOOKED_MODULES = ['pg', 'pg-pool', 'ioredis', 'redis', '@redis/client', 'amqplib', 'express', 'router']

/**
 * Registers import-in-the-middle's loader hook for the modules the default instrumentations patch,
 * so an ES `import` of them is patched as a `require` is. Call it before the instrumentations are
 * enabled, then await what it returns once they are: the in-thread hook (Node 22.22.3+/24.11.1+)
 * is ready at once, the threaded one after it has acknowledged every instrumentation's hook.
 */
export function registerModuleHooks(): () => Promise<void> {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include: HOOKED_MODULES })
    return () => Promise.resolve()
  }
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel()
  registerAsyncHook('import-in-the-middle/hook.mjs', import.meta.url, registerOptions)
  return waitForAllMessagesAcknowledged
}
