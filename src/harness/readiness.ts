import { connect } from 'node:net'
import { context } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import { request } from 'undici'

/** How the harness knows a child process is ready for requests. */
export type Readiness =
  | { readonly http: string; readonly status?: number }
  | { readonly log: RegExp | string }
  | { readonly port: true }

/** Describes a readiness check for messages: `GET /health to answer 2xx`. */
export function describeReadiness(ready: Readiness): string {
  if ('http' in ready) return `GET ${ready.http} to answer ${ready.status ?? '2xx'}`
  if ('log' in ready) return `a stdout/stderr line matching ${String(ready.log)}`
  return 'the port to accept connections'
}

/** A running readiness check: {@link probeReadiness}. */
export interface ReadinessProbe {
  /** Resolves once ready; rejects only when aborted. */
  readonly ready: Promise<void>
  /** The last reason it was not ready yet, for timeout messages. */
  lastFailure(): string | undefined
  /** Offers a line of the service's output to a `log` check. */
  offerLine(line: string): void
}

/**
 * Starts checking readiness. HTTP and port checks retry with a short, growing back-off (a process
 * cannot tell us when it has bound its port); a log check reacts to each line as it is written.
 */
export function probeReadiness(ready: Readiness, port: number, signal: AbortSignal): ReadinessProbe {
  let last: string | undefined
  let markReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => { markReady = resolve })
  if ('log' in ready) {
    const pattern = ready.log
    return {
      ready: readyPromise,
      lastFailure: () => last,
      offerLine(line) {
        if (typeof pattern === 'string' ? line.includes(pattern) : (pattern.lastIndex = 0, pattern.test(line))) markReady()
      },
    }
  }
  const attempt = 'http' in ready
    ? async (): Promise<boolean> => {
      // Suppressed like the harness's requests: a probe is not the app's call, and an undici
      // instrumentation in the test process must not record it.
      const res = await context.with(suppressTracing(context.active()), () =>
        request(`http://127.0.0.1:${port}${ready.http}`, { signal, headersTimeout: 2000, bodyTimeout: 2000 }))
      await res.body.dump()
      const ok = ready.status === undefined ? res.statusCode >= 200 && res.statusCode < 300 : res.statusCode === ready.status
      if (!ok) last = `GET ${ready.http} answered ${res.statusCode}`
      return ok
    }
    : () => new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', reject)
    })
  void (async () => {
    let delay = 2
    while (!signal.aborted) {
      try {
        if (await attempt()) return markReady()
      } catch (error) {
        last = (error as NodeJS.ErrnoException).code ?? (error as Error).message
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, 100)
    }
  })()
  return { ready: readyPromise, lastFailure: () => last, offerLine() {} }
}

/** How waiting for readiness ended. */
export type ReadyOutcome = 'ready' | 'exited' | 'timeout'

/** Waits until `probe` is ready, the process has `exited`, or `timeoutMs` has passed, whichever is first. */
export async function waitUntilReady(probe: ReadinessProbe, exited: Promise<unknown>, timeoutMs: number): Promise<ReadyOutcome> {
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    probe.ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs) }),
  ])
  clearTimeout(timer)
  return outcome
}
