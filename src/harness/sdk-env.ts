/**
 * The `OTEL_*` environment a child service gets, so that whichever official OpenTelemetry SDK it
 * runs (Node, Python, Go, Java, Deno, …) exports every span promptly to the harness's collector
 * with nothing configured by the user. Each SDK reads a different subset of these variables, and
 * one SDK ignores what another needs, so all of them are set for every service:
 *
 * - endpoint and protocol: every SDK's OTLP exporter. Go's `otlptracehttp` ignores the protocol
 *   variable (the service picks the exporter in code); Java's autoconfigure reads it.
 * - `OTEL_BSP_SCHEDULE_DELAY`: the batch span processor of the Node, Python, Go and Java SDKs
 *   defaults to 5 s, so a trace would need seconds to arrive. `OTEL_BLRP_SCHEDULE_DELAY` is the
 *   same for log records.
 * - `OTEL_METRICS_EXPORTER=none`: the collector receives traces and logs only. Java's
 *   autoconfigure and Python's distro would otherwise push metrics every minute and log the 404.
 * - No `OTEL_EXPORTER_OTLP_COMPRESSION`: every SDK here sends uncompressed by default, the
 *   receiver accepts gzip for one configured otherwise, and Deno refuses the value `none`.
 * - `OTEL_DENO=true`: Deno's built-in OpenTelemetry is off unless this is set; other runtimes
 *   ignore it.
 *
 * The service name and sampler are set too, so every SDK names the service the way the harness
 * selects it and records every request the harness sends.
 */
export interface SdkEnvOptions {
  /** The collector's OTLP/HTTP endpoint, e.g. `http://127.0.0.1:4318`. */
  readonly endpoint: string
  /** The collector's OTLP/gRPC endpoint, used when `protocol` is `'grpc'`. */
  readonly grpcEndpoint: string
  readonly protocol: 'http/protobuf' | 'http/json' | 'grpc'
  /** Batch delay for spans and log records, ms. */
  readonly batchDelayMs: number
  /** `service.name`. */
  readonly name: string
}

/**
 * The environment variables every SDK reads, for {@link SdkEnvOptions}.
 *
 * @example
 * ```ts
 * spawn('python', ['app.py'], { env: { ...process.env, ...sdkEnv({ endpoint, grpcEndpoint, protocol: 'http/protobuf', batchDelayMs: 10, name: 'orders' }) } })
 * ```
 */
export function sdkEnv(options: SdkEnvOptions): Record<string, string> {
  const delay = String(options.batchDelayMs)
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: options.protocol === 'grpc' ? options.grpcEndpoint : options.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: options.protocol,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: delay,
    OTEL_BLRP_SCHEDULE_DELAY: delay,
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_PROPAGATORS: 'tracecontext,baggage',
    OTEL_SERVICE_NAME: options.name,
    OTEL_DENO: 'true',
  }
}
