import type { TraceBreak } from '../model/trace-breaks.js'
import type { Trace } from '../select/trace.js'
import type { AllowPattern, LintContext, LintFinding, LintSeverity } from './types.js'

/** What built-in rules get beyond the public {@link LintContext}: work several rules share, done once. */
export interface RuleContext extends LintContext {
  /** `findTraceBreaks(trace)`, computed on first use. */
  readonly breaks: readonly TraceBreak[]
}

/**
 * A convention an official instrumentation is known to break, allowed by default so that linting
 * its spans stays quiet; listed in the docs with the reason.
 */
export interface KnownDeviation {
  readonly allow: AllowPattern
  readonly reason: string
}

/** A built-in rule: its id, default severity, a one-line doc and the check itself. */
export interface LintRule {
  readonly id: string
  readonly severity: LintSeverity
  /** What the rule checks, one sentence. */
  readonly description: string
  readonly knownDeviations?: readonly KnownDeviation[]
  check(trace: Trace, context: RuleContext): LintFinding[]
}
