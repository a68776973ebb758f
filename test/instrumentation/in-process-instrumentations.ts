// The official instrumentations, registered in the test process for in-process services, with the
// configuration tracewright/register gives them in a child process. Import this module before any
// other that loads a client library: CommonJS modules are patched as they are required, and a
// library loaded earlier (pg's pg-pool, amqplib's channel files) would stay unpatched.
import { createRequire } from 'node:module'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib'
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'

registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation(),
    // No ignore hook needed: the harness sends its own requests with tracing suppressed.
    new UndiciInstrumentation(),
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    new IORedisInstrumentation(),
    new AmqplibInstrumentation(),
    new ExpressInstrumentation(),
  ],
})

// Loaded as CommonJS through require, which the instrumentations hook. (An ES `import` of these
// packages in the vitest process would not be patched: that needs import-in-the-middle's loader.)
const require = createRequire(import.meta.url)

/** The client libraries, patched. */
export const libs = {
  express: require('express') as unknown,
  pg: require('pg') as unknown,
  Redis: (require('ioredis') as { Redis: unknown }).Redis,
  amqp: require('amqplib') as unknown,
  http: require('node:http') as unknown,
}
