import { REAPER_KILL } from './reaper.js'
import { killGroup } from './spawn-service.js'
import type { SpawnedService } from './spawn-service.js'

/** How long the reaper has to answer a `kill` line before the group is killed directly, ms. */
const REAPER_ANSWER_MS = 1_000

/**
 * Stops a spawned service: SIGTERM to its group, after `graceMs` SIGKILL through the reaper (which
 * reaps the service before it takes down the rest of the group), and the group directly only if
 * the reaper does not answer. Whatever the service started in its group goes with it.
 */
export async function stopSpawned({ reaper, control, exit }: SpawnedService, graceMs: number): Promise<void> {
  if (exit.info() === undefined) {
    killGroup(reaper, 'SIGTERM')
    let last: NodeJS.Timeout | undefined
    const grace = setTimeout(() => {
      control.write(`${REAPER_KILL}\n`)
      last = setTimeout(() => killGroup(reaper, 'SIGKILL'), REAPER_ANSWER_MS)
    }, graceMs)
    await exit.exited
    clearTimeout(grace)
    clearTimeout(last)
  }
  killGroup(reaper, 'SIGKILL')
}
