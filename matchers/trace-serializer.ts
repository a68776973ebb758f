import { renderTraceSnapshot } from '../src/model/trace-snapshot.js'
import type { TraceSnapshotOptions } from '../src/model/trace-snapshot.js'
import { Trace } from '../src/select/trace.js'
import { treeOf } from '../src/select/trace-trees.js'

/**
 * A snapshot serializer for vitest's `expect.addSnapshotSerializer()` (the pretty-format plugin
 * shape, so Jest's `expect` takes it too).
 */
export interface TraceSnapshotSerializer {
  /** True for a {@link Trace}. */
  test(value: unknown): boolean
  /** The trace as its snapshot text, continued at `indentation` when nested in another value. */
  serialize(value: unknown, config: unknown, indentation: string): string
}

/**
 * A snapshot serializer that stores a {@link Trace} as a stable text tree (see
 * `renderTraceSnapshot`): names, kinds, services, status codes and the allowed attributes; no ids,
 * no times; siblings in a canonical order. `tracewright/vitest` registers one with the default
 * attributes; register your own to choose them (the serializer added last wins).
 *
 * @example
 * ```ts
 * // vitest set-up file, or the top of a spec
 * import { DEFAULT_SNAPSHOT_ATTRIBUTES } from 'tracewright'
 * import { traceSerializer } from 'tracewright/matchers'
 * expect.addSnapshotSerializer(traceSerializer({ attributes: [...DEFAULT_SNAPSHOT_ATTRIBUTES, 'order.id'] }))
 *
 * expect(trace).toMatchSnapshot()
 * ```
 */
export function traceSerializer(options: TraceSnapshotOptions = {}): TraceSnapshotSerializer {
  const attributes = readAttributes(options)
  const render = attributes === undefined ? {} : { attributes }
  return {
    test: (value: unknown): boolean => value instanceof Trace,
    // A trace nested in another value (`{ status, trace }`) continues at the caller's indentation.
    serialize: (value: unknown, _config: unknown, indentation: string): string => {
      const text = renderTraceSnapshot(treeOf(value as Trace), render)
      return indentation === '' ? text : text.replaceAll('\n', `\n${indentation}`)
    },
  }
}

/** The serializer `tracewright/vitest` registers: {@link traceSerializer} with the default attributes. */
export const traceSnapshotSerializer: TraceSnapshotSerializer = traceSerializer()

function readAttributes(options: unknown): readonly string[] | undefined {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`traceSerializer() expects options such as { attributes: ['http.route'] }, received ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`)
  }
  const { attributes, ...rest } = options as { attributes?: unknown }
  const extra = Object.keys(rest)
  if (extra.length > 0) throw new TypeError(`traceSerializer() got an unknown option ${JSON.stringify(extra[0])}. The only option is attributes (an array of attribute keys).`)
  if (attributes === undefined) return undefined
  if (!Array.isArray(attributes) || attributes.some((k) => typeof k !== 'string')) {
    throw new TypeError('traceSerializer() expects attributes to be an array of attribute keys, e.g. [...DEFAULT_SNAPSHOT_ATTRIBUTES, \'order.id\'].')
  }
  return attributes as readonly string[]
}
