import type { BaselineComparison } from '../baseline/compare-baseline.js'
import type { BaselineKey, EnvironmentFingerprint } from '../baseline/baseline-file.js'
import type { Attributes, SpanKindName, StatusCodeName } from '../model/captured-span.js'

/** The version of the comparison report's JSON shape; docs/compare.md describes it. */
export const COMPARISON_SCHEMA_VERSION = 2

/**
 * One span key of one side, per measured run: the shape of a baseline file's key, plus the
 * values of the attributes that define behaviour (see {@link BEHAVIOUR_ATTRIBUTES}).
 */
export interface SideKey extends BaselineKey {
  /** Attribute name → every distinct value seen on spans of this key, sorted. */
  readonly behaviour?: Readonly<Record<string, readonly string[]>>
}

/**
 * What one version did in one scenario, every measured run: the shape of a baseline file's test
 * entry, so a side of a report and a baseline file read the same way.
 */
export interface SideSamples {
  readonly runs: number
  readonly environment: EnvironmentFingerprint
  readonly keys: Readonly<Record<string, SideKey>>
}

/** One span of a trace kept in a report, times relative to the trace's first span. */
export interface ReportSpan {
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: SpanKindName
  readonly service: string
  /** The span key (`service | name | ancestor path`). */
  readonly key: string
  /** Start, ms after the trace's first span started. */
  readonly offsetMs: number
  readonly durationMs: number
  readonly status: StatusCodeName
  readonly statusMessage?: string
  readonly attributes: Attributes
}

/** A trace kept in a report: the spans of one request, in start order. */
export interface ReportTrace {
  readonly traceId: string
  readonly durationMs: number
  readonly spans: readonly ReportSpan[]
}

/** A behaviour-defining attribute value that one version has and the other does not. */
export interface AttributeChange {
  readonly key: string
  readonly attribute: string
  /** `added`: only head has it; `removed`: only base has it. */
  readonly change: 'added' | 'removed'
  readonly value: string
}

/**
 * One scenario compared: the structure (keys added, removed, changed in count), changed
 * behaviour attributes, and a duration verdict per key present on both sides. Shaped as a
 * {@link BaselineComparison}, so the baseline formatters read it too.
 */
export interface ScenarioComparison extends BaselineComparison {
  readonly name: string
  readonly attributes: readonly AttributeChange[]
  /** What each version measured: enough to compare this report's side with another later. */
  readonly samples: { readonly base: SideSamples; readonly head: SideSamples }
  /** The run of median duration on each side, its traces (absent when read from a baseline file). */
  readonly representative?: { readonly base: readonly ReportTrace[]; readonly head: readonly ReportTrace[] }
}

/** Which version a side is and where it came from. */
export interface SideInfo {
  /** `base` / `head`, or the file name for stored results. */
  readonly label: string
  /** The command the version ran with (live comparisons). */
  readonly command?: readonly string[]
  /** The file it was read from (`--base-file`, `--head-file`). */
  readonly file?: string
}

/** How the comparison was run and decided. */
export interface ComparisonSettings {
  /** Measured rounds (live) or 0 (stored results). */
  readonly rounds: number
  readonly warmup: number
  /** Smallest relative change reported as slower or faster, a fraction (0.1 = 10%). Schema 1 called it `threshold`. */
  readonly minRelativeEffect: number
  readonly minAbsoluteEffectMs: number
  /** The chance of a false "slower" per scenario, split between its keys (Bonferroni). */
  readonly alpha: number
  /** Seed of the round order and of the bootstrap. */
  readonly seed: number
  /** Structural changes fail the comparison (exit code 1). */
  readonly failOnStructure: boolean
  /** The quantiles judged per key (`--quantiles`); absent: the median only. */
  readonly quantiles?: readonly number[]
  /**
   * Only for `--rounds auto`: the sequential design. `rounds` is then the rounds actually run, and
   * every verdict was taken at `lookAlpha`, the level of the look the comparison stopped at.
   */
  readonly adaptive?: {
    readonly maxRounds: number
    readonly looks: number
    /** Every key's verdict settled before `maxRounds`. */
    readonly settled: boolean
    readonly lookAlpha: number
  }
}

/** Counts over every scenario, and the outcome. */
export interface ComparisonSummary {
  readonly scenarios: number
  readonly keys: number
  readonly slower: number
  readonly faster: number
  readonly unchanged: number
  readonly inconclusive: number
  /** Keys added, removed or changed in count, over every scenario. */
  readonly structuralChanges: number
  readonly attributeChanges: number
  /** A gated key got slower, or the structure changed under `failOnStructure`. */
  readonly regression: boolean
  /** Scenarios that only one side has (stored results); not compared. */
  readonly unmatched: readonly string[]
}

/**
 * Everything a comparison of two versions found. Serialised as is, it is the JSON report
 * (`--format json`), whose shape docs/compare.md documents.
 *
 * @example
 * ```ts
 * const report = await compareVersions({ base, head, scenarios })
 * for (const s of report.scenarios) console.log(s.name, s.failures)
 * process.exitCode = report.summary.regression ? 1 : 0
 * ```
 */
export interface ComparisonReport {
  readonly schemaVersion: typeof COMPARISON_SCHEMA_VERSION
  readonly kind: 'tracewright-comparison'
  /** ISO 8601 time the comparison finished. */
  readonly createdAt: string
  /** `paired`: interleaved rounds of one job; `unpaired`: stored results. */
  readonly mode: 'paired' | 'unpaired'
  readonly base: SideInfo
  readonly head: SideInfo
  readonly settings: ComparisonSettings
  readonly summary: ComparisonSummary
  readonly scenarios: readonly ScenarioComparison[]
}
