import protobuf from 'protobufjs'

/**
 * The parts of the OTLP protobuf schema (opentelemetry-proto v1) the receiver reads and writes,
 * described as a protobufjs JSON descriptor so no `.proto` file is read or fetched at run time and
 * there is no code generation step. Field names are the lowerCamelCase names OTLP/JSON uses, so a
 * message decoded from protobuf and a parsed OTLP/JSON body have the same shape. Fields the
 * receiver has no use for (`trace_state`, `flags`, dropped counts, `schema_url`) are listed anyway:
 * the schema also encodes test payloads, and protobufjs would skip them on decode regardless.
 */
const OTLP_DESCRIPTOR: protobuf.INamespace = {
  nested: {
    opentelemetry: { nested: { proto: { nested: {
      common: { nested: { v1: { nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
        KeyValue: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'AnyValue', id: 2 },
          },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
      } } } },
      resource: { nested: { v1: { nested: {
        Resource: {
          fields: {
            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 1 },
            droppedAttributesCount: { type: 'uint32', id: 2 },
          },
        },
      } } } },
      trace: { nested: { v1: { nested: {
        ResourceSpans: {
          fields: {
            resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
            scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ScopeSpans: {
          fields: {
            scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
            spans: { rule: 'repeated', type: 'Span', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        Span: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            parentSpanId: { type: 'bytes', id: 4 },
            flags: { type: 'fixed32', id: 16 },
            name: { type: 'string', id: 5 },
            kind: { type: 'SpanKind', id: 6 },
            startTimeUnixNano: { type: 'fixed64', id: 7 },
            endTimeUnixNano: { type: 'fixed64', id: 8 },
            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 9 },
            droppedAttributesCount: { type: 'uint32', id: 10 },
            events: { rule: 'repeated', type: 'Event', id: 11 },
            droppedEventsCount: { type: 'uint32', id: 12 },
            links: { rule: 'repeated', type: 'Link', id: 13 },
            droppedLinksCount: { type: 'uint32', id: 14 },
            status: { type: 'Status', id: 15 },
          },
          nested: {
            SpanKind: {
              values: {
                SPAN_KIND_UNSPECIFIED: 0,
                SPAN_KIND_INTERNAL: 1,
                SPAN_KIND_SERVER: 2,
                SPAN_KIND_CLIENT: 3,
                SPAN_KIND_PRODUCER: 4,
                SPAN_KIND_CONSUMER: 5,
              },
            },
            Event: {
              fields: {
                timeUnixNano: { type: 'fixed64', id: 1 },
                name: { type: 'string', id: 2 },
                attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 3 },
                droppedAttributesCount: { type: 'uint32', id: 4 },
              },
            },
            Link: {
              fields: {
                traceId: { type: 'bytes', id: 1 },
                spanId: { type: 'bytes', id: 2 },
                traceState: { type: 'string', id: 3 },
                attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 4 },
                droppedAttributesCount: { type: 'uint32', id: 5 },
                flags: { type: 'fixed32', id: 6 },
              },
            },
          },
        },
        Status: {
          fields: {
            message: { type: 'string', id: 2 },
            code: { type: 'StatusCode', id: 3 },
          },
          nested: {
            StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } },
          },
        },
      } } } },
      logs: { nested: { v1: { nested: {
        ResourceLogs: {
          fields: {
            resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
            scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
            logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'opentelemetry.proto.common.v1.AnyValue', id: 5 },
            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            eventName: { type: 'string', id: 12 },
          },
        },
      } } } },
      collector: { nested: {
        trace: { nested: { v1: { nested: {
          TraceService: {
            methods: { Export: { requestType: 'ExportTraceServiceRequest', responseType: 'ExportTraceServiceResponse', comment: 'Takes a batch of spans.' } },
          },
          ExportTraceServiceRequest: {
            fields: {
              resourceSpans: { rule: 'repeated', type: 'opentelemetry.proto.trace.v1.ResourceSpans', id: 1 },
            },
          },
          ExportTraceServiceResponse: { fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } } },
          ExportTracePartialSuccess: {
            fields: {
              rejectedSpans: { type: 'int64', id: 1 },
              errorMessage: { type: 'string', id: 2 },
            },
          },
        } } } },
        logs: { nested: { v1: { nested: {
          LogsService: {
            methods: { Export: { requestType: 'ExportLogsServiceRequest', responseType: 'ExportLogsServiceResponse', comment: 'Takes a batch of log records.' } },
          },
          ExportLogsServiceRequest: {
            fields: {
              resourceLogs: { rule: 'repeated', type: 'opentelemetry.proto.logs.v1.ResourceLogs', id: 1 },
            },
          },
          ExportLogsServiceResponse: { fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } } },
          ExportLogsPartialSuccess: {
            fields: {
              rejectedLogRecords: { type: 'int64', id: 1 },
              errorMessage: { type: 'string', id: 2 },
            },
          },
        } } } },
      } },
    } } } },
    // OTLP/HTTP answers a bad request with a google.rpc.Status body.
    google: { nested: {
      protobuf: { nested: {
        Any: {
          fields: {
            typeUrl: { type: 'string', id: 1 },
            value: { type: 'bytes', id: 2 },
          },
        },
      } },
      rpc: { nested: {
        Status: {
          fields: {
            code: { type: 'int32', id: 1 },
            message: { type: 'string', id: 2 },
            details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
          },
        },
      } },
    } },
  },
}

