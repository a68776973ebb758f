import type { Trace } from '../select/trace.js'
import { UsageError } from '../errors.js'
import type { ForeignTrace, Service } from './types.js'

/** The part of a Playwright `Request` the harness reads. */
export interface PageRequest {
  url(): string
  headers(): Record<string, string>
}

/** The part of a Playwright `Route` the harness uses. */
export interface PageRoute {
  request(): PageRequest
  continue(options?: { headers?: Record<string, string> }): Promise<void>
}

type RouteHandler = (route: PageRoute) => Promise<void>
type RequestListener = (request: PageRequest) => void

/** The part of a Playwright `Page` the harness uses. */
export interface RoutablePage {
  route(url: (url: URL) => boolean, handler: RouteHandler): Promise<unknown>
  unroute(url: (url: URL) => boolean, handler?: RouteHandler): Promise<void>
  on(event: 'requestfinished' | 'requestfailed', listener: RequestListener): unknown
  off(event: 'requestfinished' | 'requestfailed', listener: RequestListener): unknown
}

/** Options of {@link BrowserTraces.of}. */
export interface TracesOfOptions {
  /**
   * After the action, how long no new request to a service may start before its requests are
   * taken as complete, ms. Default 100: a click's fetch starts within a task or two.
   */
  readonly quietMs?: number
  /** How long the requests may take to finish after the action, ms. Default 10,000. */
  readonly timeoutMs?: number
}

/** One request a page made to a service during an action, with the trace it was given. */
interface Tracked {
  readonly request: PageRequest
  readonly trace: ForeignTrace
  done: boolean
  failed: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The backend traces of a page's actions. While {@link of} runs an action, every request the page
 * makes to one of the services gets a fresh trace (its own `traceparent`, through `page.route`);
 * requests to other origins, and requests outside an action, pass untouched.
 *
 * @example
 * ```ts
 * const [buy] = await traces.of(() => page.getByRole('button', { name: 'Buy' }).click())
 * expect(buy).toHaveSpanCount({ kind: 'SERVER' }, 1)
 * ```
 */
export class BrowserTraces {
  readonly #page: RoutablePage
  readonly #byOrigin: ReadonlyMap<string, Service>
  #tracking: Tracked[] | undefined
  #lastStart = 0
  readonly #matches = (url: URL): boolean => this.#byOrigin.has(url.origin)
  readonly #handler: RouteHandler = (route) => this.#route(route)
  readonly #finished: RequestListener = (request) => this.#markDone(request, false)
  readonly #failed: RequestListener = (request) => this.#markDone(request, true)

  constructor(page: RoutablePage, services: readonly Service[]) {
    this.#page = page
    this.#byOrigin = new Map(services.map((service) => [new URL(service.url).origin, service]))
  }

  /** Starts routing the page's requests to the services. */
  async start(): Promise<void> {
    this.#page.on('requestfinished', this.#finished)
    this.#page.on('requestfailed', this.#failed)
    await this.#page.route(this.#matches, this.#handler)
  }

  /**
   * Runs `action` and resolves with the trace of every request it made to a service, in the order
   * the requests started: none, one, or several (a click that fires three requests). It waits for
   * those requests to finish, and for no new one to start for `quietMs`, then for each trace to
   * settle. A request that failed in the browser (aborted, refused) has no trace to return.
   */
  async of(action: () => unknown, options: TracesOfOptions = {}): Promise<Trace[]> {
    if (this.#tracking !== undefined) {
      throw new UsageError('Failed to trace a page action: another traces.of() is still running on this page. Please await each traces.of() before the next.')
    }
    const tracked: Tracked[] = []
    this.#tracking = tracked
    this.#lastStart = Date.now()
    try {
      await action()
      await this.#quiet(tracked, options.quietMs ?? 100, options.timeoutMs ?? 10_000)
    } finally {
      this.#tracking = undefined
    }
    return Promise.all(tracked.filter((t) => !t.failed).map((t) => t.trace.settled()))
  }

  /** Stops routing. */
  async close(): Promise<void> {
    this.#page.off('requestfinished', this.#finished)
    this.#page.off('requestfailed', this.#failed)
    await this.#page.unroute(this.#matches, this.#handler)
  }

  async #route(route: PageRoute): Promise<void> {
    const request = route.request()
    const tracking = this.#tracking
    const service = this.#byOrigin.get(new URL(request.url()).origin)
    if (tracking === undefined || service === undefined) return route.continue()
    const trace = service.startTrace()
    tracking.push({ request, trace, done: false, failed: false })
    this.#lastStart = Date.now()
    // Replaces any traceparent the page set: the trace is the harness's, as for svc.request().
    await route.continue({ headers: { ...request.headers(), traceparent: trace.traceparent } })
  }

  #markDone(request: PageRequest, failed: boolean): void {
    const found = this.#tracking?.find((t) => t.request === request)
    if (found === undefined) return
    found.done = true
    found.failed = failed
  }

  async #quiet(tracked: readonly Tracked[], quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (tracked.some((t) => !t.done) || Date.now() - this.#lastStart < quietMs) {
      if (Date.now() > deadline) {
        const open = tracked.filter((t) => !t.done).map((t) => t.request.url())
        throw new UsageError(`Failed to trace a page action: ${open.length} request(s) still unfinished after ${timeoutMs} ms: ${open.join(', ')}. Please wait in the action for what the page shows once they answer, or raise { timeoutMs }.`)
      }
      await sleep(Math.min(20, quietMs))
    }
  }
}
