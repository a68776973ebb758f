// vitest globalSetup: builds the Go, Python and Java examples once before any test runs, so the
// build's time (minutes on a fresh machine, a second when nothing changed) counts against no test's
// timeout. A language that fails to build does not stop the run: its spec fails with the reason
// scripts/build-examples.sh recorded (see ensureBuilt in example.ts).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../scripts/build-examples.sh', import.meta.url))

export default async function buildExamples(): Promise<void> {
  if (process.env['TRACEWRIGHT_SKIP_EXAMPLE_BUILD'] === '1') return
  await runBuildScript(script, 'The Go, Python and Java examples will fail with what is missing.')
}

/**
 * Runs a build script with its output on the terminal and resolves when it ends, whatever its exit
 * code: what failed is recorded by the script for the tests that need it. `consequence` says, when
 * the script cannot even start, what that means for the run.
 */
export function runBuildScript(path: string, consequence: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const child = spawn('bash', [path], { stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', (error) => {
      console.error(`Failed to run ${path}: ${error.message}. ${consequence}`)
      resolve()
    })
    child.once('exit', () => resolve())
  })
}
