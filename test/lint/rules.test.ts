import { describe, expect, test } from 'vitest'
import { lintTrace, Trace } from 'tracewright'
import type { CapturedSpan, LintViolation } from 'tracewright'
import { buildTrace } from '../fixtures/build-trace.js'
import type { SpanSpec } from '../fixtures/build-trace.js'
import { CALLER_SPAN_ID, goodTree, serverSpan, underServer } from './fixtures/traces.js'

const RULES = [
  'propagation',
  'span-kind',
  'error-status',
  'no-personal-data',
  'span-name-cardinality',
  'server-span-name',
  'http-attributes',
  'db-attributes',
  'messaging-attributes',
  'rpc-attributes',
  'outdated-attributes',
  'attribute-naming',
  'empty-attribute-values',
] as const
type RuleId = (typeof RULES)[number]

/** The violations of one rule in the trace built from `spec`. */
function violations(rule: RuleId, spec: SpanSpec | readonly SpanSpec[]): LintViolation[] {
  return lintTrace(buildTrace(spec)).filter((v) => v.rule === rule)
}

/** `span name: message` of each violation of `rule`, for compact assertions. */
function messages(rule: RuleId, spec: SpanSpec | readonly SpanSpec[]): string[] {
  return violations(rule, spec).map((v) => v.message)
}

describe.each(RULES)('%s', (rule) => {
  test('stays quiet on a trace that follows the conventions', () => {
    expect(violations(rule, goodTree())).toEqual([])
  })
})

test('the conforming fixture has no violation at all', () => {
  expect(lintTrace(buildTrace(goodTree()))).toEqual([])
})

describe('http-attributes', () => {
  test('a SERVER span without method, path or status code: one violation each, naming the attribute', () => {
    const found = violations('http-attributes', serverSpan({}, ['http.request.method', 'url.path', 'http.response.status_code']))
    expect(found.map((v) => v.attribute)).toEqual(['http.request.method', 'url.path', 'http.response.status_code'])
    expect(found[2]?.message).toBe('SERVER span "GET /users/:id" has no http.response.status_code; set it to the status code of the response')
    expect(found.every((v) => v.severity === 'error')).toBe(true)
  })

  test('a CLIENT span without url.full or server.address', () => {
    const client: SpanSpec = { name: 'GET', kind: 'CLIENT', startMs: 1, endMs: 5, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 } }
    expect(violations('http-attributes', underServer(client)).map((v) => v.attribute)).toEqual(['url.full', 'server.address'])
  })

  test('old names count as present: reported as outdated, not as missing', () => {
    const old = serverSpan({ attributes: { 'http.method': 'GET', 'http.target': '/users/8231', 'http.status_code': 200 } }, ['http.request.method', 'url.path', 'http.response.status_code'])
    expect(violations('http-attributes', old)).toEqual([])
    expect(violations('outdated-attributes', old).map((v) => v.attribute)).toEqual(['http.method', 'http.target', 'http.status_code'])
  })

  test('a call described by another convention (an AWS SDK call: rpc.*) is not judged as HTTP', () => {
    const sqs: SpanSpec = {
      name: 'SQS.SendMessage', kind: 'PRODUCER', startMs: 1, endMs: 2,
      attributes: { 'rpc.system': 'aws-api', 'rpc.method': 'SendMessage', 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'send', 'http.status_code': 200 },
    }
    const es: SpanSpec = { name: 'search', kind: 'CLIENT', startMs: 3, endMs: 4, attributes: { 'db.system.name': 'elasticsearch', 'db.operation.name': 'search', 'url.full': 'http://es:9200/_search' } }
    expect(violations('http-attributes', underServer(sqs, es))).toEqual([])
  })

  test('a request that failed before any response (error.type set) needs no status code', () => {
    const client: SpanSpec = {
      name: 'GET', kind: 'CLIENT', startMs: 1, endMs: 5, status: 'ERROR',
      attributes: { 'http.request.method': 'GET', 'url.full': 'http://billing/plans', 'server.address': 'billing', 'error.type': 'ECONNREFUSED' },
    }
    expect(violations('http-attributes', underServer(client))).toEqual([])
  })

  test('http.route: required when a framework span below knows it, or when the name carries a path', () => {
    const routeBelow = serverSpan({
      name: 'GET',
      children: [{ name: 'request handler', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { 'http.route': '/users/:id' } }],
    }, ['http.route'])
    expect(messages('http-attributes', routeBelow)).toEqual([
      'SERVER span "GET" has no http.route, though INTERNAL span "request handler" below it matched the route "/users/:id"; set http.route on the SERVER span (and name it "GET /users/:id")',
    ])
    expect(messages('http-attributes', serverSpan({ name: 'GET /users/8231' }, ['http.route']))).toEqual([
      'SERVER span "GET /users/8231" has no http.route; set it to the route template that matched the request (e.g. "/users/:id")',
    ])
  })

  test('http.route holding the raw path is no route', () => {
    const raw = serverSpan({ name: 'GET /users/8231', attributes: { 'http.route': '/users/8231' } })
    expect(messages('http-attributes', raw)).toEqual([
      'SERVER span "GET /users/8231" has http.route "/users/8231", which is a request path, not a route template; set it to the template the router matched (e.g. "/users/:id")',
    ])
    expect(messages('span-name-cardinality', raw)).toEqual([
      'SERVER span "GET /users/8231" has an id in its name; name it after the route ("GET /users/:id") and put the id in an attribute',
    ])
  })

  test('no route known anywhere (a server without a router, a 404): named by its method alone, which is fine', () => {
    expect(violations('http-attributes', serverSpan({ name: 'GET' }, ['http.route']))).toEqual([])
    expect(violations('server-span-name', serverSpan({ name: 'GET' }, ['http.route']))).toEqual([])
  })
})

