// A small schema for the JSON tracewright reads back from disk or from another process: baseline
// files, stored comparison reports and the matcher's test meta. A schema check returns the first
// problem with the path of the bad field, so every reader names the field and the fix the same way.
// (A schema library would do the same; the messages the readers promise need their own wording
// per field anyway, which is the `label` below.)

/** One step of a path into a JSON value: a property name or an array index. */
export type PathStep = string | number

/** The first thing a value got wrong. */
export interface SchemaProblem {
  /** Where, from the root: `['tests', 'a test', 'runs']`. */
  readonly path: readonly PathStep[]
  /** What was expected there, e.g. `a number`. */
  readonly expected: string
  /** What was there. */
  readonly got: unknown
  /** The reader's own words for the nearest labelled field, e.g. `test "a test" is malformed`. */
  readonly label?: string
}

/** Checks a value found at `path`; `root` is the whole document, for labels that need context. */
export interface Schema {
  check(value: unknown, path: readonly PathStep[], root: unknown): SchemaProblem | undefined
}

const schema = (expected: string, accepts: (value: unknown) => boolean): Schema => ({
  check: (value, path) => (accepts(value) ? undefined : { path, expected, got: value }),
})

/** A string. */
export const string: Schema = schema('a string', (v) => typeof v === 'string')
/** `true` or `false`. */
export const boolean: Schema = schema('true or false', (v) => typeof v === 'boolean')
/** Any number, Infinity included (structured clone keeps it; JSON writes it as null). */
export const number: Schema = schema('a number', (v) => typeof v === 'number')
/** A finite number of at least `min` (default: any). */
export function finite(min = Number.NEGATIVE_INFINITY): Schema {
  return schema(min === Number.NEGATIVE_INFINITY ? 'a finite number' : `a finite number ≥ ${min}`, (v) => typeof v === 'number' && Number.isFinite(v) && v >= min)
}
/** Exactly this value. */
export function literal(expected: string | number | boolean): Schema {
  return schema(JSON.stringify(expected), (v) => v === expected)
}

/** A plain object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An object field that may be absent. */
export function optional(inner: Schema): Schema {
  return { check: (value, path, root) => (value === undefined ? undefined : inner.check(value, path, root)) }
}

/** An array whose every item matches `item`. */
export function array(item: Schema): Schema {
  return {
    check: (value, path, root) => {
      if (!Array.isArray(value)) return { path, expected: 'an array', got: value }
      for (const [i, v] of value.entries()) {
        const problem = item.check(v, [...path, i], root)
        if (problem !== undefined) return problem
      }
      return undefined
    },
  }
}

/** An object used as a map: any keys, every value matching `item`. */
export function record(item: Schema): Schema {
  return {
    check: (value, path, root) => {
      if (!isObject(value)) return { path, expected: 'an object', got: value }
      for (const [key, v] of Object.entries(value)) {
        const problem = item.check(v, [...path, key], root)
        if (problem !== undefined) return problem
      }
      return undefined
    },
  }
}

/** An object with these fields (others are allowed and ignored, so newer writers stay readable). */
export function object(fields: Readonly<Record<string, Schema>>): Schema {
  return {
    check: (value, path, root) => {
      if (!isObject(value)) return { path, expected: 'an object', got: value }
      for (const [name, field] of Object.entries(fields)) {
        // A missing field is checked like any other value, so its own label names it.
        const problem = field.check(value[name], [...path, name], root)
        if (problem !== undefined) return problem
      }
      return undefined
    },
  }
}

/** A value both schemas accept (a shape plus a rule across its fields). */
export function both(first: Schema, second: Schema): Schema {
  return { check: (value, path, root) => first.check(value, path, root) ?? second.check(value, path, root) }
}

/** A rule no combinator says: `accepts` sees the value; `expected` says what it should be. */
export function rule(expected: string, accepts: (value: unknown) => boolean): Schema {
  return schema(expected, accepts)
}

/**
 * Gives a problem inside `inner` the reader's words for this field, unless a field nearer the
 * problem already gave it some. Keeps the wording pinned by a reader's documented messages
 * (`test "t" is malformed`) while the path still says exactly which field was wrong.
 */
export function labelled(inner: Schema, label: (path: readonly PathStep[], root: unknown) => string): Schema {
  return {
    ...inner,
    check: (value, path, root) => {
      const problem = inner.check(value, path, root)
      return problem === undefined || problem.label !== undefined ? problem : { ...problem, label: label(path, root) }
    },
  }
}

/** Anything present: a field that must be there, whatever it holds. */
export const anything: Schema = schema('a value', (v) => v !== undefined)

/**
 * What a document's `schemaVersion` means for a reader of version `current`: fine (undefined),
 * written by a newer tracewright (`newer`), or unreadable (`problem`).
 */
export function schemaVersionProblem(data: unknown, current: number): { readonly newer: number } | { readonly problem: string } | undefined {
  const version = isObject(data) ? data['schemaVersion'] : undefined
  if (typeof version !== 'number') return { problem: 'it has no schemaVersion' }
  if (version > current) return { newer: version }
  if (version !== current) return { problem: `schema ${version} is not supported` }
  return undefined
}

/** The first problem of `value` against `schema`, or undefined when it matches. */
export function findProblem(schema: Schema, value: unknown): SchemaProblem | undefined {
  return schema.check(value, [], value)
}

/**
 * A problem in words: the reader's label, then the path, what was there and what was expected.
 *
 * @example
 * ```ts
 * describeProblem({ path: ['tests', 't', 'runs'], expected: 'a number', got: '3' })
 * // 'tests["t"].runs is "3", expected a number'
 * ```
 */
export function describeProblem(problem: SchemaProblem): string {
  const at = `${formatPath(problem.path)} is ${describeGot(problem.got)}, expected ${problem.expected}`
  return problem.label === undefined ? at : `${problem.label} (${at})`
}

/** `tests["a test"].keys["svc | GET"].durationMs[3]`; `(the top level)` for the root. */
export function formatPath(path: readonly PathStep[]): string {
  if (path.length === 0) return '(the top level)'
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$]*$/.test(step) ? `${i === 0 ? '' : '.'}${step}` : `[${JSON.stringify(step)}]`)).join('')
}

function describeGot(value: unknown): string {
  if (value === undefined) return 'missing'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object' && value !== null) return 'an object'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}…` : text
}
