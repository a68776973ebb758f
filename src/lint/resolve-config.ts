import { UsageError } from '../errors.js'
import type { Trace } from '../select/trace.js'
import { describeValue } from '../select/describe.js'
import { explainBadAllowPattern } from './allow.js'
import type { LintRule, RuleContext } from './lint-rule.js'
import { BUILT_IN_RULES } from './rules/index.js'
import type { AllowPattern, CustomLintRule, LintConfig, LintFinding, LintRuleSeverity, LintSeverity } from './types.js'

/** A rule as it runs: its effective severity and everything it allows. */
export interface ResolvedRule {
  readonly id: string
  readonly severity: LintSeverity
  readonly allow: readonly AllowPattern[]
  readonly check: (trace: Trace, context: RuleContext) => readonly LintFinding[]
  readonly custom: boolean
}

const SEVERITIES: readonly LintRuleSeverity[] = ['error', 'warning', 'off']
const CONFIG_KEYS = ['rules', 'custom']
const RULE_OPTION_KEYS = ['severity', 'allow']
const CUSTOM_KEYS = ['check', 'severity']

function fail(reason: string, fix: string): never {
  throw new UsageError(`Failed to lint the trace: ${reason}. Please ${fix}.`)
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp)

function checkKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) fail(`${where} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`, `use only ${allowed.join(', ')}`)
}

function checkSeverity(value: unknown, where: string): LintRuleSeverity {
  if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value)) return value as LintRuleSeverity
  return fail(`${where} is ${describeValue(value)}, not a severity`, `use ${SEVERITIES.map((s) => `'${s}'`).join(', ')}`)
}

function checkAllow(value: unknown, where: string): readonly AllowPattern[] {
  if (!Array.isArray(value)) fail(`${where} is ${describeValue(value)}, not an array`, 'pass an array of span names or attribute keys (strings, RegExps or asymmetric matchers), or { span, attribute, scope, service } objects')
  value.forEach((pattern: unknown, i) => {
    const problem = explainBadAllowPattern(pattern)
    if (problem !== undefined) fail(`${where}[${i}]: ${problem}`, 'pass a span name or attribute key (a string, a RegExp or an asymmetric matcher), or { span, attribute, scope, service }')
  })
  return value as readonly AllowPattern[]
}

interface RuleDraft {
  id: string
  severity: LintRuleSeverity
  allow: readonly AllowPattern[]
  check: ResolvedRule['check']
  custom: boolean
}

function builtInDraft(rule: LintRule): RuleDraft {
  return { id: rule.id, severity: rule.severity, allow: (rule.knownDeviations ?? []).map((d) => d.allow), check: rule.check, custom: false }
}

function customDraft(id: string, value: unknown): RuleDraft {
  const where = `config.custom[${JSON.stringify(id)}]`
  if (typeof value === 'function') return { id, severity: 'error', allow: [], check: value as CustomLintRule, custom: true }
  if (!isPlainObject(value) || typeof value['check'] !== 'function') {
    return fail(`${where} is ${describeValue(value)}`, 'pass a function (trace, context) => [{ span, message }], or { check, severity }')
  }
  checkKeys(value, CUSTOM_KEYS, where)
  const severity = value['severity'] === undefined ? 'error' : checkSeverity(value['severity'], `${where}.severity`)
  return { id, severity, allow: [], check: value['check'] as CustomLintRule, custom: true }
}

/**
 * The rules a lint runs, built-in first then custom, with the config's severities and allowances
 * applied. A config that names an unknown rule, a bad severity or a bad pattern throws a
 * {@link UsageError} before anything runs.
 *
 * @example
 * ```ts
 * resolveRules({ rules: { 'attribute-naming': 'off' } }).map((r) => r.id) // every rule but attribute-naming
 * ```
 */
export function resolveRules(config: LintConfig | undefined): ResolvedRule[] {
  const drafts = BUILT_IN_RULES.map(builtInDraft)
  if (config !== undefined) applyConfig(config, drafts)
  return drafts.filter((d): d is RuleDraft & { severity: LintSeverity } => d.severity !== 'off')
}

function applyConfig(config: unknown, drafts: RuleDraft[]): void {
  if (!isPlainObject(config)) fail(`the config is ${describeValue(config)}`, "pass an object such as { rules: { 'span-kind': 'warning' } }")
  checkKeys(config, CONFIG_KEYS, 'the config')
  const byId = new Map(drafts.map((d) => [d.id, d]))
  const custom: unknown = config['custom']
  if (custom !== undefined) {
    if (!isPlainObject(custom)) fail(`config.custom is ${describeValue(custom)}`, 'pass an object of rule ids to functions')
    for (const [id, value] of Object.entries(custom)) {
      if (byId.has(id)) fail(`config.custom[${JSON.stringify(id)}] has the id of a built-in rule`, 'give the custom rule an id of its own')
      if (!/^[a-z0-9][a-z0-9._/-]*$/i.test(id)) fail(`config.custom has the rule id ${JSON.stringify(id)}`, 'use letters, digits, dots, dashes and slashes')
      const draft = customDraft(id, value)
      drafts.push(draft)
      byId.set(id, draft)
    }
  }
  const rules: unknown = config['rules']
  if (rules !== undefined) {
    if (!isPlainObject(rules)) fail(`config.rules is ${describeValue(rules)}`, "pass an object such as { 'span-kind': 'warning' }")
    for (const [id, setting] of Object.entries(rules)) {
      const draft = byId.get(id)
      if (draft === undefined) {
        const customIds = drafts.filter((d) => d.custom).map((d) => d.id)
        fail(
          `config.rules names the unknown rule ${JSON.stringify(id)}`,
          `use one of the known rules: ${BUILT_IN_RULES.map((r) => r.id).join(', ')}` +
            (customIds.length > 0 ? ` (custom: ${customIds.join(', ')})` : '') + ', or define it under config.custom',
        )
      }
      const where = `config.rules[${JSON.stringify(id)}]`
      if (typeof setting === 'string') {
        draft.severity = checkSeverity(setting, where)
      } else if (isPlainObject(setting)) {
        checkKeys(setting, RULE_OPTION_KEYS, where)
        if (setting['severity'] !== undefined) draft.severity = checkSeverity(setting['severity'], `${where}.severity`)
        if (setting['allow'] !== undefined) draft.allow = [...draft.allow, ...checkAllow(setting['allow'], `${where}.allow`)]
      } else {
        fail(`${where} is ${describeValue(setting)}`, "use 'error', 'warning', 'off' or { severity, allow }")
      }
    }
  }
}