describe('db-attributes, messaging-attributes, rpc-attributes', () => {
  test('a database span without system or operation', () => {
    const db: SpanSpec = { name: 'query', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.collection.name': 'users' } }
    expect(messages('db-attributes', underServer(db))).toEqual([
      'CLIENT span "query" has db.* attributes but no db.system.name; set it to the database system (postgresql, redis, mongodb, …)',
      'CLIENT span "query" has db.* attributes but no db.operation.name; set it to the operation (SELECT, findAndModify, GET, …) or record the query in db.query.text',
    ])
  })

  test('both naming generations count, and the query text tells the operation', () => {
    const old: SpanSpec = { name: 'SELECT', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.system': 'mysql', 'db.operation': 'SELECT' } }
    const text: SpanSpec = { name: 'pg.query:SELECT test', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT 1' } }
    expect(violations('db-attributes', underServer(old))).toEqual([])
    expect(violations('db-attributes', underServer(text))).toEqual([])
  })

  test('opening a connection is not an operation', () => {
    const connect: SpanSpec = { name: 'pg-pool.connect', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'test' } }
    expect(violations('db-attributes', underServer(connect))).toEqual([])
    // Go's otelpgx: taking a connection from the pool, with the connection's attributes only.
    const acquire: SpanSpec = { name: 'pool.acquire', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'test' } }
    expect(violations('db-attributes', underServer(acquire))).toEqual([])
    // …but a span that merely ends in "acquire" is still an operation without its name.
    const lock: SpanSpec = { name: 'lock.acquire', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'redis' } }
    expect(violations('db-attributes', underServer(lock)).map((v) => v.attribute)).toEqual(['db.operation.name'])
  })

  test('a messaging span without its operation; the previous messaging.operation counts', () => {
    const noOperation: SpanSpec = { name: 'send orders', kind: 'PRODUCER', startMs: 1, endMs: 2, attributes: { 'messaging.system': 'rabbitmq' } }
    expect(violations('messaging-attributes', underServer(noOperation)).map((v) => v.attribute)).toEqual(['messaging.operation.type'])
    const old: SpanSpec = { name: 'orders process', kind: 'CONSUMER', startMs: 1, endMs: 2, attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation': 'process' } }
    expect(violations('messaging-attributes', underServer(old))).toEqual([])
  })

  test('an RPC span without system or method', () => {
    const rpc: SpanSpec = { name: 'Check', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'rpc.service': 'quota.Quota' } }
    expect(violations('rpc-attributes', underServer(rpc)).map((v) => v.attribute)).toEqual(['rpc.system', 'rpc.method'])
    const newer: SpanSpec = { name: 'Check', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'rpc.system.name': 'grpc', 'rpc.method': 'quota.Quota/Check' } }
    expect(violations('rpc-attributes', underServer(newer))).toEqual([])
  })
})

