/**
 * The vitest set-up entry: registers every tracewright matcher and brings their types.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { setupFiles: ['tracewright/vitest'] } })
 * ```
 */
import '../src/node-version.js'
import { expect } from 'vitest'
import { tracewrightMatchers } from './index.js'

export type { TracewrightMatchers } from './types.js'

expect.extend(tracewrightMatchers)
