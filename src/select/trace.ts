import type { CapturedLog } from '../model/captured-log.js'
import type { CapturedSpan } from '../model/captured-span.js'
import { criticalPathSpans } from '../model/critical-path.js'
import type { CriticalPathSpan } from '../model/critical-path.js'
import { renderTrace } from '../model/render-trace.js'
import { selfTimeMs, TraceTree } from '../model/trace-tree.js'
import type { TraceInit, TraceView } from '../model/trace-tree.js'
import { SpanLookupError } from '../errors.js'
import { closestSpans, describeSelector, selectSpans } from './select-spans.js'
import type { Selector } from './selector.js'
import { linkingTraces, provideTreeReader, resolveLinks, treeOf } from './trace-trees.js'
import type { LinkedTraces, ResolvedLink } from './trace-trees.js'

export type { TraceInit } from '../model/trace-tree.js'
export type { LinkedTraces, ResolvedLink } from './trace-trees.js'

/** What a {@link Trace} is made with besides its spans. */
export interface TraceOptions extends TraceInit {
  /** Resolves links into other traces; a `TraceStore` passes itself. */
  readonly linked?: LinkedTraces
}

const traceOfSpan = new WeakMap<CapturedSpan, Trace>()

/**
 * The trace a span was last seen in, so a matcher on a single span can resolve selectors such as
 * `toBeChildOf({ kind: 'SERVER' })` against the span's relatives.
 */
export function traceOf(span: CapturedSpan): Trace | undefined {
  return traceOfSpan.get(span)
}

/**
 * A snapshot of one trace: its spans, indexed as a tree.
 *
 * @example
 * ```ts
 * const { trace } = await svc.request('GET /orders/42')
 * trace.root.name                       // 'GET /orders/:id'
 * trace.span(/SELECT orders/).durationMs
 * trace.children(trace.root).map((s) => s.name)
 * trace.spans({ attributes: { 'db.system.name': 'postgresql' } }).length
 * console.log(trace.toString())
 * ```
 */
export class Trace implements TraceView {
  /** 32 lowercase hex characters. */
  readonly traceId: string
  /** Log lines the services wrote for this trace. */
  readonly logs: readonly CapturedLog[]

  readonly #tree: TraceTree
  readonly #linked: LinkedTraces | undefined
  #criticalPath: readonly CriticalPathSpan[] | undefined

  static {
    provideTreeReader((trace) => trace.#tree, (trace) => trace.#linked)
  }

  constructor(spans: Iterable<CapturedSpan>, init: TraceOptions = {}) {
    this.#tree = new TraceTree(spans, init)
    this.#linked = init.linked
    this.traceId = this.#tree.traceId
    this.logs = this.#tree.logs
  }

  // Spans handed out by this trace remember it, so span matchers can find their relatives. Done
  // on the way out rather than for every span up front: most spans are never looked at.
  #own<T extends CapturedSpan | undefined>(span: T): T {
    if (span !== undefined) traceOfSpan.set(span, this)
    return span
  }

