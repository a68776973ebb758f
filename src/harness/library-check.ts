import { createRequire } from 'node:module'
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
