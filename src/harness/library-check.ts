import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel'
import { createRequire } from 'node:module'
import { context, trace } from '@opentelemetry/api'
import { isTracingSuppressed } from '@opentelemetry/core'
import type { Trace } from '../select/trace.js'
import { KNOWN_LIBRARIES } from '../instrumentations.js'

// Kept on globalThis: `tracewright/instrument` and the harness may be two copies of this module (a
// set-up file resolved to the built package, a spec to the sources), and must still meet.
const STATE = Symbol.for('tracewright.instrument')

interface InstrumentState {
  /** Known libraries already loaded when `tracewright/instrument` ran, so left unpatched. */
  readonly loadedBefore: ReadonlySet<string>
}

const cache = (): NodeJS.Dict<NodeJS.Module> => createRequire(import.meta.url).cache

/** The known libraries loaded in this process, with their exports. */
function loadedLibraries(): Map<string, unknown> {
  const loaded = new Map<string, unknown>()
  for (const [file, module] of Object.entries(cache())) {
    const library = KNOWN_LIBRARIES.find((known) => known.file.test(file))
    if (library !== undefined && !loaded.has(library.name)) loaded.set(library.name, module?.exports)
  }
  return loaded
}

/** Records that `tracewright/instrument` ran, and which known libraries it came too late for. */
export function recordInstrumentation(): void {
  const state: InstrumentState = { loadedBefore: new Set(loadedLibraries().keys()) }
  ;(globalThis as Record<symbol, unknown>)[STATE] = state
}

/** One loaded known library whose spans in-process traces will miss, and why. */
export interface UninstrumentedLibrary {
  readonly name: string
  /** `true` when `tracewright/instrument` ran, but after the library had loaded. */
  readonly loadedTooEarly: boolean
}

/** The known client libraries loaded in this process without their instrumentation. */
export function uninstrumentedLibraries(): UninstrumentedLibrary[] {
  const state = (globalThis as Record<symbol, unknown>)[STATE] as InstrumentState | undefined
  const found: UninstrumentedLibrary[] = []
  for (const [name, exports] of loadedLibraries()) {
    const library = KNOWN_LIBRARIES.find((known) => known.name === name)
    const loadedTooEarly = state?.loadedBefore.has(name) === true
    const patched = library?.isPatched ? library.isPatched(exports) : state !== undefined && !loadedTooEarly
    if (!patched) found.push({ name, loadedTooEarly })
  }
  return found
}

const warned = new Set<string>()

/**
 * Warns, once per library and process, about each known client library loaded in the test process
 * without its instrumentation: an in-process trace then lacks its spans, and a count of them would
 * pass on zero.
 */
export function warnUninstrumentedLibraries(warn: (message: string) => void = console.warn): void {
  const missing = uninstrumentedLibraries().filter((library) => !warned.has(library.name))
  if (missing.length === 0) return
  for (const library of missing) warned.add(library.name)
  warn(uninstrumentedMessage(missing))
}

/** The warning for {@link warnUninstrumentedLibraries}. */
export function uninstrumentedMessage(missing: readonly UninstrumentedLibrary[]): string {
  const names = missing.map((library) => library.name).join(', ')
  const early = missing.filter((library) => library.loadedTooEarly).map((library) => library.name)
  const fix = early.length > 0
    ? `tracewright/instrument ran after ${early.join(', ')} had loaded. Please list 'tracewright/instrument' first in vitest's setupFiles, before any set-up file that imports ${early.join(' or ')}.`
    : `Please add 'tracewright/instrument' first in vitest's setupFiles: setupFiles: ['tracewright/instrument', 'tracewright/vitest']. Registering an instrumentation in the spec file is too late: its static imports load the app before the spec's code runs.`
  return `tracewright: ${names} ${missing.length === 1 ? 'is' : 'are'} loaded in the test process without OpenTelemetry instrumentation, ` +
    `so in-process traces will have none of ${missing.length === 1 ? 'its' : 'their'} spans (and a span count such as toHaveSpanCount(query, { max: 2 }) would pass on zero). ${fix}`
}

// Outgoing HTTP calls, seen on the channels Node's http client and undici (fetch) publish on
// whether or not anything instruments them.
const UNDICI_CHANNEL = 'undici:request:create'
const HTTP_CHANNEL = 'http.client.request.start'
const MAX_TRACKED_TRACES = 10_000

/**
 * The channels whose calls could leave no span: undici's unless `tracewright/instrument` ran (its
 * undici instrumentation listens on the same channels, whenever undici loaded), node:http's unless
 * `http.request` is patched. With both instrumented there is nothing to watch, and a request pays
 * nothing for the check.
 */
export function uninstrumentedCallChannels(): string[] {
  const channels: string[] = []
  if ((globalThis as Record<symbol, unknown>)[STATE] === undefined) channels.push(UNDICI_CHANNEL)
  const http = createRequire(import.meta.url)('node:http') as { request?: unknown; get?: unknown }
  if (!wrappedFunction(http.request) || !wrappedFunction(http.get)) channels.push(HTTP_CHANNEL)
  return channels
}

const wrappedFunction = (fn: unknown): boolean => typeof fn === 'function' && (fn as { __wrapped?: unknown }).__wrapped === true

/**
 * Counts the outgoing HTTP calls (fetch, undici, node:http) the app makes inside each trace, so a
 * trace whose calls left no span can be called out: the http and undici instrumentations are not
 * loaded.
 */