const root = protobuf.Root.fromJSON(OTLP_DESCRIPTOR).resolveAll()

/**
 * The protobufjs message types of the OTLP export requests and responses, and of the messages
 * inside them that the receiver reads on its own, built once at load.
 *
 * @example
 * ```ts
 * const bytes = otlpTypes.exportTraceServiceRequest.encode(request).finish()
 * const message = otlpTypes.exportTraceServiceRequest.decode(bytes)
 * ```
 */
export const otlpTypes = {
  exportTraceServiceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
  exportTraceServiceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  exportLogsServiceRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  exportLogsServiceResponse: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
  status: root.lookupType('google.rpc.Status'),
  traceService: root.lookupService('opentelemetry.proto.collector.trace.v1.TraceService'),
  logsService: root.lookupService('opentelemetry.proto.collector.logs.v1.LogsService'),
  resourceSpans: root.lookupType('opentelemetry.proto.trace.v1.ResourceSpans'),
  scopeSpans: root.lookupType('opentelemetry.proto.trace.v1.ScopeSpans'),
  span: root.lookupType('opentelemetry.proto.trace.v1.Span'),
  event: root.lookupType('opentelemetry.proto.trace.v1.Span.Event'),
  link: root.lookupType('opentelemetry.proto.trace.v1.Span.Link'),
  spanStatus: root.lookupType('opentelemetry.proto.trace.v1.Status'),
  resource: root.lookupType('opentelemetry.proto.resource.v1.Resource'),
  instrumentationScope: root.lookupType('opentelemetry.proto.common.v1.InstrumentationScope'),
  keyValue: root.lookupType('opentelemetry.proto.common.v1.KeyValue'),
  anyValue: root.lookupType('opentelemetry.proto.common.v1.AnyValue'),
} as const

/** Protobuf wire types. */
const WIRE_TYPE = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const

/**
 * The tag (`field number << 3 | wire type`) of the field `name` of `type`, so a reader working on
 * the wire takes its field numbers from this one schema.
 *
 * @example
 * ```ts
 * const SPAN_NAME = fieldTag(otlpTypes.span, 'name') // (5 << 3) | 2
 * ```
 */
export function fieldTag(type: protobuf.Type, name: string): number {
  const field = type.fields[name]
  if (field === undefined) throw new Error(`The OTLP schema has no field ${type.name}.${name}`)
  return (field.id << 3) | wireTypeOf(field)
}

function wireTypeOf(field: protobuf.Field): number {
  if (field.repeated || field.resolvedType instanceof protobuf.Type) return WIRE_TYPE.lengthDelimited
  switch (field.type) {
    case 'string':
    case 'bytes':
      return WIRE_TYPE.lengthDelimited
    case 'fixed64':
    case 'sfixed64':
    case 'double':
      return WIRE_TYPE.fixed64
    case 'fixed32':
    case 'sfixed32':
    case 'float':
      return WIRE_TYPE.fixed32
    default:
      return WIRE_TYPE.varint
  }
}