  #ownAll<T extends readonly CapturedSpan[]>(spans: T): T {
    for (const span of spans) traceOfSpan.set(span, this)
    return spans
  }

  /**
   * The entry span: the earliest span whose parent is not in the trace (for a harness request, the
   * service's SERVER span whose parent is the harness's client span). Throws on an empty trace.
   */
  get root(): CapturedSpan {
    const root = this.#tree.roots[0]
    if (root === undefined) {
      throw new SpanLookupError(`Trace ${this.traceId || '(no id)'} has no spans, so it has no root span.`)
    }
    return this.#own(root)
  }

  /** Every span whose parent is not part of the trace. More than one means a broken trace. */
  get roots(): readonly CapturedSpan[] {
    return this.#ownAll(this.#tree.roots)
  }

  /** Number of spans. */
  get size(): number {
    return this.#tree.size
  }

  /** From the earliest start to the latest end, in milliseconds. */
  get durationMs(): number {
    return this.#tree.durationMs
  }

  /** The span with this id, if it is in the trace. */
  spanById(spanId: string): CapturedSpan | undefined {
    return this.#own(this.#tree.spanById(spanId))
  }

  /**
   * The one span matching `selector`. Throws a {@link SpanLookupError} listing the matches when
   * there are several, or the closest candidates and the trace when there is none.
   */
  span(selector: Selector): CapturedSpan {
    const matches = selectSpans(this, selector)
    if (matches.length === 1) return this.#own(matches[0] as CapturedSpan)
    const wanted = describeSelector(selector)
    if (matches.length === 0) {
      const near = closestSpans(this, selector, 3)
      const lines = near.map((c) => `  - ${c.span.name}: ${c.mismatches.map((m) => `${m.field} expected ${m.expected}, got ${m.actual}`).join('; ')}`)
      const marks = new Map(near.map((c) => [c.span.spanId, { label: 'closest candidate' }]))
      throw new SpanLookupError(
        `Failed to find a span matching ${wanted}: no span matches.` +
          (lines.length ? `\nClosest candidates:\n${lines.join('\n')}` : '') +
          `\n\n${renderTrace(this.#tree, { marks })}\n\nPlease check the selector against the trace above.`,
      )
    }
    const listed = matches.slice(0, 10).map((s) => `  - ${s.name} (span ${s.spanId})`)
    throw new SpanLookupError(
      `Failed to pick one span matching ${wanted}: ${matches.length} spans match.\n${listed.join('\n')}` +
        (matches.length > 10 ? `\n  … and ${matches.length - 10} more` : '') +
        `\nPlease narrow the selector (add kind, attributes or parent), or use trace.spans(selector) for all of them.`,
    )
  }

  /**
   * Every span matching `selector`, in start order; every span of the trace when no selector is
   * given.
   */
  spans(selector?: Selector): readonly CapturedSpan[] {
    return this.#ownAll(selector === undefined ? this.#tree.spans() : selectSpans(this, selector))
  }

  /** The parent of `span` within this trace, or undefined for a root. */
  parent(span: CapturedSpan): CapturedSpan | undefined {
    return this.#own(this.#tree.parent(span))
  }

  /** Direct children of `span` (of the root when omitted), in start order. */
  children(span: CapturedSpan = this.root): readonly CapturedSpan[] {
    return this.#ownAll(this.#tree.children(span))
  }

  /** Every span below `span` (the root when omitted), depth first. */
  descendants(span: CapturedSpan = this.root): CapturedSpan[] {
    return this.#ownAll(this.#tree.descendants(span))
  }

  /** Ancestors of `span`, nearest first. */
  ancestors(span: CapturedSpan): CapturedSpan[] {
    return this.#ownAll(this.#tree.ancestors(span))
  }

  /**
   * The links of `span`, each with the span it points to: in this trace, or in another trace the
   * store holds (`span: undefined` when that span was never captured).
   *
   * @example
   * ```ts
   * const [consumer] = trace.linkingTraces()
   * consumer.links(consumer.root).map((l) => l.span?.name) // ['orders publish', …]
   * ```
   */
  links(span: CapturedSpan): readonly ResolvedLink[] {
    const resolved = resolveLinks(this, span)
    for (const r of resolved) if (r.span !== undefined && r.trace !== undefined) traceOfSpan.set(r.span, r.trace)
    return resolved
  }

  /**
   * Other traces in the same store with a span linking into this one, such as the trace a batch
   * consumer started for messages this request published. Empty for a trace built by hand.
   */
  linkingTraces(): readonly Trace[] {
    return linkingTraces(this)
  }

  /** Time of `span` not covered by any of its children, in milliseconds. */
  selfTimeMs(span: CapturedSpan): number {
    return selfTimeMs(span, this.#tree.children(span))
  }

  /**
   * The critical path: the chain of spans that decided when `from` (the entry span when omitted)
   * finished, in start order, each with the ms it contributed. Contributions add up to the
   * duration of `from`; spans running in parallel off the path are absent, since making them
   * faster would not make the request faster.
   *
   * @example
   * ```ts
   * for (const { span, contributionMs } of trace.criticalPath()) console.log(span.name, contributionMs)
   * // GET /orders/:id 3.1 · GET 0 · GET /stock/:sku 11.0 · …
   * ```
   */
  criticalPath(from?: CapturedSpan): readonly CriticalPathSpan[] {
    if (from !== undefined) {
      if (from.traceId !== this.traceId || this.#tree.spanById(from.spanId) === undefined) {
        throw new SpanLookupError(`Failed to compute the critical path from span ${from.spanId} ("${from.name}"): it is not part of trace ${this.traceId}. Please pass a span of this trace, e.g. trace.span(selector).`)
      }
      return this.#ownSteps(criticalPathSpans(this.#tree, from))
    }
    this.#criticalPath ??= criticalPathSpans(this.#tree)
    return this.#ownSteps(this.#criticalPath)
  }

  #ownSteps(steps: readonly CriticalPathSpan[]): readonly CriticalPathSpan[] {
    for (const step of steps) traceOfSpan.set(step.span, this)
    return steps
  }

  /** The trace as an indented text tree: name, kind, service, duration, status; errors marked. */
  toString(): string {
    return renderTrace(this.#tree)
  }
}

/** Ancestors of `span` in `trace`, nearest first, without recording them as seen in `trace`. */
export function ancestorsOf(trace: Trace, span: CapturedSpan): CapturedSpan[] {
  return treeOf(trace).ancestors(span)
}
