import type { Pool } from 'undici'
import type { TraceStore } from '../collector/trace-store.js'
import type { TracedClientOptions } from './client.js'
import type { LateSpanWatch } from './late-spans.js'
import type { WaitBudget } from './test-deadline.js'
import type { TestTraces } from './test-traces.js'

/** What the steps of a traced client (request, waitForSpan) share: its options, store, connections and bookkeeping. */
export interface ClientContext {
  readonly options: TracedClientOptions
  readonly store: TraceStore
  readonly pool: Pool
  readonly requestTimeoutMs: number
  /** Out of process only: the watch for spans arriving after their trace was handed out. */
  readonly late: LateSpanWatch | undefined
  readonly tests: TestTraces
  /** Whether the client was closed (the service stopped). */
  closed(): boolean
  /** A timeout error with the likely causes the harness can tell; other errors as they are. */
  explain(error: unknown, traceId: string, waited: WaitBudget): unknown
}
