import type { ChildProcess } from 'node:child_process'
import type { Duplex } from 'node:stream'
import { splitLines } from '../lines.js'
import type { ReaperMessage } from './reaper.js'

/** How a spawned service ended, as its reaper reported it. */
export interface ServiceExit {
  /** Resolves once the reaper has ended and its socket closed, with how the service ended (`exited with code 1`). */
  readonly exited: Promise<string>
  /** How the service ended, once {@link exited} resolved; undefined while it runs. */
  info(): string | undefined
  /** The service's pid once the reaper started it. */
  pid(): number | undefined
}

/**
 * Follows the reaper's reports and its own end. The service's end is known once both the reaper
 * has exited and its socket closed: the socket carries the service's own exit, which wins over
 * the reaper's (the reaper only says how it was itself taken down).
 */
export function trackExit(reaper: ChildProcess, control: Duplex): ServiceExit {
  let info: string | undefined
  let pid: number | undefined
  let reported: string | undefined
  let reaperEnded: string | undefined
  let controlClosed = false
  let resolve: (info: string) => void = () => {}
  const exited = new Promise<string>((r) => { resolve = r })
  const done = (): void => {
    if (reaperEnded === undefined || !controlClosed || info !== undefined) return
    info = reported ?? reaperEnded
    resolve(info)
  }
  const lines = splitLines((line) => {
    const message = JSON.parse(line) as ReaperMessage
    if ('pid' in message) pid = message.pid
    else if ('error' in message) reported = `could not be started: ${message.error}`
    else reported = message.signal ? `was killed by ${message.signal}` : `exited with code ${message.code}`
  })
  control.setEncoding('utf8')
  control.on('data', (chunk: string) => lines.push(chunk))
  control.once('close', () => {
    controlClosed = true
    done()
  })
  reaper.once('exit', (code, signal) => {
    reaperEnded = signal ? `was killed by ${signal}` : `exited with code ${code}`
    done()
  })
  reaper.once('error', (error) => {
    reaperEnded = `could not be started: ${error.message}`
    controlClosed = true
    done()
  })
  return { exited, info: () => info, pid: () => pid }
}
