/**
 * The process the harness spawns first, with the service as its child: it leads the process group
 * the service and anything the service starts belong to, and holds one end of a socket pair (fd 3)
 * whose other end is the harness. It starts the command it reads there, reports the service's pid
 * and how it ended, and kills the whole group with SIGKILL when the service exits (leftovers go
 * too) or when the harness end closes: the harness process may die without running any exit hook
 * (SIGKILL, or a vitest worker ended with SIGTERM when the run is interrupted or a file forgot
 * `stop()`), and the service must not outlive it. It ignores the signals a stop sends the group,
 * so it stays to report how the service answered them, and on a `kill` line SIGKILLs the service
 * itself and collects it before taking down the rest, so no zombie is left for the process table.
 *
 * Run by path (see `reaperPath` in spawn-service.ts), so it imports nothing but Node's own
 * modules: from the sources it runs with Node's type stripping, where the project's `.js`
 * specifiers would not resolve.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { Socket } from 'node:net'
import { createInterface } from 'node:readline'

/** The first line the harness sends: what to start. */
export interface ReaperCommand {
  readonly file: string
  readonly args: readonly string[]
  readonly cwd?: string | undefined
  readonly env: Readonly<Record<string, string>>
}

/** What the reaper reports over its socket, one JSON object a line. */
export type ReaperMessage =
  | { readonly pid: number }
  | { readonly error: string }
  | { readonly code: number | null; readonly signal: NodeJS.Signals | null }

/** The line that makes the reaper SIGKILL the service (after the harness's grace ran out). */
export const REAPER_KILL = 'kill'

function runReaper(): void {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => {})
  const control = new Socket({ fd: 3, readable: true, writable: true })
  let child: ChildProcess | undefined
  let reported = false
  const killGroup = (): void => {
    try {
      process.kill(-process.pid, 'SIGKILL')
    } catch {
      process.exit(1)
    }
  }
  const report = (message: ReaperMessage): void => {
    reported = true
    control.end(`${JSON.stringify(message)}\n`, killGroup)
  }
  const start = ({ file, args, cwd, env }: ReaperCommand): void => {
    const started = spawn(file, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] })
    child = started
    started.once('spawn', () => control.write(`${JSON.stringify({ pid: started.pid })}\n`))
    started.once('error', (error) => report({ error: error.message }))
    started.once('exit', (code, signal) => report({ code, signal }))
  }
  createInterface({ input: control, crlfDelay: Infinity }).on('line', (line) => {
    if (line === REAPER_KILL) {
      if (child === undefined || child.pid === undefined) killGroup()
      else child.kill('SIGKILL')
    } else if (child === undefined) {
      start(JSON.parse(line) as ReaperCommand)
    }
  })
  control.on('error', () => {})
  control.on('close', () => {
    if (!reported) killGroup()
  })
}

// Only when run as the reaper (fd 3 is the harness's socket), never when a module imports its types.
if (process.env['TRACEWRIGHT_REAPER'] === '1') runReaper()
