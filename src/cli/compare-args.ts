import { parseArgs } from 'node:util'
import type { Readiness } from '../harness/readiness.js'
import { UsageError } from '../errors.js'

/** A report format `--format` accepts. */
export type ReportFormat = 'text' | 'markdown' | 'json' | 'html'

/** What `tracewright compare` was asked to do, checked and typed. */
export type CompareArgs =
  | { readonly mode: 'help' }
  | (CommonArgs & {
    readonly mode: 'live'
    readonly base: string
    readonly head: string
    readonly scenario: string
    readonly ready: Readiness
    readonly cwd?: string
    readonly name?: string
    readonly startTimeoutMs?: number
    /** A number, or 'auto': stop when every verdict is settled (at most `maxRounds`). */
    readonly rounds: number | 'auto'
    readonly maxRounds?: number
    readonly warmup: number
  })
  | (CommonArgs & { readonly mode: 'files'; readonly baseFile: string; readonly headFile: string })

interface CommonArgs {
  readonly minRelativeEffect?: number
  readonly minEffectMs?: number
  readonly quantiles?: readonly number[]
  readonly seed?: number
  readonly failOnStructure: boolean
  readonly strict: boolean
  readonly format: ReportFormat
  readonly out?: string
}

const OPTIONS = {
  base: { type: 'string' },
  head: { type: 'string' },
  scenario: { type: 'string' },
  ready: { type: 'string' },
  cwd: { type: 'string' },
  name: { type: 'string' },
  'start-timeout-ms': { type: 'string' },
  'start-timeout': { type: 'string' },
  rounds: { type: 'string' },
  'max-rounds': { type: 'string' },
  quantiles: { type: 'string' },
  warmup: { type: 'string' },
  seed: { type: 'string' },
  'min-relative-effect': { type: 'string' },
  threshold: { type: 'string' },
  'min-effect-ms': { type: 'string' },
  'min-effect': { type: 'string' },
  'fail-on-structure': { type: 'boolean' },
  strict: { type: 'boolean' },
  'base-file': { type: 'string' },
  'head-file': { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

const LIVE_ONLY = ['base', 'head', 'scenario', 'ready', 'cwd', 'name', 'start-timeout-ms', 'start-timeout', 'rounds', 'max-rounds', 'warmup'] as const
const FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json', 'html']
const HELP_HINT = 'Run `tracewright compare --help` for the options.'

/**
 * Reads the arguments of `tracewright compare` (after the command name).
 *
 * @throws {UsageError} naming the argument that is wrong and what it should be.
 * @example
 * ```ts
 * parseCompareArgs(['--base', 'node v1.mjs', '--head', 'node v2.mjs', '--scenario', 's.mjs', '--rounds', '12'])
 * ```
 */
export function parseCompareArgs(argv: readonly string[]): CompareArgs {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`Failed to read the arguments: ${(error as Error).message.replace(/\.?$/, '.')} ${HELP_HINT}`)
  }
  const { values, positionals } = parsed
  if (values.help === true) return { mode: 'help' }
  if (positionals.length > 0) {
    throw new UsageError(`Failed to read the arguments: unexpected ${JSON.stringify(positionals[0])}. Commands go in one quoted argument, e.g. --base "node server.js". ${HELP_HINT}`)
  }
  const common: CommonArgs = {
    ...optional('minRelativeEffect', ...aliased(values, 'min-relative-effect', 'threshold'), (v, flag) => parseRelativeEffect(v, flag)),
    ...optional('minEffectMs', ...aliased(values, 'min-effect-ms', 'min-effect'), (v, flag) => parseNumber(flag, v, 0)),
    ...optional('quantiles', values.quantiles, '--quantiles', parseQuantiles),
    ...optional('seed', values.seed, '--seed', (v) => parseWhole('--seed', v, Number.MIN_SAFE_INTEGER)),
    failOnStructure: values['fail-on-structure'] === true,
    strict: values.strict === true,
    format: parseFormat(values.format, values.out),
    ...optional('out', values.out, '--out', (v) => v),
  }
  const stored = values['base-file'] !== undefined || values['head-file'] !== undefined
  if (stored) {
    const mixed = LIVE_ONLY.find((option) => values[option] !== undefined)
    if (mixed !== undefined) {
      throw new UsageError(`Failed to read the arguments: --${mixed} starts or measures versions, but --base-file and --head-file compare stored results. Please use one way or the other. ${HELP_HINT}`)
    }
    const baseFile = required(values['base-file'], '--base-file', 'the stored result of the base version, e.g. --base-file main.json')
    const headFile = required(values['head-file'], '--head-file', 'the stored result of the head version, e.g. --head-file pr.json')
    return { ...common, mode: 'files', baseFile, headFile }
  }
  return {
    ...common,
    mode: 'live',
    base: required(values.base, '--base', 'the command that starts the base version, e.g. --base "node --import tracewright/register server.js"'),
    head: required(values.head, '--head', 'the command that starts the head version'),
    scenario: required(values.scenario, '--scenario', 'a scenario file whose default export is defineScenarios({ … })'),
    ready: parseReady(values.ready ?? 'http:/health'),
    ...optional('cwd', values.cwd, '--cwd', (v) => v),
    ...optional('name', values.name, '--name', (v) => v),
    ...optional('startTimeoutMs', ...aliased(values, 'start-timeout-ms', 'start-timeout'), (v, flag) => parseWhole(flag, v, 1)),
    rounds: values.rounds === 'auto' ? 'auto' : values.rounds === undefined ? 20 : parseWhole('--rounds', values.rounds, 1),
    ...optional('maxRounds', values['max-rounds'], '--max-rounds', (v, flag) => {
      if (values.rounds !== 'auto') throw new UsageError(`Failed to read the arguments: --max-rounds bounds --rounds auto, and --rounds is ${values.rounds === undefined ? 'not given' : JSON.stringify(values.rounds)}. Please add --rounds auto, or drop --max-rounds. ${HELP_HINT}`)
      return parseWhole(flag, v, 5)
    }),
    warmup: values.warmup === undefined ? 3 : parseWhole('--warmup', values.warmup, 0),
  }
}

