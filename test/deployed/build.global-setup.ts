// vitest globalSetup: builds the deployed-system tests' engines (the OpenTelemetry Collector and
// Jaeger, scripts/build-deployed.sh) once before any test runs, so a cold build's minutes count
// against no test's timeout; when nothing changed it takes a second. A failed build does not stop
// the run: the deployed tests fail with the reason the script recorded (enginePath in engines.ts).
import { fileURLToPath } from 'node:url'
import { runBuildScript } from '../../examples/polyglot/build.global-setup.js'

const script = fileURLToPath(new URL('../../scripts/build-deployed.sh', import.meta.url))

export default async function buildEngines(): Promise<void> {
  if (process.env['TRACEWRIGHT_SKIP_DEPLOY_BUILD'] === '1') return
  await runBuildScript(script, 'The deployed-system tests will fail with what is missing.')
}
