// How to start the Deno orders service, with the Deno binary the `deno` npm package installs.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { exampleOptions, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

/** The binary of the `deno` devDependency (its package ships it, so `npm ci` is all it needs). */
function denoBinary(): string {
  try {
    const binary = `${dirname(createRequire(import.meta.url).resolve('deno/package.json'))}/deno`
    if (existsSync(binary)) return binary
  } catch { /* not installed: said below */ }
  throw new Error('Failed to start the deno example: the `deno` npm package is not installed, or its binary is missing. Please run `npm ci` (deno is a devDependency).')
}

export const denoExample: LanguageExample = {
  language: 'deno',
  dir,
  options: (env, collector) => exampleOptions(dir, {
    // pg and @opentelemetry/api come from the repository's node_modules (Deno reads package.json).
    command: [denoBinary(), 'run', '--allow-env', '--allow-net', '--allow-read', '--allow-sys', 'server.ts'],
    name: 'orders-deno',
    timeout: 15_000,
    // Today's settle (which ends when the entry span arrives) returns 36 to 45 of 100 traces of
    // this service without their query spans: Deno exports the spans made through
    // @opentelemetry/api apart from those of Deno.serve and fetch. A 100 ms quiet window after the
    // entry span brings that to 0 of 100 (BENCHMARKS.md).
    quietMs: 100,
  })(env, collector),
  ensureBuilt: () => { denoBinary() },
}
