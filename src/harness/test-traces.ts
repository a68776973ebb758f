import type { TraceStore } from '../collector/trace-store.js'
import type { LateSpanWatch } from './late-spans.js'
import { waitBudget } from './test-deadline.js'
import type { RunningTest, WaitBudget } from './test-deadline.js'

/** What the harness needs of vitest to release a test's traces once it is over. */
interface VitestHooks {
  onTestFinished(fn: () => void): void
  TestRunner: { getCurrentTest(): (RunningTest & { readonly concurrent?: boolean }) | undefined }
}

let vitestHooks: Promise<VitestHooks | undefined> | undefined

/**
 * vitest's test hooks when this process is a vitest worker, else undefined. Loaded only there, so
 * the harness works the same outside vitest (a plain script, another runner) and never makes
 * vitest a runtime requirement.
 */
function loadVitestHooks(): Promise<VitestHooks | undefined> {
  if (!('__vitest_worker__' in globalThis)) return Promise.resolve(undefined)
  vitestHooks ??= import('vitest').then((vitest) => vitest as unknown as VitestHooks, () => undefined)
  return vitestHooks
}

/** Trace ids the harness released because their test was over, remembered to explain a late look-up. */
const RELEASED_REMEMBERED = 4_096

/**
 * One client's bookkeeping of which vitest test requested which trace: traces are released from
 * the store once their test is over, a test whose traces got late spans fails after its body,
 * and waits are cut to fit inside the running test's timeout.
 */
export class TestTraces {
  readonly #store: TraceStore
  readonly #late: LateSpanWatch | undefined
  readonly #onRelease: ((traceId: string) => void) | undefined
  readonly #hooks = loadVitestHooks()
  // Once loaded, kept here so the per-request bookkeeping costs no await.
  #vitest: VitestHooks | undefined | null = null
  readonly #byTest = new WeakMap<object, string[]>()
  #finished: string[] = []
  readonly #released = new Set<string>()

  constructor(store: TraceStore, late: LateSpanWatch | undefined, onRelease: ((traceId: string) => void) | undefined) {
    this.#store = store
    this.#late = late
    this.#onRelease = onRelease
    void this.#hooks.then((loaded) => { this.#vitest = loaded })
  }

  /** Resolves once vitest's hooks are loaded (or known absent): the running test's timeout is read through them. */
  async ready(): Promise<void> {
    if (this.#vitest === null) await this.#hooks
  }

  /** A wait's time inside the running test's timeout (waits outside a test keep theirs). */
  budget(configuredMs: number): WaitBudget {
    try {
      return waitBudget(configuredMs, this.#vitest?.TestRunner.getCurrentTest())
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
   * Marks `traceId` for release once the vitest test that requested it is over. Only for a test
   * running on its own: vitest cannot tell concurrent tests apart here, so their traces, and those
   * of requests made outside any test (beforeAll, a plain script), stay until `maxTraces` or stop().
   */
  releaseAfterTest(traceId: string): void | Promise<void> {
    if (this.#vitest === null) return this.#hooks.then(() => this.releaseAfterTest(traceId))
    const vitest = this.#vitest
    if (vitest === undefined) return
    try {
      const test = vitest.TestRunner.getCurrentTest()
      if (test === undefined || test.concurrent === true) return
      let traceIds = this.#byTest.get(test)
      if (traceIds === undefined) {
        const list: string[] = []
        this.#byTest.set(test, (traceIds = list))
        vitest.onTestFinished(async () => {
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
