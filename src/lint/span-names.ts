// What makes a span name high-cardinality, and the low-cardinality name it should have instead.

/** The high-cardinality parts found in a span name and the name with them taken out. */
export interface NameCardinality {
  /** What was found, for the message: `an id`, `a UUID and a query string`, … */
  readonly what: string
  /** The noun for "put the … in an attribute": `id` when every part is an id, else `value`. */
  readonly noun: 'id' | 'value'
  /** The name with every part replaced: `:id` inside a path, dropped elsewhere. */
  readonly template: string
}

const FULL_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s]*/gi
const QUERY_STRING = /\?[^\s=&#]+=[^\s#]*/g
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
// A run of 12+ hex digits with at least one digit and one letter: object ids, hashes, trace ids.
const HEX_ID = /(?<![0-9a-z])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{12,}(?![0-9a-z])/gi
// A number standing on its own: not part of a word (`v2`, `s3`) or a dotted version (`HTTP/1.1`).
const NUMBER = /(?<![\w.])\d+(?![\w]|\.\d)/g
const QUOTED = /'[^']*'|"[^"]*"/g
// Only names containing one of these can have any of the parts above.
const MAY_VARY = /[0-9'"?]|:\/\//

/**
 * The high-cardinality parts of a span name (full URLs, query strings, UUIDs, hex ids, numbers,
 * quoted values), or undefined when the name has none.
 *
 * @example
 * ```ts
 * findHighCardinality('GET /users/8231') // { what: 'an id', noun: 'id', template: 'GET /users/:id' }
 * findHighCardinality('GET /users/:id')  // undefined
 * ```
 */
export function findHighCardinality(name: string): NameCardinality | undefined {
  if (!MAY_VARY.test(name)) return undefined
  const found = new Set<string>()
  let template = name.replace(FULL_URL, (url) => {
    found.add('a full URL')
    return pathOfUrl(url)
  })
  template = template.replace(QUERY_STRING, () => {
    found.add('a query string')
    return ''
  })
  const replaceIds = (pattern: RegExp, what: string, elsewhere: string): void => {
    template = template.replace(pattern, (match: string, offset: number, whole: string) => {
      const inPath = whole[offset - 1] === '/'
      if (!inPath && pattern === NUMBER && match.length < 2) return match
      found.add(inPath ? (pattern === UUID ? 'a UUID' : 'an id') : what)
      return inPath ? ':id' : elsewhere
    })
  }
  replaceIds(UUID, 'a UUID', '')
  replaceIds(HEX_ID, 'an id', '')
  replaceIds(NUMBER, 'a number', '')
  template = template.replace(QUOTED, () => {
    found.add('a quoted value')
    return ''
  })
  if (found.size === 0) return undefined
  const parts = [...found]
  const onlyIds = parts.every((what) => what === 'an id' || what === 'a UUID')
  return {
    what: parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] as string),
    noun: onlyIds ? 'id' : 'value',
    template: tidy(template),
  }
}

function pathOfUrl(url: string): string {
  const afterScheme = url.slice(url.indexOf('://') + 3)
  const slash = afterScheme.indexOf('/')
  const path = slash === -1 ? '/' : afterScheme.slice(slash)
  return path.split(/[?#]/)[0] || '/'
}

// Dropping a part can leave doubled or dangling separators behind: `process  batch`, `orders-`.
function tidy(template: string): string {
  return template.replace(/\s{2,}/g, ' ').replace(/[\s\-_:,=]+$/, '').replace(/^[\s\-_:,=]+/, '').trim()
}
