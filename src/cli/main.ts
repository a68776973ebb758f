#!/usr/bin/env node
/**
 * The `tracewright` command. A thin shell over {@link runCli}: it only wires the process in.
 *
 * ```sh
 * npx tracewright compare --base "node v1.mjs" --head "node v2.mjs" --scenario scenarios.mjs
 * ```
 */
import '../node-version.js'
import { runCli } from './run-cli.js'

// Ctrl-C during a comparison: exit through process.exit so the harness's exit hook kills both
// versions' process groups, which would otherwise outlive the command.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\ntracewright: interrupted (${signal}); stopping both versions.\n`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
