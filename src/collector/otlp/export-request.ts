import type protobuf from 'protobufjs'
import type { Attributes, CapturedScope } from '../../model/captured-span.js'
import { OtlpDecodeError } from '../../errors.js'
import {
  describe, isOtlpObject, objectAt, optionalObject, readString, repeated, toAttributes, type OtlpObject,
} from './otlp-values.js'

/**
 * How an OTLP export request body is encoded: `application/x-protobuf` or `application/json`.
 *
 * @example
 * ```ts
 * const encoding: OtlpEncoding = contentType === 'application/json' ? 'json' : 'protobuf'
 * ```
 */
export type OtlpEncoding = 'protobuf' | 'json'

/**
 * Where the items of one signal sit in its export request.
 *
 * @example
 * ```ts
 * const layout: ExportLayout = { requestType, resourceKey: 'resourceSpans', scopeKey: 'scopeSpans', itemKey: 'spans', itemName: ['span', 'spans'] }
 * ```
 */
export interface ExportLayout {
  readonly requestType: protobuf.Type
  readonly resourceKey: string
  readonly scopeKey: string
  readonly itemKey: string
  /** Singular and plural, for messages: `span`/`spans`. */
  readonly itemName: readonly [string, string]
}

/**
 * The resource and instrumentation scope shared by the items of one ScopeSpans/ScopeLogs.
 *
 * @example
 * ```ts
 * const group: ExportGroup = { resource: { 'service.name': 'orders' }, scope: { name: 'manual' } }
 * ```
 */
export interface ExportGroup {
  readonly resource: Attributes
  readonly scope: CapturedScope
}

/**
 * How deep a walk through a request is: in the request, a resource, a scope, or an item.
 *
 * @example
 * ```ts
 * report.depth = 3 // inside an item: errors name resourceSpans[r].scopeSpans[s].spans[i]
 * ```
 */
export type ExportDepth = 0 | 1 | 2 | 3

/** Problems kept for the response; the rest are only counted, so a bad batch stays a short reply. */
const MAX_LISTED_PROBLEMS = 5

/**
 * What went wrong with single items of a request: rejected items (counted for `partial_success`)
 * and warnings about parts of an item that were left out. The walk keeps its position here, so
 * every problem, and the error for a malformed body, names where it was found.
 *
 * @example
 * ```ts
 * const report = new ExportReport(TRACE_LAYOUT)
 * report.reject('spanId is missing')
 * report.message() // '1 span rejected. resourceSpans[0]...: spanId is missing'
 * ```
 */
export class ExportReport {
  readonly #layout: ExportLayout
  readonly #problems: string[] = []
  #unlisted = 0
  #rejected = 0
  #skipped = 0
  depth: ExportDepth = 0
  resourceIndex = 0
  scopeIndex = 0
  itemIndex = 0

  constructor(layout: ExportLayout) {
    this.#layout = layout
  }

  /** Items refused. */
  get rejected(): number {
    return this.#rejected
  }

  /** Items accepted but not kept, because tracewright has no use for them. */
  get skipped(): number {
    return this.#skipped
  }

  /** Accepts the current item without keeping it. */
  skip(): void {
    this.#skipped++
  }

  /** Refuses the current item because of `reason`. */
  reject(reason: string): void {
    this.#rejected++
    this.warn(reason)
  }

