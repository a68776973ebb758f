import { describe, expect, test } from 'vitest'
import { buildTrace, fixtureSpanId } from '../fixtures/build-trace.js'
import { failureOf } from '../fixtures/failure-message.js'
import { linkedTraces, UNSEEN_TRACE_ID } from '../fixtures/linked-traces.js'

const { producer, consumer } = linkedTraces()
const batch = consumer.span('orders process')
const insert = consumer.span('INSERT shipments')

describe('toHaveLink', () => {
  test('passes on a selector matched in the linked trace, or on the linked span itself', () => {
    expect(batch).toHaveLink({ kind: 'PRODUCER' })
    expect(batch).toHaveLink({ name: 'orders publish', attributes: { 'messaging.destination.name': 'audit' } })
    expect(batch).toHaveLink({ kind: 'PRODUCER', parent: 'POST /orders' })
    expect(batch).toHaveLink(producer.spans('orders publish')[1] as never)
    expect(batch).toHaveLink({ kind: 'PRODUCER' }, { 'messaging.message.id': 'm-1' })
  })

  test('a span passed by value matches a link to it even when the store never saw it', () => {
    const unseen = { ...batch, traceId: UNSEEN_TRACE_ID, spanId: fixtureSpanId(4), links: [] }
    expect(batch).toHaveLink(unseen)
  })

  test('fails on a selector no linked span matches, listing every link and drawing the linked trace', () => {
    expect(failureOf(() => expect(batch).toHaveLink({ kind: 'SERVER' }))).toMatchSnapshot()
  })

  test('fails when the target matches but the link lacks the attributes', () => {
    const message = failureOf(() => expect(batch).toHaveLink({ attributes: { 'messaging.destination.name': 'audit' } }, { 'messaging.message.id': 'm-1' }))
    expect(message).toContain('Received: 1 link to a matching span, without those attributes')
    expect(message).toContain('(target matches, attributes differ)')
    expect(message).toMatchSnapshot()
  })

  test('a span without links says so', () => {
    const message = failureOf(() => expect(insert).toHaveLink({ kind: 'PRODUCER' }))
    expect(message).toContain('Received: no links')
    expect(message).toContain('Links of "INSERT shipments" CLIENT (span 0000000000000002):\n  (none)')
  })

  test('.not passes when no link matches and fails on a matching one, marking it', () => {
    expect(insert).not.toHaveLink({ kind: 'PRODUCER' })
    expect(batch).not.toHaveLink({ kind: 'PRODUCER' }, { 'messaging.message.id': 'm-2' })
    // `undefined` means the attribute must be absent: the second publish's link carries none.
    expect(batch).toHaveLink({ kind: 'PRODUCER' }, { 'messaging.message.id': undefined })
    expect(batch).not.toHaveLink({ attributes: { 'messaging.destination.name': 'orders' } }, { 'messaging.message.id': undefined })
    expect(failureOf(() => expect(batch).not.toHaveLink({ kind: 'PRODUCER' }, { 'messaging.message.id': 'm-1' }))).toMatchSnapshot()
  })

  test('asymmetric matchers in the selector and the link attributes', () => {
    expect(batch).toHaveLink({ name: expect.stringContaining('publish') }, { 'messaging.message.id': expect.stringMatching(/^m-\d$/) })
    expect(batch).not.toHaveLink({ name: expect.stringContaining('publish') }, { 'messaging.message.id': expect.any(Number) })
  })

  test('links within one trace resolve there', () => {
    const loop = buildTrace({
      name: 'poll', startMs: 0, endMs: 9,
      children: [{ name: 'first', startMs: 1, endMs: 2 }, { name: 'second', startMs: 3, endMs: 4, links: [{ traceId: '00000000000000000000000000000001', spanId: fixtureSpanId(2) }] }],
    })
    expect(loop.span('second')).toHaveLink('first')
    expect(loop.span('second')).toHaveLink(loop.span('first'))
  })

  test('misuse throws a TypeError naming the matcher', () => {
    expect(() => expect(consumer).toHaveLink({ kind: 'PRODUCER' })).toThrowError(/^toHaveLink\(\) expects a span, received a Trace\./)
    expect(() => expect(batch).toHaveLink(undefined as never)).toThrowError(/^toHaveLink\(\) expects a selector or a span/)
    expect(() => expect(batch).toHaveLink({ kind: 'PRODUCER' }, 'm-1' as never)).toThrowError(/^toHaveLink\(\) expects the link's attributes as an object/)
    expect(() => expect(batch).toHaveLink({ knd: 'PRODUCER' } as never)).toThrowError(/^toHaveLink\(\): Unknown selector key "knd"/)
  })
})
