import type { CapturedSpan } from '../model/captured-span.js'
import { compileSelector, describeSelector } from '../select/select-spans.js'
import type { Selector } from '../select/selector.js'
import type { Trace } from '../select/trace.js'
import type { TraceStore } from '../collector/trace-store.js'
import { TraceTimeoutError, UsageError } from '../errors.js'
import type { ClientContext } from './client-context.js'
import { msOption } from './ms-option.js'
import type { WaitForSpanOptions } from './types.js'

/** Default of {@link WaitForSpanOptions.timeoutMs}. */
const DEFAULT_WAIT_MS = 5000

/** Where a wait looks: the trace itself, or the traces linking into it. */
interface WaitScope {
  /** A span already captured that matches, if any. */
  find(): CapturedSpan | undefined
  /** Starts watching the store; calls `found` with a matching span, `failed` on a store limit. Returns the unwatch. */
  watch(found: (span: CapturedSpan) => void, failed: (error: unknown) => void): () => void
  /** What the timeout message shows of what was captured, and its advice. */
  timedOut(): { captured: string; advice: string }
}

/**
 * Waits for a span of `trace` matching `selector`, one that may end after the trace was handed
 * out (background work): resolves with it at once if it is there, else when it ends; rejects on a
 * store limit or after the timeout, with the trace as captured so far. With `{ linked: true }` it
 * looks in the other traces linking into `trace` instead (a consumer starting its own trace).
 */
export function waitForSpan(ctx: ClientContext, trace: Trace, selector: Selector, waitOptions: WaitForSpanOptions = {}): Promise<CapturedSpan> {
  const { store } = ctx
  const match = compileSelector(selector)
  let configuredMs: number
  try {
    configuredMs = msOption(waitOptions, { name: 'timeoutMs', alias: 'timeout' }, DEFAULT_WAIT_MS, 'wait for a span')
    checkLinked(waitOptions.linked)
  } catch (error) {
    return Promise.reject(error)
  }
  const waited = ctx.tests.budget(configuredMs)
  const timeoutMs = waited.ms
  const scope = waitOptions.linked === true ? linkedScope(store, trace.traceId, match) : ownScope(ctx, trace.traceId, match)
  const found = scope.find()
  if (found) return Promise.resolve(found)
  const hit = waitOptions.linked === true ? undefined : store.limitError(trace.traceId)
  if (hit) return Promise.reject(hit)
  return new Promise((resolve, reject) => {
    // Pull mode: nothing arrives unless asked for, so the backend is queried while the test waits
    // (for the trace itself: a backend is asked by trace id, so traces linking in cannot be followed).
    const unfollow = waitOptions.linked === true ? undefined : ctx.options.pull?.traces.follow(trace.traceId, timeoutMs)
    const unwatch = scope.watch((span) => {
      cleanup()
      resolve(span)
    }, (error) => {
      cleanup()
      reject(error)
    })
    const timer = setTimeout(() => {
      cleanup()
      const gone = ctx.tests.wasReleased(trace.traceId)
        ? ' The trace was released from the store when the test that requested it finished: please wait for its spans in that test.'
        : ''
      const { captured, advice } = scope.timedOut()
      const where = waitOptions.linked === true ? `a trace linking to trace ${trace.traceId}` : `trace ${trace.traceId}`
      reject(ctx.explain(new TraceTimeoutError(
        `Failed to see a span matching ${describeSelector(selector)} in ${where} within ${timeoutMs} ms.${gone}\n\n` +
          `${captured}\n\nPlease ${advice}, or raise { timeoutMs }.`,
      ), trace.traceId, waited))
    }, timeoutMs)
    const cleanup = (): void => {
      unfollow?.()
      unwatch()
      clearTimeout(timer)
    }
  })
}

type Match = (span: CapturedSpan, trace: Trace) => boolean

function ownScope(ctx: ClientContext, traceId: string, match: Match): WaitScope {
  const { store } = ctx
  // The test expects more of this trace: its spans after the hand-over are awaited, not late.
  ctx.late?.expectMore(traceId)
  return {
    find: () => {
      const current = store.trace(traceId)
      return current.spans().find((span) => match(span, current))
    },
    watch: (found, failed) => store.watch(traceId, (event) => {
      if (event.type === 'limit') {
        failed(store.limitError(traceId))
        return
      }
      if (event.type !== 'end') return
      const now = store.trace(traceId)
      // Handed out through the newest snapshot, so span matchers see its relatives.
      if (match(event.span, now)) found(now.spanById(event.span.spanId) ?? event.span)
    }),
    timedOut: () => ({ captured: store.trace(traceId).toString(), advice: "check that the background work runs in this trace's context" }),
  }
}

// Spans of a linking trace may arrive before the span that links (a batch's children end before
// the batch span), so a new link rescans that whole trace, and every span of an already linking
// trace is tested as it arrives.
function linkedScope(store: TraceStore, traceId: string, match: Match): WaitScope {
  const findIn = (linkingId: string): CapturedSpan | undefined => {
    const linking = store.trace(linkingId)
    return linking.spans().find((span) => match(span, linking))
  }
  return {
    find: () => {
      for (const id of store.linkingTraceIds(traceId)) {
        const span = findIn(id)
        if (span) return store.trace(id).spanById(span.spanId) ?? span
      }
      return undefined
    },
    watch: (found) => store.watchAll((span) => {
      const linksHere = span.links.some((l) => l.traceId === traceId)
      if (!linksHere && !store.linkingTraceIds(traceId).includes(span.traceId)) return
      const now = store.trace(span.traceId)
      const hit = linksHere ? findIn(span.traceId) : match(span, now) ? span : undefined
      if (hit) found(now.spanById(hit.spanId) ?? hit)
    }),
    timedOut: () => {
      const linking = store.linkingTraceIds(traceId)
      return {
        captured: linking.length === 0
          ? 'No captured trace links to it yet.'
          : linking.slice(0, 3).map((id) => store.trace(id).toString()).join('\n\n') + (linking.length > 3 ? `\n… and ${linking.length - 3} more linking traces` : ''),
        advice: 'check that the consumer adds a link to the producer\'s span context (from the message headers) when it starts its span, and that it exports to this harness',
      }
    },
  }
}

function checkLinked(linked: unknown): void {
  if (linked === undefined || typeof linked === 'boolean') return
  throw new UsageError(`Failed to wait for a span: linked must be true or false, got ${JSON.stringify(linked) ?? String(linked)}. Please pass { linked: true } to look in the traces that link to this one.`)
}
