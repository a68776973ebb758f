import { describe, expect, test } from 'vitest'
import { toOtlpJson } from 'tracewright'
import { decodeTraceRequest } from '../../src/collector/otlp/decode-traces.js'
import { buildTrace, ORDERS_TREE } from '../fixtures/build-trace.js'

describe('toOtlpJson', () => {
  test('the collector decodes what it exports into the same spans', () => {
    const trace = buildTrace(ORDERS_TREE)
    const exported = toOtlpJson([trace])
    const decoded = decodeTraceRequest(new TextEncoder().encode(JSON.stringify(exported)), 'json')
    expect(decoded.rejectedSpans).toBe(0)
    expect(decoded.errorMessage).toBe('')
    const byId = (spans: readonly { spanId: string }[]): unknown[] => [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId))
    expect(byId(decoded.spans)).toEqual(byId(trace.spans()))
  })

  test('groups spans by resource and scope, in the OTLP/JSON encoding', () => {
    const trace = buildTrace(ORDERS_TREE)
    const exported = toOtlpJson(trace.spans())
    // The fixture has two services: orders and inventory.
    expect(exported.resourceSpans).toHaveLength(2)
    const services = exported.resourceSpans.map((r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value)
    expect(services).toEqual(expect.arrayContaining([{ stringValue: 'orders' }, { stringValue: 'inventory' }]))
    const span = exported.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).find((s) => s['name'] === 'GET /orders/:id')
    expect(span).toMatchObject({
      traceId: trace.traceId,
      spanId: trace.root.spanId,
      kind: 2,
      startTimeUnixNano: trace.root.start.toString(),
      endTimeUnixNano: trace.root.end.toString(),
    })
    expect(JSON.stringify(exported)).not.toMatch(/"\d+n"/)
  })

  test('an empty list exports an empty request', () => {
    expect(toOtlpJson([])).toEqual({ resourceSpans: [] })
  })
})
