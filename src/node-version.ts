// Imported first by every entry of the package: on an older Node, undici (and vitest 5) fail while
// loading with a TypeError deep in their own code; this fails first, saying what to change.
import { UsageError } from './errors.js'

/** The oldest Node.js tracewright runs on (package.json `engines`). */
export const MINIMUM_NODE = [22, 12] as const

/**
 * Throws a {@link UsageError} naming the required and the running Node.js version when `version`
 * (default: this process's) is older than {@link MINIMUM_NODE}.
 */
export function assertNodeVersion(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const [needMajor, needMinor] = MINIMUM_NODE
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return
  throw new UsageError(
    `Failed to load tracewright: it needs Node.js ${needMajor}.${needMinor} or newer (as do vitest 5 and undici 8), and this is Node.js ${version}. ` +
      'Please run your tests with Node.js 22.12+ or 24 (check `node --version`, and the Node your editor or CI uses).',
  )
}

assertNodeVersion()
