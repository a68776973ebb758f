import { UsageError } from '../errors.js'
import { startInProcessService } from './in-process.js'
import type { InProcessServiceOptions } from './in-process.js'
import type { Service } from './types.js'

/** Options of {@link startService}. */
export type StartServiceOptions = InProcessServiceOptions

/**
 * Starts the service under test with an in-memory collector and returns a {@link Service} whose
 * requests come back with the trace they produced.
 *
 * @example
 * ```ts
 * import { startService } from 'tracewright'
 * import { app } from './app.js'
 *
 * const svc = await startService({ app, name: 'orders' })
 * afterAll(() => svc.stop())
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
    throw new UsageError('Failed to start service: pass an options object, e.g. startService({ app }).')
  }
  if ('app' in options && options.app !== undefined) return startInProcessService(options)
  throw new UsageError('Failed to start service: give `app` (a request listener or a factory) to run the service in-process.')
}
