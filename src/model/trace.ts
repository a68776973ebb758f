import type { CapturedSpan } from './captured-span.js'
import type { CapturedLog } from '../collector/trace-store.js'
import type { Selector } from '../select/selector.js'
import { closestSpans, describeSelector, selectSpans } from '../select/select-spans.js'
import { SpanLookupError } from '../errors.js'
import { renderTrace } from './render-trace.js'

const traceOfSpan = new WeakMap<CapturedSpan, Trace>()

/**
 * Read access for tracewright's own modules (the selector engine, the renderer) that does not
 * register every span it walks over with its trace; see `#own` below.
 */
export interface TraceInternals {
  spans(trace: Trace): readonly CapturedSpan[]
  parent(trace: Trace, span: CapturedSpan): CapturedSpan | undefined
  children(trace: Trace, span: CapturedSpan): readonly CapturedSpan[]
}
// Assigned by Trace's static block, the only code that can read its private fields.
export let traceInternals: TraceInternals

/**
 * The trace a span was last seen in, so a matcher on a single span can resolve selectors such as
 * `toBeChildOf({ kind: 'SERVER' })` against the span's relatives.
 */
export function traceOf(span: CapturedSpan): Trace | undefined {
  return traceOfSpan.get(span)
}

export interface TraceInit {
  readonly traceId?: string
  readonly logs?: readonly CapturedLog[]
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
export class Trace {
  /** 32 lowercase hex characters. */
  readonly traceId: string
  /** Log lines the services wrote for this trace. */
  readonly logs: readonly CapturedLog[]

  static {
    traceInternals = {
      spans: (trace) => trace.#spans,
      parent: (trace, span) => (span.parentSpanId === undefined ? undefined : trace.#byId.get(span.parentSpanId)),
      children: (trace, span) => trace.#children.get(span.spanId) ?? [],
    }
  }

  readonly #input: readonly CapturedSpan[]
  #index: TraceIndex | undefined

  constructor(spans: Iterable<CapturedSpan>, init: TraceInit = {}) {
    const input = [...spans]
    this.#input = input
    this.logs = init.logs ? [...init.logs] : []
    this.traceId = init.traceId ?? input[0]?.traceId ?? ''
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

  // Sorting and indexing wait until something asks: a request whose trace is never inspected
  // (a measurement run, a warm-up) does not pay for them.
  get #indexed(): TraceIndex {
    this.#index ??= buildIndex(this.#input)
    return this.#index
  }

  get #spans(): readonly CapturedSpan[] {
    return this.#indexed.sorted
  }

  get #byId(): ReadonlyMap<string, CapturedSpan> {
    return this.#indexed.byId
  }

  get #children(): ReadonlyMap<string, CapturedSpan[]> {
    return this.#indexed.children
  }

  get #roots(): readonly CapturedSpan[] {
    return this.#indexed.roots
  }

  /**
   * The entry span: the earliest span whose parent is not in the trace (for a harness request, the
   * service's SERVER span whose parent is the harness's client span). Throws on an empty trace.
   */
  get root(): CapturedSpan {
    const root = this.#roots[0]
    if (root === undefined) {
      throw new SpanLookupError(`Trace ${this.traceId || '(no id)'} has no spans, so it has no root span.`)
    }
    return this.#own(root)
  }

  /** Every span whose parent is not part of the trace. More than one means a broken trace. */
  get roots(): readonly CapturedSpan[] {
    return this.#ownAll(this.#roots)
  }

  /** Number of spans. */
  get size(): number {
    return this.#input.length
  }

  /** From the earliest start to the latest end, in milliseconds. */
  get durationMs(): number {
    let start: bigint | undefined
    let end: bigint | undefined
    for (const s of this.#spans) {
      if (start === undefined || s.start < start) start = s.start
      if (end === undefined || s.end > end) end = s.end
    }
    return start === undefined || end === undefined ? 0 : Number(end - start) / 1e6
  }

  /** The span with this id, if it is in the trace. */
  spanById(spanId: string): CapturedSpan | undefined {
    return this.#own(this.#byId.get(spanId))
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
          `\n\n${renderTrace(this, { marks })}\n\nPlease check the selector against the trace above.`,
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
    return this.#ownAll(selector === undefined ? this.#spans : selectSpans(this, selector))
  }

  /** The parent of `span` within this trace, or undefined for a root. */
  parent(span: CapturedSpan): CapturedSpan | undefined {
    return span.parentSpanId === undefined ? undefined : this.#own(this.#byId.get(span.parentSpanId))
  }

  /** Direct children of `span` (of the root when omitted), in start order. */
  children(span: CapturedSpan = this.root): readonly CapturedSpan[] {
    return this.#ownAll(this.#children.get(span.spanId) ?? [])
  }

  /** Every span below `span` (the root when omitted), depth first. */
  descendants(span: CapturedSpan = this.root): CapturedSpan[] {
    const out: CapturedSpan[] = []
    const stack = [...this.children(span)].reverse()
    while (stack.length > 0) {
      const next = stack.pop() as CapturedSpan
      out.push(next)
      const kids = this.#children.get(next.spanId)
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as CapturedSpan)
    }
    return this.#ownAll(out)
  }

  /** Ancestors of `span`, nearest first. */
  ancestors(span: CapturedSpan): CapturedSpan[] {
    return this.#ownAll(ancestorsOf(this, span))
  }

  /** Time of `span` not covered by any of its children, in milliseconds. */
  selfTimeMs(span: CapturedSpan): number {
    return selfTimeMs(span, traceInternals.children(this, span))
  }

  /** The trace as an indented text tree: name, kind, service, duration, status; errors marked. */
  toString(): string {
    return renderTrace(this)
  }
}