/**
 * `http:/health` → `{ http: '/health' }`, `log:listening` → `{ log: 'listening' }`, `port` →
 * `{ port: true }`.
 *
 * @example
 * ```ts
 * parseReady('log:listening on') // { log: 'listening on' }
 * ```
 */
export function parseReady(text: string): Readiness {
  if (text === 'port') return { port: true }
  if (text.startsWith('http:')) {
    const path = text.slice('http:'.length)
    if (path.startsWith('/')) return { http: path }
  }
  if (text.startsWith('log:') && text.length > 'log:'.length) return { log: text.slice('log:'.length) }
  throw new UsageError(`Failed to read --ready ${JSON.stringify(text)}: expected http:<path> (e.g. http:/health), log:<text> (e.g. log:listening) or port.`)
}

/**
 * `10%` → 0.1, `0.1` → 0.1. A bare number of 1 or more is refused: `10` could mean either.
 *
 * @example
 * ```ts
 * parseRelativeEffect('5%') // 0.05
 * ```
 */
export function parseRelativeEffect(text: string, flag = '--min-relative-effect'): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim())
  const value = percent ? Number(percent[1]) / 100 : /^\d*\.?\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isFinite(value) || (percent === null && value >= 1)) {
    throw new UsageError(`Failed to read ${flag} ${JSON.stringify(text)}: expected a percentage such as 10% or a fraction such as 0.1.`)
  }
  return value
}

/**
 * `p50,p90,p99` or `0.5,0.9,0.99` → [0.5, 0.9, 0.99].
 *
 * @example
 * ```ts
 * parseQuantiles('p50,p99.9') // [0.5, 0.999]
 * ```
 */
export function parseQuantiles(text: string, flag = '--quantiles'): number[] {
  return text.split(',').map((part) => {
    const word = part.trim()
    const percentile = /^p(\d+(?:\.\d+)?)$/i.exec(word)
    const value = percentile ? Number((Number(percentile[1]) / 100).toPrecision(12)) : /^0?\.\d+$/.test(word) ? Number(word) : Number.NaN
    if (!(value > 0 && value < 1)) {
      throw new UsageError(`Failed to read ${flag} ${JSON.stringify(text)}: ${JSON.stringify(word)} is not a quantile. Please list percentiles such as p50,p90,p99 or fractions such as 0.5,0.9,0.99.`)
    }
    return value
  })
}

function parseFormat(format: string | undefined, out: string | undefined): ReportFormat {
  if (format !== undefined) {
    if ((FORMATS as readonly string[]).includes(format)) return format as ReportFormat
    throw new UsageError(`Failed to read --format ${JSON.stringify(format)}: expected one of ${FORMATS.join(', ')}.`)
  }
  const extension = /\.([a-z]+)$/i.exec(out ?? '')?.[1]?.toLowerCase()
  if (extension === 'json') return 'json'
  if (extension === 'md' || extension === 'markdown') return 'markdown'
  if (extension === 'html' || extension === 'htm') return 'html'
  return 'text'
}

function parseWhole(option: string, text: string, min: number): number {
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`Failed to read ${option} ${JSON.stringify(text)}: expected a whole number${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}.`)
  }
  return value
}

function parseNumber(option: string, text: string, min: number): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < min) {
    throw new UsageError(`Failed to read ${option} ${JSON.stringify(text)}: expected a number of at least ${min}.`)
  }
  return value
}

function required(value: string | undefined, option: string, what: string): string {
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`Failed to start the comparison: ${option} is missing. Please give ${what}. ${HELP_HINT}`)
  }
  return value
}

function optional<K extends string, T>(key: K, value: string | undefined, flag: string, parse: (value: string, flag: string) => T): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: parse(value, flag) }) as { [P in K]?: T }
}

// A flag and the older name it replaced (kept because CI scripts use it): the value and the flag
// it came from, for messages. Giving both is refused rather than silently picking one.
function aliased(values: Readonly<Record<string, unknown>>, name: string, deprecated: string): [string | undefined, string] {
  const current = values[name] as string | undefined
  const old = values[deprecated] as string | undefined
  if (current !== undefined && old !== undefined) {
    throw new UsageError(`Failed to read the arguments: --${deprecated} is the older name of --${name}, and both are given. Please give only --${name}. ${HELP_HINT}`)
  }
  return old !== undefined ? [old, `--${deprecated}`] : [current, `--${name}`]
}
