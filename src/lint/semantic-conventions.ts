// Facts from the OpenTelemetry semantic conventions that the rules check against: which attributes
// identify a protocol, and what the previous naming generations called them.
import type { AttributeValue, CapturedSpan, SpanKindName } from '../model/captured-span.js'

/** An attribute name the conventions replaced, and what replaced it. */
export interface RenamedAttribute {
  /** The current name; on spans of these kinds the replacement differs (see `byKind`). */
  readonly current: string | undefined
  /** Where the replacement depends on the span kind (`net.peer.name` is the server on a CLIENT span, the client on a SERVER span). */
  readonly byKind?: Partial<Record<SpanKindName, string>>
}

/**
 * Outdated attribute names, by old name. `current: undefined` means the attribute was dropped.
 * RPC names are absent on purpose: the RPC conventions are not stable yet and instrumentations are
 * asked to keep emitting `rpc.system` and `rpc.grpc.status_code` by default, so they are not outdated.
 */
export const RENAMED_ATTRIBUTES: ReadonlyMap<string, RenamedAttribute> = new Map<string, RenamedAttribute>([
  // HTTP and networking: the stable HTTP conventions.
  ['http.method', { current: 'http.request.method' }],
  ['http.status_code', { current: 'http.response.status_code' }],
  ['http.url', { current: 'url.full' }],
  ['http.target', { current: 'url.path' }],
  ['http.scheme', { current: 'url.scheme' }],
  ['http.host', { current: 'server.address' }],
  ['http.server_name', { current: 'server.address' }],
  ['http.user_agent', { current: 'user_agent.original' }],
  ['http.client_ip', { current: 'client.address' }],
  ['http.flavor', { current: 'network.protocol.version' }],
  ['http.request_content_length', { current: 'http.request.body.size' }],
  ['http.response_content_length', { current: 'http.response.body.size' }],
  ['http.retry_count', { current: 'http.request.resend_count' }],
  ['http.resend_count', { current: 'http.request.resend_count' }],
  ['net.peer.name', { current: 'server.address', byKind: { SERVER: 'client.address' } }],
  ['net.peer.port', { current: 'server.port', byKind: { SERVER: 'client.port' } }],
  ['net.host.name', { current: 'server.address' }],
  ['net.host.port', { current: 'server.port' }],
  ['net.peer.ip', { current: 'network.peer.address' }],
  ['net.host.ip', { current: 'network.local.address' }],
  ['net.sock.peer.addr', { current: 'network.peer.address' }],
  ['net.sock.peer.port', { current: 'network.peer.port' }],
  ['net.sock.host.addr', { current: 'network.local.address' }],
  ['net.sock.host.port', { current: 'network.local.port' }],
  ['net.sock.family', { current: 'network.type' }],
  ['net.transport', { current: 'network.transport' }],
  ['net.protocol.name', { current: 'network.protocol.name' }],
  ['net.protocol.version', { current: 'network.protocol.version' }],
  ['net.app.protocol.name', { current: 'network.protocol.name' }],
  ['net.app.protocol.version', { current: 'network.protocol.version' }],
  // Databases: the stable database conventions.
  ['db.system', { current: 'db.system.name' }],
  ['db.operation', { current: 'db.operation.name' }],
  ['db.statement', { current: 'db.query.text' }],
  ['db.name', { current: 'db.namespace' }],
  ['db.sql.table', { current: 'db.collection.name' }],
  ['db.mongodb.collection', { current: 'db.collection.name' }],
  ['db.cosmosdb.container', { current: 'db.collection.name' }],
  ['db.cassandra.table', { current: 'db.collection.name' }],
  ['db.redis.database_index', { current: 'db.namespace' }],
  ['db.elasticsearch.cluster.name', { current: 'db.namespace' }],
  ['db.connection_string', { current: 'server.address' }],
  // Messaging.
  ['messaging.operation', { current: 'messaging.operation.type' }],
  ['messaging.destination', { current: 'messaging.destination.name' }],
  ['messaging.destination_kind', { current: undefined }],
  ['messaging.temp_destination', { current: 'messaging.destination.temporary' }],
  ['messaging.protocol', { current: 'network.protocol.name' }],
  ['messaging.protocol_version', { current: 'network.protocol.version' }],
  ['messaging.url', { current: 'server.address' }],
  ['messaging.message_id', { current: 'messaging.message.id' }],
  ['messaging.conversation_id', { current: 'messaging.message.conversation_id' }],
  ['messaging.message_payload_size_bytes', { current: 'messaging.message.body.size' }],
  ['messaging.message_payload_compressed_size_bytes', { current: 'messaging.message.envelope.size' }],
  ['messaging.rabbitmq.routing_key', { current: 'messaging.rabbitmq.destination.routing_key' }],
  ['messaging.kafka.partition', { current: 'messaging.destination.partition.id' }],
  ['messaging.kafka.message_key', { current: 'messaging.kafka.message.key' }],
  ['messaging.kafka.consumer_group', { current: 'messaging.consumer.group.name' }],
  ['messaging.kafka.tombstone', { current: 'messaging.kafka.message.tombstone' }],
  // Source code and the SDK's own attributes.
  ['code.function', { current: 'code.function.name' }],
  ['code.filepath', { current: 'code.file.path' }],
  ['code.lineno', { current: 'code.line.number' }],
  ['code.column', { current: 'code.column.number' }],
  ['otel.library.name', { current: 'otel.scope.name' }],
  ['otel.library.version', { current: 'otel.scope.version' }],
])