  /** Notes a problem with the current item that did not cost the item itself. */
  warn(reason: string): void {
    if (this.#problems.length < MAX_LISTED_PROBLEMS) this.#problems.push(`${this.location()}: ${reason}`)
    else this.#unlisted++
  }

  /** Where the walk is: `resourceSpans[0].scopeSpans[1].spans[2]`, or a shorter path above the items. */
  location(): string {
    const { resourceKey, scopeKey, itemKey } = this.#layout
    if (this.depth === 0) return 'the request'
    const resource = `${resourceKey}[${this.resourceIndex}]`
    if (this.depth === 1) return resource
    const scope = `${resource}.${scopeKey}[${this.scopeIndex}]`
    return this.depth === 2 ? scope : `${scope}.${itemKey}[${this.itemIndex}]`
  }

  /** The `partial_success.error_message`: empty when nothing went wrong. */
  message(): string {
    if (this.#problems.length === 0) return ''
    const [singular, plural] = this.#layout.itemName
    const head = this.#rejected > 0 ? `${this.#rejected} ${this.#rejected === 1 ? singular : plural} rejected. ` : ''
    const more = this.#unlisted > 0 ? `; and ${this.#unlisted} more` : ''
    return `${head}${this.#problems.join('; ')}${more}`
  }

  /**
   * The error for a body that is not a well-formed request, naming where the walk was when
   * `error` (from a field check or from the protobuf reader) was thrown. Errors that are not about
   * the body (bugs) are returned unchanged.
   */
  failure(encoding: OtlpEncoding, error: unknown): unknown {
    const aboutTheBody = error instanceof OtlpDecodeError || error instanceof RangeError ||
      (error instanceof Error && error.constructor === Error)
    if (!aboutTheBody) return error
    return decodeFailure(this.#layout, encoding, `${this.location()}: ${error.message}`, error)
  }
}

/**
 * Turns one item (a Span, a LogRecord) into what the store keeps; undefined when it keeps nothing.
 *
 * @example
 * ```ts
 * const keepNames: ConvertItem<string> = (item) => typeof item['name'] === 'string' ? item['name'] : undefined
 * ```
 */
export type ConvertItem<T> = (item: OtlpObject, group: ExportGroup, report: ExportReport) => T | undefined

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes an export request with protobufjs or `JSON.parse` and converts each of its items. Items
 * the converter rejects are counted in the report and the rest are kept; a body that is not a
 * well-formed request of this signal throws {@link OtlpDecodeError} with the reason and where in
 * the body it was found.
 *
 * @example
 * ```ts
 * const { items, report } = decodeExportRequest(body, 'json', LOGS_LAYOUT, toCapturedLog)
 * ```
 */
export function decodeExportRequest<T>(
  body: Uint8Array,
  encoding: OtlpEncoding,
  layout: ExportLayout,
  convert: ConvertItem<T>,
): { readonly items: T[]; readonly report: ExportReport } {
  const request = parseRequest(body, encoding, layout)
  const report = new ExportReport(layout)
  const items: T[] = []
  try {
    const resources = repeated(request[layout.resourceKey], layout.resourceKey)
    for (let r = 0; r < resources.length; r++) {
      report.depth = 1
      report.resourceIndex = r
      const resourceItems = objectAt(resources[r])
      const resource = toResource(optionalObject(resourceItems['resource'], 'resource'))
      const scopes = repeated(resourceItems[layout.scopeKey], layout.scopeKey)
      for (let s = 0; s < scopes.length; s++) {
        report.depth = 2
        report.scopeIndex = s
        const scopeItems = objectAt(scopes[s])
        const group: ExportGroup = { resource, scope: toScope(optionalObject(scopeItems['scope'], 'scope')) }
        const list = repeated(scopeItems[layout.itemKey], layout.itemKey)
        report.depth = 3
        for (let i = 0; i < list.length; i++) {
          report.itemIndex = i
          const converted = convert(objectAt(list[i]), group, report)
          if (converted !== undefined) items.push(converted)
        }
      }
    }
  } catch (error) {
    throw report.failure(encoding, error)
  }
  return { items, report }
}

/**
 * The attributes of a decoded Resource message, frozen because every span of it shares them.
 *
 * @example
 * ```ts
 * toResource({ attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] }) // { 'service.name': 'orders' }
 * ```
 */
export function toResource(resource: OtlpObject | undefined): Attributes {
  return Object.freeze(toAttributes(resource?.['attributes'], 'resource.attributes'))
}

/**
 * A decoded InstrumentationScope message; `version` only when there is one.
 *
 * @example
 * ```ts
 * toScope({ name: 'pg', version: '' }) // { name: 'pg' }
 * ```
 */
export function toScope(scope: OtlpObject | undefined): CapturedScope {
  const name = readString(scope?.['name'], 'scope.name')
  const version = readString(scope?.['version'], 'scope.version')
  return Object.freeze(version === '' ? { name } : { name, version })
}

/** The error for a body that is not a well-formed request of `layout`, saying how to send one. */
function decodeFailure(layout: ExportLayout, encoding: OtlpEncoding, reason: string, cause?: unknown): OtlpDecodeError {
  const name = layout.requestType.name
  const how = encoding === 'protobuf'
    ? `a protobuf-encoded ${name} with Content-Type application/x-protobuf`
    : `an OTLP/JSON ${name} (lowerCamelCase field names, hex ids, integer enums) with Content-Type application/json`
  return new OtlpDecodeError(
    `Failed to decode the OTLP/${encoding === 'protobuf' ? 'protobuf' : 'JSON'} ${name}: ${reason}. Please send ${how}.`,
    cause === undefined ? undefined : { cause },
  )
}

function parseRequest(body: Uint8Array, encoding: OtlpEncoding, layout: ExportLayout): OtlpObject {
  if (encoding === 'protobuf') {
    try {
      return layout.requestType.decode(body) as unknown as OtlpObject
    } catch (error) {
      throw decodeFailure(layout, encoding, (error as Error).message, error)
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(utf8.decode(body))
  } catch (error) {
    throw decodeFailure(layout, encoding, `the body is not JSON (${(error as Error).message})`, error)
  }
  if (!isOtlpObject(parsed)) throw decodeFailure(layout, encoding, `the body must be a JSON object, got ${describe(parsed)}`)
  const snakeKey = layout.resourceKey.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
  if (parsed[layout.resourceKey] === undefined && parsed[snakeKey] !== undefined) {
    throw decodeFailure(layout, encoding, `found "${snakeKey}"; OTLP/JSON field names are lowerCamelCase ("${layout.resourceKey}")`)
  }
  return parsed
}
