import { Buffer } from 'node:buffer'
import grpc from '@grpc/grpc-js'
import type protobuf from 'protobufjs'
import { OtlpDecodeError } from '../errors.js'
import type { OtlpSignal } from './otlp/encode-response.js'
import { endpointUrl } from './http-receiver.js'
import { ingestExport } from './otlp/ingest-export.js'
import { otlpTypes } from './otlp/otlp-schema.js'
import type { TraceStore } from './trace-store.js'

/**
 * Destination and limits of a {@link startGrpcReceiver} receiver.
 *
 * @example
 * ```ts
 * const options: GrpcReceiverOptions = { store, maxMessageBytes: 64 << 20, requestTimeoutMs: 10_000 }
 * ```
 */
export interface GrpcReceiverOptions {
  readonly store: TraceStore
  /**
   * Largest message accepted, checked by grpc-js on the message as sent and again while it
   * inflates a compressed one; larger gets RESOURCE_EXHAUSTED.
   */
  readonly maxMessageBytes: number
  /** Time a call's message may take to arrive in full; slower ends with DEADLINE_EXCEEDED. */
  readonly requestTimeoutMs: number
  /** Address to bind. Default `127.0.0.1`. */
  readonly host?: string
}

/**
 * A running OTLP/gRPC receiver.
 *
 * @example
 * ```ts
 * const receiver: GrpcReceiver = await startGrpcReceiver(options)
 * await receiver.close()
 * ```
 */
export interface GrpcReceiver {
  /** `http://127.0.0.1:PORT`, the value for `OTEL_EXPORTER_OTLP_ENDPOINT` with `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`. */
  readonly endpoint: string
  /** Stops the server: waits briefly for calls in flight, then cancels what is left. */
  close(): Promise<void>
}

/** How long `close()` lets calls in flight finish before cancelling them. */
const GRACEFUL_SHUTDOWN_MS = 1_000

/**
 * Starts an OTLP/gRPC receiver (`TraceService/Export`, `LogsService/Export`) on 127.0.0.1 and an
 * ephemeral port, without TLS. Messages are decoded by the same code as OTLP/HTTP protobuf; a
 * malformed one is answered with INVALID_ARGUMENT and the reason.
 *
 * @example
 * ```ts
 * const receiver = await startGrpcReceiver({ store, maxMessageBytes: 64 << 20, requestTimeoutMs: 10_000 })
 * new OTLPTraceExporter({ url: receiver.endpoint })
 * await receiver.close()
 * ```
 */
export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    interceptors: [boundCall(options.requestTimeoutMs)],
  })
  server.addService(serviceDefinition(otlpTypes.traceService), { Export: exportHandler(options.store, 'traces') })
  server.addService(serviceDefinition(otlpTypes.logsService), { Export: exportHandler(options.store, 'logs') })
  const host = options.host ?? '127.0.0.1'
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:0`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error === null) resolve(boundPort)
      else reject(new Error(`Failed to start the OTLP/gRPC receiver on ${host}: ${error.message}`, { cause: error }))
    })
  })
  let closing: Promise<void> | undefined
  return {
    endpoint: endpointUrl(host, port),
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), GRACEFUL_SHUTDOWN_MS)
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      })
      return closing
    },
  }
}

/**
 * Bounds every call in time and keeps grpc-js's own refusals in the client-error range:
 * - a call whose message has not arrived in full within `timeoutMs` (a client that stopped sending
 *   mid-message) ends with DEADLINE_EXCEEDED, so it holds no stream or buffer for longer;
 * - grpc-js answers a message flagged compressed that does not inflate with INTERNAL, a server
 *   error; the sender's bytes are at fault, so it is sent as INVALID_ARGUMENT with the fix. grpc-js
 *   reports it through the base call's own `sendStatus`, below any interceptor, so that method is
 *   wrapped on the call object itself.
 */
function boundCall(timeoutMs: number): grpc.ServerInterceptor {
  return (_method, call) => {
    const sendStatus = call.sendStatus.bind(call)
    let timer: NodeJS.Timeout | undefined
    const settle = (): void => {
      clearTimeout(timer)
      timer = undefined
    }
    call.sendStatus = (status) => {
      settle()
      if (status.code === grpc.status.INTERNAL && status.details === 'Failed to decompress message') {
        sendStatus({
          ...status,
          code: grpc.status.INVALID_ARGUMENT,
          details: 'Failed to decompress the message: it is flagged compressed but does not inflate with its grpc-encoding. ' +
            'Please send a valid gzip/deflate message or send it uncompressed.',
        })
      } else {
        sendStatus(status)
      }
    }
    timer = setTimeout(() => {
      timer = undefined
      call.sendStatus({
        code: grpc.status.DEADLINE_EXCEEDED,
        details: `Failed to export: the message did not arrive within requestTimeoutMs (${timeoutMs} ms). ` +
          'Please send smaller batches or raise requestTimeoutMs.',
      })
    }, timeoutMs)
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            settle()
            nextMessage(message)
          },
          onCancel: settle,
        })
      },
    })
  }
}

/**
 * A grpc-js service definition for an OTLP service of the schema. Requests pass through as bytes
 * so that decoding happens in the handler, where a malformed message can be answered with
 * INVALID_ARGUMENT (a throwing deserializer would make grpc-js answer INTERNAL).
 */
function serviceDefinition(service: protobuf.Service): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<Buffer, Uint8Array>> = {}
  for (const method of service.methodsArray) {
    definition[method.name] = {
      path: `/${service.fullName.slice(1)}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (request) => request,
      requestDeserialize: (bytes) => bytes,
      responseSerialize: (response) => Buffer.from(response.buffer, response.byteOffset, response.byteLength),
      responseDeserialize: (bytes) => bytes,
    }
  }
  return definition
}

function exportHandler(store: TraceStore, signal: OtlpSignal): grpc.handleUnaryCall<Buffer, Uint8Array> {
  return (call, callback) => {
    try {
      callback(null, ingestExport(store, signal, call.request, 'protobuf'))
    } catch (error) {
      const invalid = error instanceof OtlpDecodeError
      callback({
        code: invalid ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL,
        details: invalid ? error.message : `Failed to store the export: ${(error as Error).message}`,
      })
    }
  }
}