/**
 * The current name replacing `old` on a span of `kind`, undefined when the attribute was dropped.
 *
 * @example
 * ```ts
 * currentNameOf('net.peer.name', 'CLIENT') // 'server.address'
 * currentNameOf('net.peer.name', 'SERVER') // 'client.address'
 * ```
 */
export function currentNameOf(old: string, kind: SpanKindName): string | undefined {
  const renamed = RENAMED_ATTRIBUTES.get(old)
  return renamed?.byKind?.[kind] ?? renamed?.current
}

/** One attribute a kind of span must carry, under its current name or one it accepts instead. */
export interface RequiredAttribute {
  readonly key: string
  /**
   * Other attributes that count as present: its previous names (the outdated-attributes rule
   * reports those) and attributes the same fact can be read from.
   */
  readonly accepts: readonly string[]
  /** How to fill it in, for the message: "set it to …". */
  readonly hint: string
}

const required = (key: string, accepts: readonly string[], hint: string): RequiredAttribute => ({ key, accepts, hint })

const METHOD = required('http.request.method', ['http.method'], 'set it to the request method (GET, POST, …)')
const STATUS = required('http.response.status_code', ['http.status_code'], 'set it to the status code of the response')

/** Attributes every HTTP SERVER span carries (`http.route` is checked separately: it exists only when a route matched). */
export const HTTP_SERVER_ATTRIBUTES: readonly RequiredAttribute[] = [
  METHOD,
  required('url.path', ['http.target', 'http.url'], 'set it to the path of the request URL (without the query)'),
  STATUS,
]

/** Attributes every HTTP CLIENT span carries. */
export const HTTP_CLIENT_ATTRIBUTES: readonly RequiredAttribute[] = [
  METHOD,
  required('url.full', ['http.url'], 'set it to the full request URL, credentials redacted'),
  required('server.address', ['net.peer.name', 'http.host'], 'set it to the host the request was sent to'),
  STATUS,
]

/** Database spans: the system, and the operation (or the query it can be read from). */
export const DB_SYSTEM = required('db.system.name', ['db.system'], 'set it to the database system (postgresql, redis, mongodb, …)')
export const DB_OPERATION = required(
  'db.operation.name',
  ['db.operation', 'db.query.summary', 'db.query.text', 'db.statement', 'db.stored_procedure.name'],
  'set it to the operation (SELECT, findAndModify, GET, …) or record the query in db.query.text',
)

/** Messaging spans: the system and the operation. */
export const MESSAGING_SYSTEM = required('messaging.system', [], 'set it to the messaging system (kafka, rabbitmq, aws_sqs, …)')
export const MESSAGING_OPERATION = required(
  'messaging.operation.type',
  ['messaging.operation', 'messaging.operation.name'],
  'set it to the kind of operation (send, receive, process, create, settle)',
)

/** RPC spans: the system and the method (`rpc.system` is not outdated yet, see RENAMED_ATTRIBUTES). */
export const RPC_SYSTEM = required('rpc.system', ['rpc.system.name'], 'set it to the RPC system (grpc, connect_rpc, jsonrpc, …)')
export const RPC_METHOD = required('rpc.method', [], 'set it to the method called (e.g. "EchoService/Echo")')

/** The value of the first of `keys` the span carries. */
export function attributeOf(span: CapturedSpan, keys: readonly string[]): AttributeValue | undefined {
  for (const key of keys) {
    const value = span.attributes[key]
    if (value !== undefined) return value
  }
  return undefined
}

/** True when the span carries the attribute under its current or a previous name. */
export function hasRequired(span: CapturedSpan, attribute: RequiredAttribute): boolean {
  return span.attributes[attribute.key] !== undefined || attribute.accepts.some((key) => span.attributes[key] !== undefined)
}

/** The request method of an HTTP span (current or previous name). */
export function httpMethodOf(span: CapturedSpan): string | undefined {
  const method = attributeOf(span, ['http.request.method', 'http.method'])
  return typeof method === 'string' && method !== '' ? method : undefined
}

/**
 * The method as an HTTP span's name starts with it: the method, or `HTTP` for a method the
 * instrumentation does not know (`_OTHER`).
 */
export function httpNameMethodOf(span: CapturedSpan): string | undefined {
  const method = httpMethodOf(span)
  return method === '_OTHER' ? 'HTTP' : method
}

/** The response status code of an HTTP span, as a number. */
export function httpStatusOf(span: CapturedSpan): number | undefined {
  const status = attributeOf(span, ['http.response.status_code', 'http.status_code'])
  const code = typeof status === 'string' ? Number(status) : status
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined
}

/** An HTTP SERVER or CLIENT span: one that carries the request method. */
export function isHttpSpan(span: CapturedSpan): boolean {
  return (span.kind === 'SERVER' || span.kind === 'CLIENT') && httpMethodOf(span) !== undefined
}

/** True when some attribute key of the span starts with `namespace` (e.g. `db.`). */
export function hasNamespace(span: CapturedSpan, namespace: string): boolean {
  for (const key in span.attributes) if (key.startsWith(namespace)) return true
  return false
}
