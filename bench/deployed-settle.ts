// Settle time of one Go service's traces three ways, side by side in one run (`npm run bench`, or
// alone: `node bench/deployed-settle.ts` after `npm run build`, scripts/build-examples.sh go and
// scripts/build-deployed.sh):
// - direct: startService() runs the service, exporting straight to tracewright's receiver;
// - push: the same program, started as a deployment runs it, exports to the OpenTelemetry Collector
//   (batch processor, 200 ms), which exports to tracewright's receiver; attachService({ traces: collector });
// - pull: the Collector also exports to Jaeger (in-memory); attachService({ traces: jaegerTraces() }).
// Settle is settleReport(trace).settleMs: from the response read to the trace handed out. Blocks
// of requests alternate between the three, so the machine's noise falls on each alike.
import { attachService, jaegerTraces, settleReport, startCollector, startService } from '../dist/src/index.js'
import type { Service } from '../dist/src/index.js'
import { findFreePort } from '../dist/src/harness/free-port.js'
import { spawnService } from '../dist/src/harness/spawn-service.js'
import { stopSpawned } from '../dist/src/harness/stop-spawned.js'
import { createOrdersDatabase } from '../examples/polyglot/database.ts'
import { goExample } from '../examples/go/service.ts'
import { startDeployedService, startJaeger, startOtelCollector, useProcessTools } from '../test/deployed/engines.ts'
import { median, printTable } from './report.ts'

const REQUESTS_PER_BLOCK = Number(process.env['BENCH_REQUESTS'] ?? 25)
const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 4)
const PATH = 'GET /orders?customer=ada'

useProcessTools({ spawnService, stopSpawned, findFreePort })

async function block(svc: Service, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const { trace } = await svc.request(PATH)
    into.push(settleReport(trace)?.settleMs ?? Number.NaN)
    svc.store.release(trace.traceId)
  }
}

goExample.ensureBuilt()
const db = await createOrdersDatabase('bench_deployed')
const receiver = await startCollector()
const jaeger = await startJaeger()
const batchTimeoutMs = Number(process.env['BENCH_COLLECTOR_BATCH_MS'] ?? 200)
const otelcol = await startOtelCollector({ receiver: receiver.endpoint, jaeger: jaeger.otlpGrpc, batchTimeoutMs })
const env = { DATABASE_URL: db.url, PRICES_URL: 'http://127.0.0.1:9/prices' }
const deployed = await startDeployedService({ name: 'orders-go', command: [`${goExample.dir}.build/orders`], otlpEndpoint: otelcol.endpoint, env })
const { collector: _none, ...directOptions } = goExample.options(env)
const sides: Array<{ name: string; svc: Service; settle: number[] }> = [
  { name: 'direct: startService(), SDK → tracewright\'s receiver', svc: await startService(directOptions), settle: [] },
  { name: `push: SDK → Collector (batch ${batchTimeoutMs} ms) → receiver, attachService`, svc: await attachService({ url: deployed.url, name: 'orders-go', traces: receiver }), settle: [] },
  { name: 'pull: SDK → Collector → Jaeger, attachService + jaegerTraces', svc: await attachService({ url: deployed.url, name: 'orders-go', traces: jaegerTraces({ url: jaeger.queryUrl }) }), settle: [] },
]
try {
  for (const side of sides) await block(side.svc, 10, [])
  for (let b = 0; b < BLOCKS; b++) {
    const order = b % 2 === 0 ? sides : [...sides].reverse()
    for (const side of order) await block(side.svc, REQUESTS_PER_BLOCK, side.settle)
  }
  const [direct, push, pull] = sides.map((side) => median(side.settle)) as [number, number, number]
  printTable(
    'Deployed systems: settle time (response read → trace handed out), one Go service, GET /orders?customer=ada',
    sides.map((side) => [side.name, side.settle] as const),
    `ratio of settle medians to direct: push ${(push / direct).toFixed(1)}×, pull ${(pull / direct).toFixed(1)}×`,
  )
} finally {
  for (const side of sides) await side.svc.stop()
  for (const engine of [deployed, otelcol, jaeger]) await engine.stop()
  await receiver.stop()
  await db.teardown()
}
