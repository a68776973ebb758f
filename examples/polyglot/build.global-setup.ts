// vitest globalSetup: builds the Go, Python and Java examples once before any test runs, so the
// build's time (minutes on a fresh machine, a second when nothing changed) counts against no test's
// timeout. A language that fails to build does not stop the run: its spec fails with the reason
// scripts/build-examples.sh recorded (see ensureBuilt in example.ts).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../scripts/build-examples.sh', import.meta.url))

export default async function buildExamples(): Promise<void> {
  if (process.env['TRACEWRIGHT_SKIP_EXAMPLE_BUILD'] === '1') return
  await new Promise<void>((resolve) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', (error) => {
      console.error(`Failed to run ${script}: ${error.message}. The Go, Python and Java examples will fail with what is missing.`)
      resolve()
    })
    child.once('exit', () => resolve())
  })
}
