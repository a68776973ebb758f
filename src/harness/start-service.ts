import { UsageError } from '../errors.js'
import { startChildProcessService } from './child-process.js'
import type { ChildProcessServiceOptions } from './child-process.js'
import { startInProcessService } from './in-process.js'
import type { InProcessServiceOptions } from './in-process.js'
import type { Service } from './types.js'
import { explainMissingMatchers } from './vitest-set-up.js'

/** Options of {@link startService}: `app` runs the service in-process, `command` as its own process. */
export type StartServiceOptions = InProcessServiceOptions | ChildProcessServiceOptions

/**
 * Starts the service under test with an in-memory collector and returns a {@link Service} whose
 * requests come back with the trace they produced.
 *
 * @example
 * ```ts
 * import { startService } from 'tracewright'
 * import { app } from './app.js'
 *
 * // in-process: the app is imported into the test process
 * const svc = await startService({ app, name: 'orders' })
 *
 * // or as its own process, in any language that exports OTLP
 * const svc2 = await startService({
 *   command: ['node', '--import', 'tracewright/register', 'server.js'],
 *   ready: { http: '/health' },
 * })
 *
 * test('reads the order once', async () => {
 *   const { response, trace } = await svc.request('GET /orders/42')
 *   expect(response.status).toBe(200)
 *   expect(trace).toHaveSpanCount(/SELECT orders/, 1)
 * })
 * ```
 */
export async function startService(options: StartServiceOptions): Promise<Service> {
  if (typeof options !== 'object' || options === null) {
    throw new UsageError('Failed to start service: pass an options object, e.g. startService({ app }) or startService({ command, ready }).')
  }
  explainMissingMatchers()
  const hasApp = 'app' in options && options.app !== undefined
  const hasCommand = 'command' in options && options.command !== undefined
  if (hasApp && hasCommand) {
    throw new UsageError('Failed to start service: give either `app` (in-process) or `command` (a child process), not both.')
  }
  if (hasApp) return startInProcessService(options as InProcessServiceOptions)
  if (hasCommand) return startChildProcessService(options as ChildProcessServiceOptions)
  throw new UsageError('Failed to start service: give `app` (a request listener or a factory) to run the service in-process, or `command` and `ready` to run it as its own process.')
}
