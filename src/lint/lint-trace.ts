import type { CapturedSpan } from '../model/captured-span.js'
import { isCapturedSpan } from '../model/captured-span.js'
import { findTraceBreaks } from '../model/trace-breaks.js'
import type { TraceBreak } from '../model/trace-breaks.js'
import type { TraceTree } from '../model/trace-tree.js'
import { Trace } from '../select/trace.js'
import { treeOf } from '../select/trace-trees.js'
import { UsageError } from '../errors.js'
import { describeValue } from '../select/describe.js'
import { allows } from './allow.js'
import { resolveRules } from './resolve-config.js'
import type { RuleContext } from './lint-rule.js'
import type { ResolvedRule } from './resolve-config.js'
import type { LintConfig, LintFinding, LintViolation } from './types.js'

/** The spans in the order of the rendered tree: each root, then its subtree depth first. */
function treeOrder(tree: TraceTree): CapturedSpan[] {
  return tree.roots.flatMap((root) => [root, ...tree.descendants(root)])
}

/**
 * The context every rule of one lint shares: the spans in tree order, the entry span, relatives.
 *
 * @example
 * ```ts
 * const context = createLintContext(trace)
 * spanKind.check(trace, context) // a built-in rule's findings, before severities and allowances
 * ```
 */
export function createLintContext(trace: Trace): RuleContext {
  // Frozen: custom rules share it with the built-in ones and each other.
  const tree = treeOf(trace)
  const spans = Object.freeze(treeOrder(tree))
  let breaks: readonly TraceBreak[] | undefined
  return {
    spans,
    entry: spans[0],
    parent: (span) => tree.parent(span),
    children: (span) => tree.children(span),
    get breaks() {
      breaks ??= findTraceBreaks(tree)
      return breaks
    },
  }
}

function runRule(rule: ResolvedRule, trace: Trace, context: RuleContext): readonly LintFinding[] {
  if (!rule.custom) return rule.check(trace, context)
  let findings: unknown
  try {
    findings = rule.check(trace, context)
  } catch (error) {
    throw new UsageError(
      `Failed to lint the trace: custom rule "${rule.id}" threw ${error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error)}. Please fix the rule.`,
      { cause: error },
    )
  }
  if (!Array.isArray(findings)) {
    throw new UsageError(`Failed to lint the trace: custom rule "${rule.id}" returned ${describeValue(findings)}. Please return an array of { span, message } (an empty array when all is well).`)
  }
  findings.forEach((finding: unknown, i) => {
    const f = finding as Partial<LintFinding> | null
    if (typeof f !== 'object' || f === null || !isCapturedSpan(f.span) || typeof f.message !== 'string' || f.message === '') {
      throw new UsageError(`Failed to lint the trace: custom rule "${rule.id}" returned ${describeValue(finding)} at index ${i}. Please return { span, message } objects, span being one of the trace's spans.`)
    }
  })
  return findings as readonly LintFinding[]
}

/**
 * Checks a trace against the conventions that make traces useful: stable semantic-convention
 * attributes on HTTP, database, messaging and RPC spans; low-cardinality span names; the right span
 * kinds; errors recorded where they happened; context propagated across every hop; no personal
 * data; well-formed attribute keys and values. Returns every violation at once, errors first, then
 * in the order of the trace tree. See docs/lint.md for the rules.
 *
 * Throws a `UsageError` for a config naming an unknown rule (the message lists the known ones), a
 * bad severity or allow pattern, or a custom rule that throws or returns something else than
 * `{ span, message }` objects.
 *
 * @example
 * ```ts
 * const violations = lintTrace(trace, { rules: { 'attribute-naming': 'off' } })
 * for (const v of violations) console.log(`${v.severity} ${v.rule}: ${v.message}`)
 * ```
 */
export function lintTrace(trace: Trace, config?: LintConfig): LintViolation[] {
  if (!(trace instanceof Trace)) {
    throw new UsageError(`Failed to lint the trace: expected a Trace, received ${describeValue(trace)}. Please pass the \`trace\` that \`await svc.request(...)\` resolves to.`)
  }
  const rules = resolveRules(config)
  const context = createLintContext(trace)
  const position = new Map<string, number>()
  context.spans.forEach((span, i) => position.set(span.spanId, i))
  const found: { violation: LintViolation; rule: number; position: number }[] = []
  rules.forEach((rule, ruleIndex) => {
    for (const finding of runRule(rule, trace, context)) {
      if (rule.allow.some((pattern) => allows(pattern, finding))) continue
      // The span as the trace hands it out, so span matchers can find its relatives.
      const span = trace.spanById(finding.span.spanId) ?? finding.span
      found.push({
        violation: {
          rule: rule.id,
          severity: rule.severity,
          span,
          message: finding.message,
          ...(finding.attribute !== undefined ? { attribute: finding.attribute } : {}),
        },
        rule: ruleIndex,
        position: position.get(span.spanId) ?? Number.MAX_SAFE_INTEGER,
      })
    }
  })
  const severityRank = (v: LintViolation): number => (v.severity === 'error' ? 0 : 1)
  found.sort((a, b) => severityRank(a.violation) - severityRank(b.violation) || a.position - b.position || a.rule - b.rule)
  return found.map((f) => f.violation)
}
