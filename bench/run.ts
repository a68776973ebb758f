// `npm run bench`: every benchmark, one after another, in one process per benchmark so one
// cannot warm up or pollute the next. Prints markdown tables; BENCHMARKS.md records a run.
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

const benches = ['in-process-request.ts', 'to-have-span.ts', 'trace-tree.ts', 'lint-trace.ts', 'child-process-request.ts', 'other-languages.ts', 'otlp-decode.js', 'statistics-simulation.ts', 'shared-service-suite.ts', 'deployed-settle.ts']
const here = fileURLToPath(new URL('.', import.meta.url))

console.log(`# tracewright benchmarks\n\nmachine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`)
let failed = false
for (const bench of benches) {
  try {
    execFileSync(process.execPath, [here + bench], { stdio: 'inherit' })
  } catch {
    failed = true
    console.error(`\n${bench} failed`)
  }
}
process.exitCode = failed ? 1 : 0
