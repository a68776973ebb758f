/**
 * The vitest set-up entry: registers every tracewright matcher, and the serializer that stores a
 * trace as a stable text tree in `toMatchSnapshot()`. vitest does not show set-up files
 * to TypeScript, so the matcher types come in through tsconfig's `"types": ["tracewright/vitest"]`.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { setupFiles: ['tracewright/instrument', 'tracewright/vitest'] } })
 * // tsconfig.json: { "compilerOptions": { "types": ["node", "tracewright/vitest"] } }
 * ```
 */
import '../src/node-version.js'
import { expect } from 'vitest'
import { traceSnapshotSerializer, tracewrightMatchers } from './index.js'

export type { TracewrightMatchers } from './types.js'

expect.extend(tracewrightMatchers)
expect.addSnapshotSerializer(traceSnapshotSerializer)