/** Ancestors of `span`, nearest first, without registering them (see `traceInternals`). */
export function ancestorsOf(trace: Trace, span: CapturedSpan): CapturedSpan[] {
  const out: CapturedSpan[] = []
  const seen = new Set<string>([span.spanId])
  let current = traceInternals.parent(trace, span)
  while (current !== undefined && !seen.has(current.spanId)) {
    out.push(current)
    seen.add(current.spanId)
    current = traceInternals.parent(trace, current)
  }
  return out
}

/** Time of `span` not covered by the union of its children's intervals (clipped to the span). */
export function selfTimeMs(span: CapturedSpan, children: readonly CapturedSpan[]): number {
  const intervals = children
    .map((c) => [c.start < span.start ? span.start : c.start, c.end > span.end ? span.end : c.end] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  let covered = 0n
  let curStart: bigint | undefined
  let curEnd = 0n
  for (const [s, e] of intervals) {
    if (curStart === undefined || s > curEnd) {
      if (curStart !== undefined) covered += curEnd - curStart
      curStart = s
      curEnd = e
    } else if (e > curEnd) {
      curEnd = e
    }
  }
  if (curStart !== undefined) covered += curEnd - curStart
  const total = span.end - span.start
  return total > covered ? Number(total - covered) / 1e6 : 0
}

interface TraceIndex {
  readonly sorted: readonly CapturedSpan[]
  readonly byId: ReadonlyMap<string, CapturedSpan>
  readonly children: ReadonlyMap<string, CapturedSpan[]>
  readonly roots: readonly CapturedSpan[]
}

function buildIndex(input: readonly CapturedSpan[]): TraceIndex {
  const byId = new Map<string, CapturedSpan>()
  for (const span of input) byId.set(span.spanId, span)
  const sorted = sortByStart(input, byId)
  const children = new Map<string, CapturedSpan[]>()
  const roots: CapturedSpan[] = []
  for (const span of sorted) {
    const parentId = span.parentSpanId
    if (parentId !== undefined && byId.has(parentId)) {
      let list = children.get(parentId)
      if (list === undefined) children.set(parentId, (list = []))
      list.push(span)
    } else {
      roots.push(span)
    }
  }
  return { sorted, byId, children, roots }
}

// The JS SDK takes a span's start from Date.now(), so spans started within the same millisecond
// share a start time (and their ends, computed from that truncated start, cannot order them). Then
// an ancestor comes before its descendants, and otherwise the order they arrived in decides: spans
// arrive in the order they ended, which for awaited calls one after another is the order they ran.
function sortByStart(input: readonly CapturedSpan[], byId: ReadonlyMap<string, CapturedSpan>): CapturedSpan[] {
  const depths = new Map<string, number>()
  const depthOf = (span: CapturedSpan): number => {
    let depth = depths.get(span.spanId)
    if (depth !== undefined) return depth
    depth = 0
    const seen = new Set<string>([span.spanId])
    for (let p = span.parentSpanId; p !== undefined && !seen.has(p); ) {
      const parent = byId.get(p)
      if (parent === undefined) break
      seen.add(p)
      depth++
      p = parent.parentSpanId
    }
    depths.set(span.spanId, depth)
    return depth
  }
  const order = new Map<CapturedSpan, number>()
  input.forEach((span, i) => order.set(span, i))
  return [...input].sort((a, b) => {
    if (a.start !== b.start) return a.start < b.start ? -1 : 1
    return depthOf(a) - depthOf(b) || (order.get(a) as number) - (order.get(b) as number)
  })
}
