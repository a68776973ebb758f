import { median } from './descriptive.js'

/** The figures attribution reads per span key, as a baseline file and a compare side store them. */
export interface AttributionFigures {
  /** Spans per run (the median over runs). */
  readonly count: number
  /** Summed duration per run, ms. */
  readonly durationMs: readonly number[]
  /** Summed time on the critical path per run, ms (absent in files from before it was measured). */
  readonly criticalMs?: readonly number[]
}

/** How much of an entry span's change one span key's critical-path time accounts for. */
export interface PathContribution {
  readonly key: string
  /** Median time on the critical path per run, ms. */
  readonly baseMs: number
  readonly headMs: number
  /** `headMs − baseMs`. */
  readonly deltaMs: number
}

/** A span key under the entry span that runs a different number of times per run. */
export interface FrequencyChange {
  readonly key: string
  /** Spans per run; 0 when the key is new. */
  readonly before: number
  /** Spans per run; 0 when the key is gone. */
  readonly after: number
}

/**
 * Which spans explain why an entry span (a trace's root) got slower, from the critical path of
 * each side's runs: the spans whose self time on the critical path grew, largest first, and the
 * spans that now run more or less often.
 */
export interface CriticalPathAttribution {
  /** The entry span's key. */
  readonly key: string
  /** Median end-to-end duration of the entry span, ms. */
  readonly baseMs: number
  readonly headMs: number
  readonly deltaMs: number
  /** Keys whose critical-path time changed by a visible share of `deltaMs`, largest growth first. */
  readonly contributions: readonly PathContribution[]
  /** Keys under the entry whose spans per run changed by half or more (or appeared, or vanished). */
  readonly frequency: readonly FrequencyChange[]
}

/** A change smaller than this share of the entry's change is not worth naming. */
const VISIBLE_SHARE = 0.05
/** At most this many contributions are listed: the rest is noise in the explanation. */
const MAX_CONTRIBUTIONS = 5
/** A count must change by this factor to be named a frequency change. */
const FREQUENCY_FACTOR = 1.5

/**
 * True for the key of an entry span: a root of its trace, whose key has no ancestor path
 * (`service | name`).
 *
 * @example
 * ```ts
 * isEntryKey('shop | GET /orders/:id') // true
 * isEntryKey('shop | SELECT items | GET /orders/:id') // false
 * ```
 */
export function isEntryKey(key: string): boolean {
  return key.split(' | ').length === 2
}

/**
 * Explains the change of entry key `entry` between two sides from the critical-path time of the
 * keys below it. Descriptive, not a test: the entry's own verdict says whether the change is real;
 * this says where it went. Undefined when the entry is missing on a side or when neither side
 * recorded critical-path time.
 *
 * @example
 * ```ts
 * const why = attributeCriticalPath(baseline.keys, now, 'shop | GET /orders/:id')
 * why?.contributions[0] // { key: 'shop | inventory-check | GET /orders/:id', deltaMs: 210, … }
 * ```
 */
export function attributeCriticalPath(
  base: Readonly<Record<string, AttributionFigures>>,
  head: Readonly<Record<string, AttributionFigures>>,
  entry: string,
): CriticalPathAttribution | undefined {
  const before = base[entry]
  const after = head[entry]
  if (before === undefined || after === undefined || before.durationMs.length === 0 || after.durationMs.length === 0) return undefined
  if (before.criticalMs === undefined || after.criticalMs === undefined) return undefined
  const baseMs = median(before.durationMs)
  const headMs = median(after.durationMs)
  const deltaMs = headMs - baseMs
  const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].filter((key) => under(key, entry)).sort()
  const contributions: PathContribution[] = []
  const frequency: FrequencyChange[] = []
  for (const key of keys) {
    const b = base[key]
    const h = head[key]
    const baseCritical = criticalMedian(b)
    const headCritical = criticalMedian(h)
    const change = headCritical - baseCritical
    if (Math.abs(change) >= VISIBLE_SHARE * Math.abs(deltaMs) && change !== 0) contributions.push({ key, baseMs: baseCritical, headMs: headCritical, deltaMs: change })
    const countBefore = b?.count ?? 0
    const countAfter = h?.count ?? 0
    if (key !== entry && frequencyChanged(countBefore, countAfter)) frequency.push({ key, before: countBefore, after: countAfter })
  }
  // Growth first when the entry got slower, shrinkage first when it got faster.
  const direction = deltaMs >= 0 ? -1 : 1
  contributions.sort((x, y) => direction * (x.deltaMs - y.deltaMs) || x.key.localeCompare(y.key))
  return { key: entry, baseMs, headMs, deltaMs, contributions: contributions.slice(0, MAX_CONTRIBUTIONS), frequency }
}

/**
 * One sentence: "+230 ms end to end; 210 ms of it is `inventory-check` self time on the critical
 * path; `SELECT items` is 3× more frequent".
 *
 * @example
 * ```ts
 * describeAttribution(attribution, (key) => key.split(' | ')[1] ?? key)
 * ```
 */
export function describeAttribution(attribution: CriticalPathAttribution, name: (key: string) => string = spanNameOf): string {
  const parts = [`${signedMs(attribution.deltaMs)} end to end`]
  const growing = attribution.contributions.filter((c) => Math.sign(c.deltaMs) === Math.sign(attribution.deltaMs))
  for (const [index, c] of growing.slice(0, 3).entries()) {
    const own = c.key === attribution.key ? ' (its own self time)' : ' self time'
    parts.push(`${index === 0 ? `${formatMs(Math.abs(c.deltaMs))} of it is` : `${formatMs(Math.abs(c.deltaMs))} is`} \`${name(c.key)}\`${own} on the critical path`)
  }
  for (const f of attribution.frequency.slice(0, 3)) parts.push(describeFrequency(f, name))
  return parts.join('; ')
}

function describeFrequency(change: FrequencyChange, name: (key: string) => string): string {
  const span = `\`${name(change.key)}\``
  if (change.before === 0) return `${span} is new (${change.after} per run)`
  if (change.after === 0) return `${span} no longer runs (was ${change.before} per run)`
  const factor = change.after / change.before
  return factor >= 1
    ? `${span} is ${formatFactor(factor)} more frequent (${change.before} → ${change.after} per run)`
    : `${span} is ${formatFactor(1 / factor)} less frequent (${change.before} → ${change.after} per run)`
}

function under(key: string, entry: string): boolean {
  if (key === entry) return true
  const [, entryName] = entry.split(' | ')
  const path = key.split(' | ')[2]
  return entryName !== undefined && path !== undefined && (path === entryName || path.startsWith(`${entryName} > `))
}

function criticalMedian(figures: AttributionFigures | undefined): number {
  const values = figures?.criticalMs
  return values === undefined || values.length === 0 ? 0 : median(values)
}

function frequencyChanged(before: number, after: number): boolean {
  if (before === after) return false
  if (before === 0 || after === 0) return true
  return after / before >= FREQUENCY_FACTOR || before / after >= FREQUENCY_FACTOR
}

function spanNameOf(key: string): string {
  return key.split(' | ')[1] ?? key
}

function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : '−'}${formatMs(Math.abs(ms))}`
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`
}

function formatFactor(factor: number): string {
  return `${Number(factor.toFixed(factor >= 10 ? 0 : 1))}×`
}
