import type { TraceStore } from '../collector/trace-store.js'
import type { LateSpanWatch } from './late-spans.js'
import { waitBudget } from './test-deadline.js'
import type { WaitBudget } from './test-deadline.js'
import { loadTestRunner } from './test-runner.js'
import type { TestRunnerAdapter } from './test-runner.js'

/** Trace ids the harness released because their test was over, remembered to explain a late look-up. */
const RELEASED_REMEMBERED = 4_096

/**
 * One client's bookkeeping of which test requested which trace: traces are released from
 * the store once their test is over, a test whose traces got late spans fails after its body,
 * and waits are cut to fit inside the running test's timeout.
 */
export class TestTraces {
  readonly #store: TraceStore
  readonly #late: LateSpanWatch | undefined
  readonly #onRelease: ((traceId: string) => void) | undefined
  readonly #hooks = loadTestRunner()
  // Once loaded, kept here so the per-request bookkeeping costs no await.
  #runner: TestRunnerAdapter | undefined | null = null
  readonly #byTest = new WeakMap<object, string[]>()
  #finished: string[] = []
  readonly #released = new Set<string>()

  constructor(store: TraceStore, late: LateSpanWatch | undefined, onRelease: ((traceId: string) => void) | undefined) {
    this.#store = store
    this.#late = late
    this.#onRelease = onRelease
    void this.#hooks.then((loaded) => { this.#runner = loaded })
  }

  /** Resolves once the test runner's adapter is loaded (or known absent): the running test's timeout is read through it. */
  async ready(): Promise<void> {
    if (this.#runner === null) await this.#hooks
  }

  /** A wait's time inside the running test's timeout (waits outside a test keep theirs). */
  budget(configuredMs: number): WaitBudget {
    try {
      return waitBudget(configuredMs, this.#runner?.currentTest())
    } catch {
      return { ms: configuredMs }
    }
  }

  /** Whether `traceId` was released because its test was over. */
  wasReleased(traceId: string): boolean {
    return this.#released.has(traceId)
  }

  /**
   * Releases the traces of finished tests. Called at the client's next request, not the moment
   * their test finishes: vitest runs a test's onTestFailed hooks after its onTestFinished hooks,
   * and those may still read the store (to print or export the failing test's traces).
   */
  releaseFinished(): void {
    if (this.#finished.length === 0) return
    for (const traceId of this.#finished) {
      this.#store.release(traceId)
      this.#onRelease?.(traceId)
      this.#late?.released(traceId)
      this.#released.add(traceId)
      if (this.#released.size > RELEASED_REMEMBERED) this.#released.delete(this.#released.values().next().value as string)
    }
    this.#finished = []
  }

  /**
   * Marks `traceId` for release once the test that requested it is over. Only for a test
   * running on its own: the runner cannot tell concurrent tests apart here, so their traces, and those
   * of requests made outside any test (beforeAll, a plain script), stay until `maxTraces` or stop().
   */
  releaseAfterTest(traceId: string): void | Promise<void> {
    if (this.#runner === null) return this.#hooks.then(() => this.releaseAfterTest(traceId))
    const runner = this.#runner
    if (runner === undefined) return
    try {
      const test = runner.currentTest()
      if (test === undefined || test.concurrent === true) return
      let traceIds = this.#byTest.get(test)
      if (traceIds === undefined) {
        const list: string[] = []
        this.#byTest.set(test, (traceIds = list))
        runner.onTestFinished(async () => {
          this.#finished.push(...list)
          this.#byTest.delete(test)
          // A test whose traces got spans after it was handed them fails here, after its body.
          const error = await this.#late?.checkTest(list)
          if (error) throw error
        })
      }
      traceIds.push(traceId)
      this.#late?.own(traceId)
    } catch {
      // Not inside a running test after all (a request nobody awaited, finishing after its test).
    }
  }
}
