// Detectors for personal data and credentials in span names, attribute keys and values.

/** Personal data or a credential found in some text. */
export interface SensitiveFinding {
  /** What was found, for the message: `an e-mail address`, `a card number`, … */
  readonly what: string
  /** The found value, masked, so the failure message does not leak it a second time. */
  readonly masked: string
  /** How to fix it. */
  readonly fix: string
}

const FIX = {
  email: 'record an opaque user id (user.id) instead of the address',
  card: 'never record card numbers; keep at most the last four digits',
  credential: 'drop it: a credential in a trace is a leaked credential',
  urlPassword: 'redact the password (REDACTED:REDACTED@host) before recording the URL',
  urlQuery: 'redact the value (REDACTED) before recording the URL',
} as const

const REDACTED = /^(\*+|x{3,}|redacted|\[redacted\]|<redacted>|%2a+|-+)$/i

// URL userinfo (`scheme://user:password@`), so an address in it is not mistaken for an e-mail.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@]*)@/gi
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/
const CARD_CANDIDATE = /(?<![\d.])\d(?:[ -]?\d){12,18}(?!\d)/g
const BEARER = /\bbearer\s+([A-Za-z0-9\-._~+/]{8,}=*)/i
const BASIC = /\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/i
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/
const QUERY_SECRET = /[?&](api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token|token|password|passwd|secret|client[_-]?secret|sig|signature|x-amz-signature|x-goog-signature|awsaccesskeyid)=([^&#\s]+)/i

/**
 * The first piece of personal data or credential in `text`: an e-mail address, a card number
 * (Luhn-valid, with a card network's prefix), a bearer token, HTTP basic credentials, a JSON Web
 * Token, a password in a URL, or a key or token in a URL's query.
 *
 * @example
 * ```ts
 * findSensitiveText('user bob@example.com') // { what: 'an e-mail address', masked: 'b***@example.com', … }
 * ```
 */
export function findSensitiveText(text: string): SensitiveFinding | undefined {
  if (text.length < 6) return undefined
  const hasAt = text.includes('@')
  if (hasAt && text.includes('://')) {
    for (const match of text.matchAll(URL_USERINFO)) {
      const password = (match[2] ?? '').split(':').slice(1).join(':')
      if (password !== '' && !REDACTED.test(decodeSafely(password))) {
        return { what: 'a password in a URL', masked: `${match[1]}${(match[2] ?? '').split(':')[0]}:***@`, fix: FIX.urlPassword }
      }
    }
  }
  if (hasAt) {
    const email = EMAIL.exec(hasAt && text.includes('://') ? text.replace(URL_USERINFO, '$1') : text)
    if (email !== null) return { what: 'an e-mail address', masked: maskEmail(email[0]), fix: FIX.email }
  }
  const card = findCardNumber(text)
  if (card !== undefined) return { what: 'a card number', masked: `${'*'.repeat(card.length - 4)}${card.slice(-4)}`, fix: FIX.card }
  const jwt = text.includes('eyJ') ? JWT.exec(text) : null
  if (jwt !== null) return { what: 'a JSON Web Token', masked: `${jwt[0].slice(0, 6)}…`, fix: FIX.credential }
  const bearer = BEARER.exec(text)
  if (bearer !== null) return { what: 'a bearer token', masked: `Bearer ${(bearer[1] ?? '').slice(0, 3)}…`, fix: FIX.credential }
  const basic = BASIC.exec(text)
  if (basic !== null && isBasicCredential(basic[1] ?? '')) return { what: 'basic-auth credentials', masked: 'Basic …', fix: FIX.credential }
  if (text.includes('=')) {
    const secret = QUERY_SECRET.exec(text)
    if (secret !== null && !REDACTED.test(decodeSafely(secret[2] ?? ''))) {
      return { what: `a secret in a URL query (${secret[1]})`, masked: `${secret[1]}=***`, fix: FIX.urlQuery }
    }
  }
  return undefined
}

/** A card number in a numeric attribute value (a safe integer of 13 to 16 digits). */
export function findSensitiveNumber(value: number): SensitiveFinding | undefined {
  if (!Number.isSafeInteger(value) || value < 1e12) return undefined
  const digits = String(value)
  return isCardNumber(digits) ? { what: 'a card number', masked: `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`, fix: FIX.card } : undefined
}

/** What an attribute key says it holds, when that is a credential: `the Authorization header`, … */
export function findSensitiveKey(key: string): string | undefined {
  const name = key.toLowerCase()
  if (/(^|[._-])(proxy-)?authorization$/.test(name)) return 'an Authorization header'
  if (/(^|[._-])(set-)?cookie$/.test(name)) return 'a cookie'
  if (/(^|[._-])(x-)?api[-_]?key$/.test(name)) return 'an API key'
  if (/(^|[._-])(password|passwd)$/.test(name)) return 'a password'
  if (/(^|[._-])(client[-_])?secret$/.test(name)) return 'a secret'
  if (/(^|[._-])(access|refresh|id|auth|bearer|session|security)[-_]?token$/.test(name)) return 'a token'
  return undefined
}

/** True when a credential-named attribute holds only a redaction marker. */
export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && REDACTED.test(value.trim())
}

function findCardNumber(text: string): string | undefined {
  CARD_CANDIDATE.lastIndex = 0
  for (let match = CARD_CANDIDATE.exec(text); match !== null; match = CARD_CANDIDATE.exec(text)) {
    const digits = match[0].replace(/[ -]/g, '')
    if (isCardNumber(digits)) return digits
  }
  return undefined
}

// A card network's number: one of the issuers' prefixes and lengths, with a valid Luhn check digit.
// The prefixes keep ids and timestamps (which start with 1 for the next decades) from matching.
function isCardNumber(digits: string): boolean {
  const n = digits.length
  const p2 = Number(digits.slice(0, 2))
  const p3 = Number(digits.slice(0, 3))
  const p4 = Number(digits.slice(0, 4))
  const network =
    (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) ||
    (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) ||
    ((p2 === 34 || p2 === 37) && n === 15) ||
    ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) && n >= 16 && n <= 19) ||
    (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) ||
    (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19) ||
    (p2 === 62 && n >= 16 && n <= 19)
  return network && luhnValid(digits)
}

function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

// `Basic` followed by base64 of `user:password`, not the word "basic" before some long word.
function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  return /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded)
}

function maskEmail(email: string): string {
  const at = email.indexOf('@')
  return `${email[0]}***${email.slice(at)}`
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
