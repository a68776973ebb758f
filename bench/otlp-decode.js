// Decoding speed of the OTLP receiver: raw protobufjs decode of an ExportTraceServiceRequest next
// to tracewright's decode of the same bytes into CapturedSpans (and of its OTLP/JSON twin).
//
//   npx tsc -p tsconfig.build.json && node bench/otlp-decode.js [spanCount]
import { randomBytes } from 'node:crypto'
import { decodeTraceRequest } from '../dist/src/collector/otlp/decode-traces.js'
import { otlpTypes } from '../dist/src/collector/otlp/otlp-schema.js'

const SPAN_COUNT = Number(process.argv[2] ?? 10_000)
const SPANS_PER_TRACE = 20
const SAMPLE_MS = 250
const ROUNDS = 6

const text = (key, value) => ({ key, value: { stringValue: value } })
const int = (key, value) => ({ key, value: { intValue: value } })
const bool = (key, value) => ({ key, value: { boolValue: value } })
const double = (key, value) => ({ key, value: { doubleValue: value } })
const strings = (key, values) => ({ key, value: { arrayValue: { values: values.map((v) => ({ stringValue: v })) } } })

/** Spans shaped like an instrumented HTTP service: a server span, client and db children, an error now and then. */
function buildRequest(spanCount) {
  const startNs = 1_760_000_000_000_000_000n
  const spans = []
  let traceId
  let rootId
  for (let i = 0; i < spanCount; i++) {
    const position = i % SPANS_PER_TRACE
    if (position === 0) {
      traceId = randomBytes(16)
      rootId = undefined
    }
    const spanId = randomBytes(8)
    const start = startNs + BigInt(i) * 1_000_000n
    const end = start + BigInt(50_000 + (i % 997) * 1_000)
    const isServer = position === 0
    const isDb = position % 3 === 1
    const failed = i % 50 === 7
    spans.push({
      traceId,
      spanId,
      parentSpanId: rootId ?? Buffer.alloc(0),
      name: isServer ? 'GET /orders/:id' : isDb ? 'SELECT orders' : 'GET inventory',
      kind: isServer ? 2 : 3,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: end.toString(),
      attributes: isDb
        ? [
            text('db.system.name', 'postgresql'),
            text('db.operation.name', 'SELECT'),
            text('db.collection.name', 'orders'),
            text('db.query.text', 'SELECT id, total, status FROM orders WHERE id = $1'),
            text('server.address', 'db.internal'),
            int('server.port', 5432),
            int('db.response.returned_rows', i % 7),
            bool('db.statement.cached', i % 2 === 0),
          ]
        : [
            text('http.request.method', 'GET'),
            text('url.path', `/orders/${i}`),
            text('url.scheme', 'http'),
            int('http.response.status_code', failed ? 500 : 200),
            text('server.address', 'localhost'),
            int('server.port', 8080),
            text('user_agent.original', 'undici/8.12.4'),
            double('app.cache.hit_ratio', 0.75),
            strings('app.feature_flags', ['new-checkout', 'fast-path']),
            text('network.protocol.version', '1.1'),
          ],
      events: failed
        ? [{
            timeUnixNano: end.toString(),
            name: 'exception',
            attributes: [text('exception.type', 'Error'), text('exception.message', 'order not found')],
          }]
        : [],
      status: failed ? { code: 2, message: 'order not found' } : { code: 0 },
    })
    if (isServer) rootId = spanId
  }
  const scopeSize = Math.ceil(spanCount / 4)
  const scopes = ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-pg', 'orders', 'undici']
  return {
    resourceSpans: [{
      resource: {
        attributes: [
          text('service.name', 'orders'),
          text('service.version', '1.4.2'),
          text('telemetry.sdk.name', 'opentelemetry'),
          text('telemetry.sdk.language', 'nodejs'),
          text('telemetry.sdk.version', '2.12.1'),
          text('host.name', 'ci-runner-7'),
          int('process.pid', 4242),
          text('process.runtime.name', 'nodejs'),
        ],
      },
      scopeSpans: scopes.map((name, index) => ({
        scope: { name, version: '0.61.0' },
        spans: spans.slice(index * scopeSize, (index + 1) * scopeSize),
      })),
    }],
  }
}

/**
 * Spans per second of each decoder: rounds of samples of at least SAMPLE_MS each, the decoders
 * taking turns within a round so that a busy machine slows them alike; the best sample counts.
 */
function measure(decoders) {
  for (const [, run] of decoders) for (let i = 0; i < 5; i++) run()
  const best = decoders.map(() => 0)
  for (let round = 0; round < ROUNDS; round++) {
    decoders.forEach(([, run], index) => {
      let iterations = 0
      const begin = performance.now()
      let elapsed = 0
      do {
        run()
        iterations++
        elapsed = performance.now() - begin
      } while (elapsed < SAMPLE_MS)
      best[index] = Math.max(best[index], (iterations * SPAN_COUNT) / (elapsed / 1000))
    })
  }
  return best
}

const Request = otlpTypes.exportTraceServiceRequest
const request = buildRequest(SPAN_COUNT)
const protobufBody = Request.encode(Request.fromObject(request)).finish()
const jsonBody = new TextEncoder().encode(JSON.stringify(Request.toObject(Request.decode(protobufBody), {
  longs: String,
  bytes: String,
})).replace(/"(traceId|spanId|parentSpanId)":"([^"]*)"/g, (_, key, base64) =>
  `"${key}":"${Buffer.from(base64, 'base64').toString('hex')}"`))

const check = decodeTraceRequest(protobufBody, 'protobuf')
if (check.spans.length !== SPAN_COUNT || check.rejectedSpans !== 0) throw new Error('the payload did not decode into every span')
if (decodeTraceRequest(jsonBody, 'json').spans.length !== SPAN_COUNT) throw new Error('the JSON payload did not decode into every span')

const decoders = [
  ['protobufjs decode (raw messages)', () => Request.decode(protobufBody), protobufBody.length],
  ['decodeTraceRequest protobuf -> CapturedSpan', () => decodeTraceRequest(protobufBody, 'protobuf'), protobufBody.length],
  ['decodeTraceRequest OTLP/JSON -> CapturedSpan', () => decodeTraceRequest(jsonBody, 'json'), jsonBody.length],
]
const rates = measure(decoders)
const results = decoders.map(([name, , bytes], index) => [name, rates[index], bytes])

console.log(`${SPAN_COUNT} spans per payload, Node ${process.version}`)
console.log('| decoder | spans/s | payload |')
console.log('|---|---:|---:|')
for (const [name, rate, bytes] of results) {
  console.log(`| ${name} | ${Math.round(rate).toLocaleString('en-US')} | ${(bytes / 1024 / 1024).toFixed(2)} MiB |`)
}
