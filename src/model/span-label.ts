import type { AttributeValue, CapturedSpan } from './captured-span.js'

/** Longest statement text kept in a label; longer ones end in `…`. */
const MAX_STATEMENT_CHARS = 120

// Stores whose "statement" carries the data's keys (`get user:42`): their command name is the
// behaviour, and the text would make every key a new identity.
const KEY_VALUE_SYSTEMS = new Set(['redis', 'memcached', 'dynamodb', 'hbase', 'couchbase', 'geode'])

/**
 * What a span does, in a few words that stay the same from run to run: its name, unless the name
 * is generic. Database instrumentations often name every query alike (`pg.query:SELECT test` is
 * "some SELECT on database test"); then the behaviour-defining attribute tells queries apart:
 * `db.query.summary`, else `db.operation.name` with `db.collection.name`, else the statement text
 * with its literals replaced by `?` and its whitespace collapsed.
 *
 * @example
 * ```ts
 * spanLabel(pgSpan) // 'SELECT sku, name FROM products WHERE sku = $1', not 'pg.query:SELECT test'
 * ```
 */
export function spanLabel(span: CapturedSpan): string {
  return behaviourLabel(span) ?? span.name
}

/**
 * The behaviour-defining label of a database span whose name is generic, else undefined (the name
 * says what the span does).
 */
export function behaviourLabel(span: CapturedSpan): string | undefined {
  const a = span.attributes
  const system = text(a['db.system.name']) ?? text(a['db.system'])
  if (system === undefined) return undefined
  const summary = text(a['db.query.summary'])
  const operation = text(a['db.operation.name']) ?? text(a['db.operation'])
  const collection = text(a['db.collection.name']) ?? text(a['db.sql.table'])
  const statement = text(a['db.query.text']) ?? text(a['db.statement'])
  const label = summary ??
    (operation !== undefined && collection !== undefined ? `${operation} ${collection}` : undefined) ??
    (statement !== undefined && !KEY_VALUE_SYSTEMS.has(system.toLowerCase()) ? normaliseStatement(statement) : undefined)
  if (label === undefined || label === span.name) return undefined
  return isGenericName(span.name, [operation, statement?.trim().split(/\s+/, 1)[0], system, text(a['db.namespace']) ?? text(a['db.name'])])
    ? label
    : undefined
}

/**
 * A name is generic when, past an instrumentation prefix (`pg.query:`), it holds nothing but the
 * operation, the database system and the database name: nothing that tells two queries apart.
 */
function isGenericName(name: string, genericWords: readonly (string | undefined)[]): boolean {
  const words = new Set(genericWords.filter((w): w is string => w !== undefined).map((w) => w.toLowerCase()))
  const bare = name.replace(/^[\w.-]+:/, '')
  return bare.split(/\s+/).every((word) => word === '' || words.has(word.toLowerCase()))
}

/**
 * Statement text as an identity: string and number literals become `?` (they change per request,
 * the statement's shape does not), whitespace collapses, and long text is cut.
 */
export function normaliseStatement(statement: string): string {
  const shape = statement
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/(?<![\w$.])-?\d+(?:\.\d+)?(?![\w.])/g, '?')
    .replace(/\s+/g, ' ')
    .trim()
  return shape.length > MAX_STATEMENT_CHARS ? `${shape.slice(0, MAX_STATEMENT_CHARS - 1)}…` : shape
}

function text(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