describe('outdated-attributes', () => {
  test('names the replacement, per span kind', () => {
    const client: SpanSpec = {
      name: 'GET', kind: 'CLIENT', startMs: 1, endMs: 5,
      attributes: { 'http.method': 'GET', 'http.url': 'http://billing/plans', 'net.peer.name': 'billing', 'http.status_code': 200 },
    }
    expect(messages('outdated-attributes', underServer(client))).toEqual([
      'CLIENT span "GET" has the outdated attribute http.method; rename it to http.request.method (for an instrumentation: upgrade it, or opt in to the stable conventions with OTEL_SEMCONV_STABILITY_OPT_IN)',
      'CLIENT span "GET" has the outdated attribute http.url; rename it to url.full (for an instrumentation: upgrade it, or opt in to the stable conventions with OTEL_SEMCONV_STABILITY_OPT_IN)',
      'CLIENT span "GET" has the outdated attribute net.peer.name; rename it to server.address (for an instrumentation: upgrade it, or opt in to the stable conventions with OTEL_SEMCONV_STABILITY_OPT_IN)',
      'CLIENT span "GET" has the outdated attribute http.status_code; rename it to http.response.status_code (for an instrumentation: upgrade it, or opt in to the stable conventions with OTEL_SEMCONV_STABILITY_OPT_IN)',
    ])
    const server = serverSpan({ attributes: { 'net.peer.name': 'laptop.local' } })
    expect(messages('outdated-attributes', server)[0]).toContain('rename it to client.address')
  })

  test('is a warning, quiet in the dup migration mode, and says when an attribute was dropped', () => {
    const dup = serverSpan({ attributes: { 'http.method': 'GET' } })
    expect(violations('outdated-attributes', dup)).toEqual([])
    const dropped: SpanSpec = { name: 'send', kind: 'PRODUCER', startMs: 1, endMs: 2, attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination_kind': 'topic' } }
    const [found] = violations('outdated-attributes', underServer(dropped))
    expect(found?.severity).toBe('warning')
    expect(found?.message).toBe('PRODUCER span "send" has messaging.destination_kind, which the semantic conventions no longer define; drop it')
  })

  test('database and messaging renames', () => {
    const db: SpanSpec = { name: 'SELECT', kind: 'CLIENT', startMs: 1, endMs: 2, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1', 'db.name': 'shop' } }
    expect(violations('outdated-attributes', underServer(db)).map((v) => v.attribute)).toEqual(['db.system', 'db.statement', 'db.name'])
  })
})

describe('span-name-cardinality', () => {
  test('an id in a SERVER span name: name it after the route', () => {
    expect(messages('span-name-cardinality', serverSpan({ name: 'GET /users/8231' }, ['http.route']))).toEqual([
      'SERVER span "GET /users/8231" has an id in its name; name it after the route ("GET /users/:id") and put the id in an attribute',
    ])
  })

  test.each([
    ['GET /orders/3f2c1a9e-8b7d-4c6e-9f01-23456789abcd', 'a UUID'],
    ['GET /carts/64b7f0c2e4a1b2c3d4e5f601', 'an id'],
    ['invoice 20240115 render', 'a number'],
    ['GET https://api.example.com/users/42', 'a full URL and an id'],
    ['GET /search?q=shoes', 'a query string'],
    ["lookup 'alice'", 'a quoted value'],
  ])('%s has %s in its name', (name, what) => {
    const [found] = violations('span-name-cardinality', underServer({ name, kind: 'INTERNAL', startMs: 1, endMs: 2 }))
    expect(found?.message).toContain(`has ${what} in its name`)
  })

  test('route templates, versions and small counts are fine', () => {
    for (const name of ['GET /users/:id', 'GET /api/v2/users/{id}', 'HTTP/1.1 upgrade', 'pg.query:SELECT test', 'retry 2', 's3.PutObject', 'middleware - jsonParser']) {
      expect(violations('span-name-cardinality', underServer({ name, kind: 'INTERNAL', startMs: 1, endMs: 2 })), name).toEqual([])
    }
  })

  test('a CLIENT span is named by its method; other spans get a fixed name', () => {
    const client: SpanSpec = {
      name: 'GET /plans/8231', kind: 'CLIENT', startMs: 1, endMs: 2,
      attributes: { 'http.request.method': 'GET', 'url.full': 'http://billing/plans/8231', 'server.address': 'billing', 'http.response.status_code': 200 },
    }
    expect(messages('span-name-cardinality', underServer(client))).toEqual([
      'CLIENT span "GET /plans/8231" has an id in its name; name it "GET", or after the URL template ("GET /plans/:id"); url.full keeps the full URL',
    ])
    expect(messages('span-name-cardinality', underServer({ name: 'load order 8231', kind: 'INTERNAL', startMs: 1, endMs: 2 }))).toEqual([
      'INTERNAL span "load order 8231" has a number in its name; name it "load order" and put the value in an attribute',
    ])
  })

  test('an empty name', () => {
    expect(messages('span-name-cardinality', underServer({ name: ' ', kind: 'INTERNAL', startMs: 1, endMs: 2 }))).toEqual([
      'INTERNAL span 0000000000000002 has an empty name; name it after the operation it measures',
    ])
  })
})

describe('server-span-name', () => {
  test('a SERVER span with a route is named "METHOD route"', () => {
    expect(messages('server-span-name', serverSpan({ name: 'handle_user' }))).toEqual([
      'SERVER span "handle_user" should be named "GET /users/:id": the method and the route (http.route) it matched',
    ])
  })

  test('without a route, by its method', () => {
    expect(messages('server-span-name', serverSpan({ name: 'handle_user' }, ['http.route']))).toEqual([
      'SERVER span "handle_user" should be named "GET", or "GET <route>" once http.route is set: SERVER spans are named after the method and route they handle',
    ])
  })

  test('an unknown method (_OTHER) is named HTTP', () => {
    expect(violations('server-span-name', serverSpan({ name: 'HTTP /users/:id', attributes: { 'http.request.method': '_OTHER' } }))).toEqual([])
  })
})

describe('span-kind', () => {
  test('the entry span is SERVER or CONSUMER', () => {
    expect(messages('span-kind', { ...serverSpan(), kind: 'INTERNAL' })).toEqual([
      "the entry INTERNAL span \"GET /users/:id\" should be SERVER (a request handled) or CONSUMER (a message processed); make the span that receives the request the root of the service's work",
    ])
    expect(violations('span-kind', { name: 'orders process', kind: 'CONSUMER', startMs: 0, endMs: 1, attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'process' } })).toEqual([])
  })

  test('a call recorded as INTERNAL', () => {
    const db: SpanSpec = { name: 'SELECT users', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' } }
    expect(messages('span-kind', underServer(db))).toEqual([
      'INTERNAL span "SELECT users" carries protocol attributes but is INTERNAL; it crosses a process boundary, so make it CLIENT',
    ])
  })

  test('a downstream SERVER span whose parent is not a CLIENT span', () => {
    const found = messages('span-kind', underServer({
      name: 'charge', kind: 'INTERNAL', startMs: 1, endMs: 8,
      // Only top-level specs use remoteParentSpanId; here it is ignored.
      children: [serverSpan({ name: 'POST /charge', service: 'payments', startMs: 2, endMs: 7, attributes: { 'http.request.method': 'POST', 'http.route': '/charge' } })],
    }))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/^SERVER span "POST \/charge" \(payments\) is a child of INTERNAL span "charge" \(orders\), not of a CLIENT span: .*; make the outgoing call through an instrumented client/)
  })

  test('framework spans with http.route but no method stay INTERNAL', () => {
    expect(violations('span-kind', underServer({ name: 'request handler', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { 'http.route': '/users/:id' } }))).toEqual([])
  })
})

describe('error-status', () => {
  test('an ERROR span that does not say why', () => {
    expect(messages('error-status', underServer({ name: 'charge card', kind: 'INTERNAL', startMs: 1, endMs: 2, status: 'ERROR' }))).toEqual([
      'INTERNAL span "charge card" has status ERROR but does not say why; record the exception (span.recordException(error)), or set a status message or error.type',
    ])
  })

  test('an exception, a status message, error.type or an error status code explains it', () => {
    const explained: SpanSpec[] = [
      { name: 'a', kind: 'INTERNAL', startMs: 1, endMs: 2, status: 'ERROR', exceptions: [{ type: 'Error', message: 'boom' }] },
      { name: 'b', kind: 'INTERNAL', startMs: 1, endMs: 2, status: { code: 'ERROR', message: 'card declined' } },
      { name: 'c', kind: 'INTERNAL', startMs: 1, endMs: 2, status: 'ERROR', attributes: { 'error.type': 'timeout' } },
    ]
    expect(violations('error-status', underServer(...explained))).toEqual([])
    expect(violations('error-status', serverSpan({ status: 'ERROR', attributes: { 'http.response.status_code': 503 } }))).toEqual([])
  })

  test('a SERVER span that answered 5xx is ERROR', () => {
    expect(messages('error-status', serverSpan({ attributes: { 'http.response.status_code': 502 } }))).toEqual([
      'SERVER span "GET /users/:id" answered 502 but its status is UNSET; set status ERROR on a SERVER span that answers 5xx',
    ])
  })

  test('a SERVER span that answered 4xx is not ERROR', () => {
    expect(messages('error-status', serverSpan({ status: 'ERROR', attributes: { 'http.response.status_code': 404 } }))).toEqual([
      "SERVER span \"GET /users/:id\" answered 404 and has status ERROR; a 4xx is the client's mistake, not the server's: leave the SERVER span's status UNSET",
    ])
  })

  test('an exception on a span whose status is OK', () => {
    expect(messages('error-status', underServer({ name: 'parse', kind: 'INTERNAL', startMs: 1, endMs: 2, status: 'OK', exceptions: [{ type: 'SyntaxError', message: 'bad json' }] }))).toEqual([
      'INTERNAL span "parse" recorded an exception but its status is OK; set status ERROR if the exception failed the operation, or leave the status UNSET if it was handled',
    ])
    // A handled exception on an UNSET span is fine.
    expect(violations('error-status', underServer({ name: 'parse', kind: 'INTERNAL', startMs: 1, endMs: 2, exceptions: [{ type: 'SyntaxError', message: 'bad json' }] }))).toEqual([])
  })
})

describe('propagation', () => {
  test('an orphan: its parent was never captured', () => {
    const found = violations('propagation', [serverSpan(), { ...serverSpan({ name: 'GET /plans/:id', service: 'billing', startMs: 2, endMs: 8, attributes: { 'http.route': '/plans/:id' } }), remoteParentSpanId: 'bbbbbbbbbbbbbbbb' }])
    expect(found).toHaveLength(1)
    expect(found[0]?.span.name).toBe('GET /plans/:id')
    expect(found[0]?.message).toMatch(/has parent bbbbbbbbbbbbbbbb, which was never captured.*; make sure the parent is recorded and exported/)
  })

  test('a second root: a span started without the request\'s context', () => {
    const found = messages('propagation', [serverSpan(), { name: 'refresh cache', kind: 'INTERNAL', startMs: 2, endMs: 3 }])
    expect(found).toEqual([
      '"refresh cache" (orders) started a new root: the context was not passed to it, so it is cut off from the request; pass the active context to the code that starts it (and inject/extract traceparent across processes)',
    ])
  })

  test('a call to a service traced in this trace, answered, but with no SERVER span below it: the request split in two', () => {
    const self = serverSpan({ attributes: { 'server.address': '127.0.0.1', 'server.port': 8080 } })
    const call: SpanSpec = {
      name: 'GET', kind: 'CLIENT', startMs: 1, endMs: 5,
      attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:8080/plans/1', 'server.address': '127.0.0.1', 'server.port': 8080, 'http.response.status_code': 200 },
    }
    expect(messages('propagation', { ...self, children: [call] })).toEqual([
      'CLIENT span "GET" called 127.0.0.1:8080, which orders serves traced in this trace (SERVER span "GET /users/:id"), but no SERVER span answers it here: ' +
        'the callee started a new trace; inject traceparent on the call and extract it in the server',
    ])
    // A call to a service that is not traced at all is not a propagation problem.
    expect(violations('propagation', underServer({ ...call, attributes: { ...call.attributes, 'server.port': 9999 } }))).toEqual([])
  })

  test('spans of another trace mixed in', () => {
    const built = buildTrace(underServer({ name: 'render', kind: 'INTERNAL', startMs: 1, endMs: 2 }))
    const [entry, child] = built.spans() as [CapturedSpan, CapturedSpan]
    const other = 'f'.repeat(32)
    const mixed = new Trace([entry, { ...child, traceId: other }], { traceId: built.traceId })
    expect(lintTrace(mixed).filter((v) => v.rule === 'propagation').map((v) => v.message)).toEqual([
      `INTERNAL span "render" belongs to trace ${other}, not ${built.traceId}; one request must produce one trace, so pass the context on instead of starting a new trace`,
    ])
  })
})

describe('no-personal-data', () => {
  test.each([
    ['user.email', 'bob.smith@example.com', 'an e-mail address (b***@example.com)'],
    ['payment.card', '4242 4242 4242 4242', 'a card number (************4242)'],
    ['app.auth', 'Bearer abcdefgh12345678', 'a bearer token (Bearer abc…)'],
    ['app.session', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'a JSON Web Token (eyJhbG…)'],
    ['url.full', 'https://alice:s3cret@api.example.com/x', 'a password in a URL (https://alice:***@)'],
    ['url.full', 'https://api.example.com/x?api_key=abc123', 'a secret in a URL query (api_key) (api_key=***)'],
    ['app.header', 'Basic YWxpY2U6czNjcmV0', 'basic-auth credentials (Basic …)'],
  ])('%s = %s holds %s', (key, value, what) => {
    const [found] = violations('no-personal-data', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { [key]: value } }))
    expect(found?.attribute).toBe(key)
    expect(found?.message).toContain(`${key} holds ${what}`)
    // The message never repeats the value itself.
    expect(found?.message).not.toContain(value)
  })

  test('credential headers and fields by their attribute names, unless redacted', () => {
    const headers = { 'http.request.header.authorization': ['Bearer x'], 'http.request.header.x-api-key': 'k', 'http.response.header.set-cookie': 'sid=1', 'app.password': 'hunter2' }
    expect(violations('no-personal-data', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: headers })).map((v) => v.attribute)).toEqual(Object.keys(headers))
    expect(violations('no-personal-data', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { 'http.request.header.authorization': 'REDACTED' } }))).toEqual([])
  })

  test('in span names and event attributes too', () => {
    const spec = underServer({
      name: 'notify carol@example.org', kind: 'INTERNAL', startMs: 1, endMs: 2,
      events: [{ name: 'lookup', attributes: { 'lookup.input': 'dave@example.net' } }],
    })
    expect(messages('no-personal-data', spec)).toEqual([
      'the name of INTERNAL span 0000000000000002 holds an e-mail address (c***@example.org); name the span after the operation, and record an opaque user id (user.id) instead of the address',
      'event "lookup" of INTERNAL span "notify carol@example.org": lookup.input holds an e-mail address (d***@example.net); record an opaque user id (user.id) instead of the address',
    ])
  })

  test('ids, timestamps, redacted URLs and package versions are not personal data', () => {
    const fine = {
      'app.timestamp_ms': 1_700_000_000_123,
      'app.timestamp_ns': '1700000000123456789',
      'app.order_id': '4242424242424241',
      'messaging.url': 'amqp://guest:***@127.0.0.1:5672',
      'url.full': 'https://REDACTED:REDACTED@api.example.com/x?sig=REDACTED',
      'exception.stacktrace': 'at /app/node_modules/.pnpm/@scope+pkg@1.2.3/node_modules/x.js:1:1',
      'gen_ai.usage.input_tokens': 12,
      'plan.name': 'Basic subscription for teams',
    }
    expect(violations('no-personal-data', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: fine }))).toEqual([])
  })
})

