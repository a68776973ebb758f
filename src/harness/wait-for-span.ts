import type { CapturedSpan } from '../model/captured-span.js'
import { compileSelector, describeSelector } from '../select/select-spans.js'
import type { Selector } from '../select/selector.js'
import type { Trace } from '../select/trace.js'
import { TraceTimeoutError } from '../errors.js'
import type { ClientContext } from './client-context.js'
import { msOption } from './ms-option.js'
import type { WaitForSpanOptions } from './types.js'

/** Default of {@link WaitForSpanOptions.timeoutMs}. */
const DEFAULT_WAIT_MS = 5000

/**
 * Waits for a span of `trace` matching `selector`, one that may end after the trace was handed
 * out (background work): resolves with it at once if it is there, else when it ends; rejects on a
 * store limit or after the timeout, with the trace as captured so far.
 */
export function waitForSpan(ctx: ClientContext, trace: Trace, selector: Selector, waitOptions: WaitForSpanOptions = {}): Promise<CapturedSpan> {
  const { store } = ctx
  const match = compileSelector(selector)
  let configuredMs: number
  try {
    configuredMs = msOption(waitOptions, { name: 'timeoutMs', alias: 'timeout' }, DEFAULT_WAIT_MS, 'wait for a span')
  } catch (error) {
    return Promise.reject(error)
  }
  const waited = ctx.tests.budget(configuredMs)
  const timeoutMs = waited.ms
  // The test expects more of this trace: its spans after the hand-over are awaited, not late.
  ctx.late?.expectMore(trace.traceId)
  const current = store.trace(trace.traceId)
  const found = current.spans().find((span) => match(span, current))
  if (found) return Promise.resolve(found)
  const hit = store.limitError(trace.traceId)
  if (hit) return Promise.reject(hit)
  return new Promise((resolve, reject) => {
    // Pull mode: nothing arrives unless asked for, so the backend is queried while the test waits.
    const unfollow = ctx.options.pull?.traces.follow(trace.traceId, timeoutMs)
    const unwatch = store.watch(trace.traceId, (event) => {
      if (event.type === 'limit') {
        cleanup()
        reject(store.limitError(trace.traceId))
        return
      }
      if (event.type !== 'end') return
      const now = store.trace(trace.traceId)
      if (!match(event.span, now)) return
      cleanup()
      // Handed out through the newest snapshot, so span matchers see its relatives.
      resolve(now.spanById(event.span.spanId) ?? event.span)
    })
    const timer = setTimeout(() => {
      cleanup()
      const gone = ctx.tests.wasReleased(trace.traceId)
        ? ' The trace was released from the store when the test that requested it finished: please wait for its spans in that test.'
        : ''
      reject(ctx.explain(new TraceTimeoutError(
        `Failed to see a span matching ${describeSelector(selector)} in trace ${trace.traceId} within ${timeoutMs} ms.${gone}\n\n` +
          `${store.trace(trace.traceId).toString()}\n\nPlease check that the background work runs in this trace's context, or raise { timeoutMs }.`,
      ), trace.traceId, waited))
    }, timeoutMs)
    const cleanup = (): void => {
      unfollow?.()
      unwatch()
      clearTimeout(timer)
    }
  })
}
