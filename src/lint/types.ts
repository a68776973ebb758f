import type { CapturedSpan } from '../model/captured-span.js'
import type { Trace } from '../select/trace.js'
import type { TextMatcher } from '../select/selector.js'

/** How much a violation matters: only `'error'` fails `toFollowTraceConventions()`. */
export type LintSeverity = 'error' | 'warning'

/**
 * One place where a trace breaks a tracing convention.
 *
 * @example
 * ```ts
 * for (const v of lintTrace(trace)) console.log(v.severity, v.rule, v.span.name, v.message)
 * ```
 */
export interface LintViolation {
  /** The rule's id, e.g. `span-name-cardinality`. */
  readonly rule: string
  readonly severity: LintSeverity
  /** The span the violation is on. */
  readonly span: CapturedSpan
  /** What is wrong and how to fix it. */
  readonly message: string
  /** The attribute the violation is about, when it is about one (present, missing or renamed). */
  readonly attribute?: string
}

/**
 * What a rule reports; the linter adds the rule id and severity. Custom rules return these.
 *
 * @example
 * ```ts
 * const finding: LintFinding = { span, message: 'no order.id; set it to the order being paid', attribute: 'order.id' }
 * ```
 */
export interface LintFinding {
  readonly span: CapturedSpan
  readonly message: string
  readonly attribute?: string
}

/**
 * A violation that is fine. A string (exact), RegExp or asymmetric matcher matches the attribute
 * the violation is about, or the span name when it is about no attribute; the object form narrows
 * by span name, attribute, instrumentation scope and service (every given key must match).
 *
 * @example
 * ```ts
 * const allow: AllowPattern[] = ['user.email', /^GET \/legacy\//, { scope: '@acme/instrumentation-soap', attribute: 'soap.action' }]
 * ```
 */
export type AllowPattern =
  | TextMatcher
  | {
      readonly span?: TextMatcher
      readonly attribute?: TextMatcher
      readonly scope?: TextMatcher
      readonly service?: TextMatcher
    }

/** The severity a rule runs with, or `'off'`. */
export type LintRuleSeverity = LintSeverity | 'off'

/** Settings for one rule: its severity and the violations it should not report. */
export interface LintRuleOptions {
  readonly severity?: LintRuleSeverity
  /** Added to the rule's built-in allowances (its documented known deviations). */
  readonly allow?: readonly AllowPattern[]
}

/** A rule's setting in {@link LintConfig.rules}: a severity, `'off'`, or {@link LintRuleOptions}. */
export type LintRuleSetting = LintRuleSeverity | LintRuleOptions

/**
 * Read access to the trace as the rules walk it, handed to every rule (custom ones too).
 *
 * @example
 * ```ts
 * const rule: CustomLintRule = (_trace, { spans, parent }) =>
 *   spans.filter((s) => s.kind === 'CLIENT' && parent(s)?.kind === 'CLIENT').map((span) => ({ span, message: '…' }))
 * ```
 */
export interface LintContext {
  /** Every span, in the order of the rendered tree: parents before children, siblings by start. */
  readonly spans: readonly CapturedSpan[]
  /** The entry span (the trace's root), undefined for an empty trace. */
  readonly entry: CapturedSpan | undefined
  parent(span: CapturedSpan): CapturedSpan | undefined
  children(span: CapturedSpan): readonly CapturedSpan[]
}

/** A project's own rule: every finding it returns becomes a violation of its id. */
export type CustomLintRule = (trace: Trace, context: LintContext) => readonly LintFinding[]

/** A custom rule with its default severity (default `'error'`). */
export interface CustomLintRuleDefinition {
  readonly check: CustomLintRule
  readonly severity?: LintRuleSeverity
}

/**
 * Which rules run, how severe they are, what they allow, and the project's own rules.
 *
 * @example
 * ```ts
 * const config: LintConfig = {
 *   rules: {
 *     'attribute-naming': 'off',
 *     'span-kind': 'warning',
 *     'no-personal-data': { allow: ['user.email_domain'] },
 *   },
 *   custom: {
 *     'order-id': (trace) => trace.spans({ kind: 'SERVER', attributes: { 'order.id': undefined } })
 *       .map((span) => ({ span, message: `"${span.name}" has no order.id; set it on the entry span` })),
 *   },
 * }
 * ```
 */
export interface LintConfig {
  /** Built-in or custom rule ids, each with a severity, `'off'`, or options. */
  readonly rules?: Readonly<Record<string, LintRuleSetting>>
  /** Custom rules by id; an id must not be one of the built-in ones. */
  readonly custom?: Readonly<Record<string, CustomLintRule | CustomLintRuleDefinition>>
}
