import { describe, expectTypeOf, test } from 'vitest'
import { connectService, dbQuery, setRoute, shareService } from 'tracewright'
import type { SpanQuery, Service, SharedServiceHandle, SharingService } from 'tracewright'
import { addInstrumentations } from 'tracewright/instrument'

declare const svc: Service

describe('the first hour\'s additions', () => {
  test('dbQuery builds an object selector', () => {
    expectTypeOf(dbQuery()).toMatchTypeOf<SpanQuery>()
    expectTypeOf(dbQuery('postgresql')).toMatchTypeOf<SpanQuery>()
    expectTypeOf(dbQuery({ system: 'postgresql', text: /FROM orders/ })).toMatchTypeOf<SpanQuery>()
    // @ts-expect-error: a number is no system
    void dbQuery(5)
  })

  test('setRoute takes the route a framework knows, or nothing', () => {
    expectTypeOf(setRoute).parameter(0).toEqualTypeOf<string | undefined>()
  })

  test('shareService hands out a plain handle; connectService makes a Service of it', () => {
    expectTypeOf(shareService(svc)).resolves.toEqualTypeOf<SharingService>()
    expectTypeOf<SharingService['handle']>().toEqualTypeOf<SharedServiceHandle>()
    expectTypeOf(connectService).parameter(0).toEqualTypeOf<SharedServiceHandle>()
    expectTypeOf(connectService({ url: '', name: '', relay: '' })).resolves.toEqualTypeOf<Service>()
  })

  test('addInstrumentations takes instrumentations and the packages to load', () => {
    expectTypeOf(addInstrumentations).parameter(1).toEqualTypeOf<{ readonly load?: readonly string[] } | undefined>()
  })
})