export class OutgoingCallWatch {
  readonly #channels: readonly string[]
  /** Whether it listens on undici's request-creation channel (see {@link undiciRequestsObserved}). */
  readonly watchesUndici: boolean
  readonly #calls = new Map<string, number>()
  #paused = false
  readonly #onCall = (): void => {
    if (this.#paused) return
    const active = context.active()
    // Not the app's calls: suppressed ones (the harness's own requests, when an undici
    // instrumentation listens), and those outside any trace (a test's, otherwise).
    if (isTracingSuppressed(active)) return
    const traceId = trace.getSpanContext(active)?.traceId
    if (traceId === undefined) return
    this.#calls.set(traceId, (this.#calls.get(traceId) ?? 0) + 1)
    if (this.#calls.size > MAX_TRACKED_TRACES) this.#calls.delete(this.#calls.keys().next().value as string)
  }

  constructor(channels: readonly string[] = [UNDICI_CHANNEL, HTTP_CHANNEL]) {
    this.#channels = channels
    this.watchesUndici = channels.includes(UNDICI_CHANNEL)
    for (const name of channels) subscribe(name, this.#onCall)
  }

  /** The calls made in `traceId` (forgotten once read). */
  take(traceId: string): number {
    if (this.#calls.size === 0) return 0
    const calls = this.#calls.get(traceId) ?? 0
    this.#calls.delete(traceId)
    return calls
  }

  /** Ignores calls (and forgets those counted) until {@link resume}, staying subscribed. */
  pause(): void {
    this.#paused = true
    this.#calls.clear()
  }

  resume(): void {
    this.#paused = false
  }

  stop(): void {
    for (const name of this.#channels) unsubscribe(name, this.#onCall)
    this.#calls.clear()
  }
}

/**
 * The process's one watch, made by the first in-process service that needs it. It stays subscribed
 * after that service stops, ignoring calls while no service runs: subscribing and unsubscribing
 * at every start and stop switches the channels' classes, and V8 then re-optimises undici's request
 * path after each switch (about 4% on the in-process request benchmark, whose blocks each start a
 * service). It ends for good once the warning was given: that happens once per process, so there
 * is nothing left to learn.
 */
let sharedWatch: { readonly watch: OutgoingCallWatch; leases: number } | undefined

/**
 * A running in-process service's use of the process-wide {@link OutgoingCallWatch}; the watch
 * subscribes only to channels whose calls would leave no span.
 */
export function leaseOutgoingCallWatch(): { take(traceId: string): number; release(): void } {
  if (sharedWatch === undefined && !warned.has('http-client')) {
    const channels = uninstrumentedCallChannels()
    if (channels.length > 0) sharedWatch = { watch: new OutgoingCallWatch(channels), leases: 0 }
  }
  const lease = sharedWatch
  if (lease === undefined) return { take: () => 0, release: () => undefined }
  if (lease.leases++ === 0) lease.watch.resume()
  let held = true
  return {
    take: (traceId) => (held ? lease.watch.take(traceId) : 0),
    release() {
      if (!held) return
      held = false
      if (--lease.leases === 0) lease.watch.pause()
    },
  }
}

const undiciRequests = channel(UNDICI_CHANNEL)

/**
 * Whether anything besides this module's outgoing-call watch listens to undici's requests as they
 * are created: an undici instrumentation in the test process. It would start a span for the
 * harness's own request and add a second `traceparent` to it unless tracing is suppressed around
 * the request, so the harness suppresses it then (traced-request.ts). Suppressing costs an
 * AsyncLocalStorage frame per request, about 2% of an in-process request, so a process with no such
 * listener does not pay it. Node keeps a channel's subscribers in `_subscribers` (Node 20 to 24);
 * where that cannot be read, the answer is yes.
 */
export function undiciRequestsObserved(): boolean {
  if (!undiciRequests.hasSubscribers) return false
  const subscribers = (undiciRequests as unknown as { _subscribers?: unknown })._subscribers
  if (!Array.isArray(subscribers)) return true
  return subscribers.length > (sharedWatch?.watch.watchesUndici === true ? 1 : 0)
}

function endSharedWatch(): void {
  sharedWatch?.watch.stop()
  sharedWatch = undefined
}

/**
 * The warning for a request whose trace shows outgoing HTTP calls the app made but has no CLIENT
 * span at all (fetch, undici or node:http ran uninstrumented), else undefined. An app that makes
 * its own CLIENT spans for its calls is not warned about.
 */
export function uninstrumentedCallsMessage(calls: number, settled: Trace, what: string): string | undefined {
  if (calls === 0 || settled.spans({ kind: 'CLIENT' }).length > 0) return undefined
  return `tracewright: while handling ${what} the app made ${calls} outgoing HTTP call${calls === 1 ? '' : 's'} (fetch, undici or node:http), ` +
    'but its trace has no CLIENT span: those calls are not instrumented, and a count of them would pass on zero. ' +
    `Please add 'tracewright/instrument' first in vitest's setupFiles: setupFiles: ['tracewright/instrument', 'tracewright/vitest'].`
}

/** Warns with {@link uninstrumentedCallsMessage}, once per process. */
export function warnUninstrumentedCalls(calls: number, settled: Trace, what: string, warn: (message: string) => void = console.warn): void {
  if (warned.has('http-client')) return
  const message = uninstrumentedCallsMessage(calls, settled, what)
  if (message === undefined) return
  warned.add('http-client')
  endSharedWatch()
  warn(message)
}
