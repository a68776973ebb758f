// A consumer project of tracewright in a temp folder, and vitest run in it as its own process: the
// reporter runs in vitest's main process, where the repo's source aliases do not apply.
import { execFile } from 'node:child_process'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../..', import.meta.url))

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Lays out a consumer project in `dir`: tracewright (the built package), vitest and the OpenTelemetry API linked in, and `files`. */
export async function createProject(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  await mkdir(join(dir, 'node_modules', '@opentelemetry'), { recursive: true })
  await symlink(root, join(dir, 'node_modules', 'tracewright'), 'dir')
  await symlink(join(root, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir')
  await symlink(join(root, 'node_modules', '@opentelemetry', 'api'), join(dir, 'node_modules', '@opentelemetry', 'api'), 'dir')
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
}

/**
 * `node_modules/.bin/vitest run ARGS` (or, with `--merge-reports` first, a merge), with the Node running this suite (the .bin shim would pick the
// system's `node` from PATH, which may be too old for vitest 5).
 */
export function vitest(dir: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<Run> {
  const { TRACEWRIGHT_UPDATE_BASELINES: _update, GITHUB_STEP_SUMMARY: _summary, NO_COLOR: _noColor, FORCE_COLOR: _force, ...inherited } = process.env
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], { cwd: dir, env: { ...inherited, CI: '1', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
  })
}

