import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Duplex } from 'node:stream'
import { OutputTail } from './output-tail.js'
import type { ReaperCommand } from './reaper.js'
import { trackExit } from './service-exit.js'
import type { ServiceExit } from './service-exit.js'

/** A service started under its reaper: the reaper's process, its socket and the service's output. */
export interface SpawnedService {
  /** The reaper: it leads the process group the service belongs to. */
  readonly reaper: ChildProcess
  /** The harness end of the reaper's socket; written, never ended, while the harness lives. */
  readonly control: Duplex
  readonly stdout: OutputTail
  readonly stderr: OutputTail
  /** How and when the service ended. */
  readonly exit: ServiceExit
}

// Every live reaper, so an interrupted run still kills their groups on the way out.
const liveReapers = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const reaper of liveReapers) killGroup(reaper, 'SIGKILL')
  })
}

/** Sends `signal` to the process group `child` leads (the child itself where there is none). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    // The child leads its own process group, so whatever it started goes too.
    process.kill(-child.pid, signal)
  } catch {
    child.kill(signal)
  }
}

/**
 * The reaper's file and the Node flags to run it: the built `reaper.js` next to this module in the
 * package. Run from the sources (the project's own tests), the built one in dist/ when there is
 * one (`npm test` builds first), else `reaper.ts` itself with Node's type stripping, which costs
 * some 200 ms a start; its experimental warning is silenced so it stays out of the service's
 * stderr tail.
 */
function reaperArgs(): string[] {
  for (const built of ['./reaper.js', '../../dist/src/harness/reaper.js']) {
    const path = fileURLToPath(new URL(built, import.meta.url))
    if (existsSync(path)) return [path]
  }
  return ['--disable-warning=ExperimentalWarning', fileURLToPath(new URL('./reaper.ts', import.meta.url))]
}

/** Spawns the reaper in a new process group and has it start `command` (see reaper.ts). */
export function spawnService(command: ReaperCommand): SpawnedService {
  const stdout = new OutputTail()
  const stderr = new OutputTail()
  installExitHook()
  const reaper = spawn(process.execPath, reaperArgs(), {
    // The reaper needs nothing of the environment; the service gets it over the socket, so
    // NODE_OPTIONS meant for the service (an --import hook) does not load into the reaper.
    env: { TRACEWRIGHT_REAPER: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
    shell: false,
  })
  liveReapers.add(reaper)
  const control = reaper.stdio[3] as Duplex
  control.on('error', () => {})
  control.write(`${JSON.stringify(command)}\n`)
  const exit = trackExit(reaper, control)
  void exit.exited.then(() => liveReapers.delete(reaper))
  return { reaper, control, stdout, stderr, exit }
}
