/**
 * Zero-code instrumentation for a Node service under test:
 *
 * ```sh
 * node --import tracewright/register server.js
 * ```
 *
 * Starts the OpenTelemetry Node SDK with the common instrumentations (http, undici/fetch, pg,
 * ioredis, redis, amqplib, express) and the OTLP exporter configured by the `OTEL_*` environment
 * that `startService({ command })` sets. Works for ESM and CommonJS services: CommonJS modules are
 * patched on `require`, ES modules through import-in-the-middle's loader hook, registered here
 * before the service's own modules load.
 */
import { register as registerAsyncHook } from 'node:module'
import { createAddHookMessageChannel } from 'import-in-the-middle'
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { defaultInstrumentations } from './instrumentations.js'

// The in-thread loader (Node 22.22.3+/24.11.1+) needs no hand-shake; older versions use the
// threaded loader and must wait until it has seen every hook before the app's imports run.
let waitForHooks: (() => Promise<void>) | undefined
if (supportsSyncHooks()) {
  registerSyncHooks()
} else {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel()
  registerAsyncHook('import-in-the-middle/hook.mjs', import.meta.url, registerOptions)
  waitForHooks = waitForAllMessagesAcknowledged
}

const sdk = new NodeSDK({
  instrumentations: defaultInstrumentations(),
})
sdk.start()
if (waitForHooks) await waitForHooks()

// Flush what is batched before the process goes: the harness stops services with SIGTERM. The
// signal is raised again afterwards so the service's own handlers, or Node's default, still run.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void sdk.shutdown().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  })
}
