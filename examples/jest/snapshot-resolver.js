// Jest and vitest write snapshot files in formats the other refuses to read, and
// examples/orders/orders.spec.ts runs under both: Jest keeps its own beside vitest's, in
// __jest_snapshots__. The trace text inside is the same (test/jest/jest.test.ts compares them).
import { basename, dirname, join } from 'node:path'

export default {
  resolveSnapshotPath: (testPath, extension) => join(dirname(testPath), '__jest_snapshots__', basename(testPath) + extension),
  resolveTestPath: (snapshotPath, extension) => join(dirname(dirname(snapshotPath)), basename(snapshotPath).slice(0, -extension.length)),
  testPathForConsistencyCheck: 'examples/orders/orders.spec.ts',
}