describe('attribute-naming', () => {
  test('keys are dotted lower-case namespaces: a warning with the name to use', () => {
    const found = violations('attribute-naming', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes: { itemCount: 3, 'Order.Total': 9.5, 'order.total-price': 1 } }))
    expect(found.map((v) => [v.severity, v.message])).toEqual([
      ['warning', 'INTERNAL span "work" has attribute key "itemCount", which has no namespace; name it like "app.item_count"'],
      ['warning', 'INTERNAL span "work" has attribute key "Order.Total", which is not lower case; name it like "order.total"'],
      ['warning', 'INTERNAL span "work" has attribute key "order.total-price", which is not made of dotted lower-case words; name it like "order.total_price"'],
    ])
  })

  test('header and metadata names keep their own spelling', () => {
    const attributes = { 'http.request.header.x-request-id': 'r1', 'rpc.grpc.request.metadata.x-tenant': 't', 'db.query.parameter.0': 'a' }
    expect(violations('attribute-naming', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes }))).toEqual([])
  })
})

describe('empty-attribute-values', () => {
  test('empty strings, whitespace, empty arrays and stringified undefined', () => {
    const attributes = { 'order.note': '', 'order.coupon': '  ', 'order.tags': [] as string[], 'order.customer': 'undefined', 'order.meta': '[object Object]' }
    expect(messages('empty-attribute-values', underServer({ name: 'work', kind: 'INTERNAL', startMs: 1, endMs: 2, attributes }))).toEqual([
      'INTERNAL span "work" has order.note, whose value is empty; leave the attribute out when there is no value',
      'INTERNAL span "work" has order.coupon, whose value is only whitespace; leave the attribute out when there is no value',
      'INTERNAL span "work" has order.tags, whose value is an empty array; leave the attribute out when there is no value',
      'INTERNAL span "work" has order.customer, whose value is the string "undefined"; leave the attribute out when there is no value',
      'INTERNAL span "work" has order.meta, whose value is the string "[object Object]"; leave the attribute out when there is no value',
    ])
  })
})

test('a violation points at the span as the trace hands it out', () => {
  const trace = buildTrace(serverSpan({ name: 'GET /users/8231' }, ['http.route']))
  const [first] = lintTrace(trace)
  expect(first?.span).toBe(trace.root)
  expect(first?.span.parentSpanId).toBe(CALLER_SPAN_ID)
})
