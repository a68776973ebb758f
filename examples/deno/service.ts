// How to start the Deno orders service, with the Deno binary the `deno` npm package installs.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { exampleOptions, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

/**
 * The binary of the `deno` devDependency (its platform package ships it, so `npm ci` is all it
 * needs). The package's postinstall links it next to package.json; where install scripts did not
 * run, the package's own installer links it now, as its `deno` command would on first use.
 */
function denoBinary(): string {
  try {
    const require = createRequire(import.meta.url)
    const folder = dirname(require.resolve('deno/package.json'))
    if (existsSync(`${folder}/deno`)) return `${folder}/deno`
    const installer = require(`${folder}/install_api.cjs`) as { runInstall(): string }
    const binary = installer.runInstall()
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
    timeoutMs: 15_000,
  })(env, collector),
  ensureBuilt: () => { denoBinary() },
}
