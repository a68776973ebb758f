import type { AttributeValue, Attributes, CapturedSpan } from '../../model/captured-span.js'
import type { LintRule } from '../lint-rule.js'
import { findSensitiveKey, findSensitiveNumber, findSensitiveText, isRedacted } from '../personal-data.js'
import type { SensitiveFinding } from '../personal-data.js'
import { spanRef } from '../span-reference.js'
import type { LintFinding } from '../types.js'

// Keys repeat on every span and many values do too (methods, routes, system names): each is
// looked at once per lint.
class SensitiveScan {
  readonly #keys = new Map<string, string | undefined>()
  readonly #texts = new Map<string, SensitiveFinding | undefined>()

  key(key: string): string | undefined {
    if (this.#keys.has(key)) return this.#keys.get(key)
    const found = findSensitiveKey(key)
    this.#keys.set(key, found)
    return found
  }

  text(text: string): SensitiveFinding | undefined {
    if (text.length < 6) return undefined
    if (this.#texts.has(text)) return this.#texts.get(text)
    const found = findSensitiveText(text)
    this.#texts.set(text, found)
    return found
  }

  value(value: AttributeValue): SensitiveFinding | undefined {
    if (typeof value === 'string') return this.text(value)
    if (typeof value === 'number') return findSensitiveNumber(value)
    if (Array.isArray(value)) {
      for (const item of value as readonly unknown[]) {
        const found = typeof item === 'string' ? this.text(item) : typeof item === 'number' ? findSensitiveNumber(item) : undefined
        if (found !== undefined) return found
      }
    }
    return undefined
  }

  attributes(span: CapturedSpan, attributes: Attributes, where: string, findings: LintFinding[]): void {
    for (const key in attributes) {
      const value = attributes[key] as AttributeValue
      const keyHolds = this.key(key)
      if (keyHolds !== undefined && !isRedacted(value)) {
        findings.push({
          span,
          attribute: key,
          message: `${where} has ${key}, which holds ${keyHolds}; stop recording it (remove it from the headers or fields the instrumentation captures), or redact its value`,
        })
        continue
      }
      const found = this.value(value)
      if (found !== undefined) findings.push({ span, attribute: key, message: `${where}: ${key} holds ${found.what} (${found.masked}); ${found.fix}` })
    }
  }
}

/** No personal data or credentials in span names, attribute names or values. */
export const noPersonalData: LintRule = {
  id: 'no-personal-data',
  severity: 'error',
  description: 'No e-mail addresses, card numbers, bearer tokens, JWTs, passwords or API keys in span names, attribute values (events included), ' +
    'and no authorization, cookie or API-key headers among the attributes.',
  check(_trace, context) {
    const findings: LintFinding[] = []
    const scan = new SensitiveScan()
    for (const span of context.spans) {
      const inName = scan.text(span.name)
      if (inName !== undefined) {
        findings.push({ span, message: `the name of ${span.kind} span ${span.spanId} holds ${inName.what} (${inName.masked}); name the span after the operation, and ${inName.fix}` })
      }
      scan.attributes(span, span.attributes, spanRef(span), findings)
      for (const event of span.events) scan.attributes(span, event.attributes, `event ${JSON.stringify(event.name)} of ${spanRef(span)}`, findings)
    }
    return findings
  },
}
