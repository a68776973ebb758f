import type { ReportSpan, ReportTrace } from '../../compare/types.js'
import { formatMs } from '../../model/render-trace.js'
import { escapeHtml, svgNumber, truncateMiddle } from '../html.js'

const WIDTH = 600
const LABEL_WIDTH = 230
const BAR_LEFT = LABEL_WIDTH + 8
const BAR_RIGHT = WIDTH - 64
const ROW = 20
const HEADER = 22
/** At most this many span rows per trace; the rest are counted. */
export const MAX_WATERFALL_SPANS = 200

/**
 * Options of {@link waterfallSvg}.
 */
export interface WaterfallOptions {
  /** The time the full bar width stands for, ms; give both sides the same to compare them by eye. */
  readonly scaleMs: number
  /** Span keys to mark as changed. */
  readonly highlight?: ReadonlySet<string>
}

/**
 * A trace as an SVG waterfall: a row per span in tree order, indented by depth, its bar placed at
 * its start and sized by its duration on a shared time scale. Rows carry their span key in
 * `data-key`, so the page can highlight the same key on both sides.
 *
 * @example
 * ```ts
 * const scaleMs = Math.max(base.durationMs, head.durationMs)
 * html += waterfallSvg(base, { scaleMs }) + waterfallSvg(head, { scaleMs })
 * ```
 */
export function waterfallSvg(trace: ReportTrace, options: WaterfallOptions): string {
  const rows = treeOrder(trace.spans)
  const shown = rows.slice(0, MAX_WATERFALL_SPANS)
  const hidden = rows.length - shown.length
  const scale = options.scaleMs > 0 ? options.scaleMs : 1
  const x = (ms: number): number => BAR_LEFT + (Math.max(0, ms) / scale) * (BAR_RIGHT - BAR_LEFT)
  const height = HEADER + shown.length * ROW + (hidden > 0 ? ROW : 0) + 4
  const parts: string[] = [
    `<svg class="waterfall-svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="waterfall of trace ${escapeHtml(trace.traceId)}">`,
  ]
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = svgNumber(x(fraction * scale))
    parts.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${HEADER - 4}" y2="${height - 4}"/>`)
    // Labels on every other line only: five would crowd a narrow column.
    if (fraction === 0.25 || fraction === 0.75) continue
    parts.push(`<text class="tick" x="${tx}" y="${HEADER - 8}" text-anchor="${fraction === 0 ? 'start' : fraction === 1 ? 'end' : 'middle'}">${escapeHtml(formatMs(fraction * scale))}</text>`)
  }
  shown.forEach(({ span, depth }, i) => {
    const y = HEADER + i * ROW
    const changed = options.highlight?.has(span.key) === true
    const classes = ['span-row', `kind-${span.kind.toLowerCase()}`, span.status === 'ERROR' ? 'status-error' : '', changed ? 'changed' : ''].filter(Boolean).join(' ')
    const barX = x(span.offsetMs)
    const barWidth = Math.max(1.5, x(span.offsetMs + span.durationMs) - barX)
    const title = `${span.name} · ${span.kind} · ${span.service}\n${formatMs(span.durationMs)}, starts at +${formatMs(span.offsetMs)}${span.status === 'ERROR' ? `\nERROR ${span.statusMessage ?? ''}` : ''}\n${span.key}`
    parts.push(
      `<g class="${classes}" data-key="${escapeHtml(span.key)}"><title>${escapeHtml(title)}</title>`,
      `<rect class="row-bg" x="0" y="${y}" width="${WIDTH}" height="${ROW}"/>`,
      `<text class="label" x="${4 + Math.min(depth, 12) * 12}" y="${y + 14}">${escapeHtml(truncateMiddle(span.name, Math.max(8, 32 - Math.min(depth, 12) * 2)))}</text>`,
      `<rect class="span-bar" x="${svgNumber(barX)}" y="${y + 4}" width="${svgNumber(barWidth)}" height="${ROW - 8}" rx="2"/>`,
      `<text class="duration" x="${svgNumber(Math.min(barX + barWidth + 4, BAR_RIGHT + 4))}" y="${y + 14}">${escapeHtml(formatMs(span.durationMs))}</text>`,
      '</g>',
    )
  })
  if (hidden > 0) parts.push(`<text class="more" x="4" y="${HEADER + shown.length * ROW + 14}">… ${hidden} more span${hidden === 1 ? '' : 's'} not shown</text>`)
  parts.push('</svg>')
  return parts.join('')
}

/** Spans depth-first from each root, children in start order, with their depth. */
function treeOrder(spans: readonly ReportSpan[]): { span: ReportSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId))
  const children = new Map<string, ReportSpan[]>()
  const roots: ReportSpan[] = []
  for (const span of spans) {
    if (span.parentSpanId === undefined || !ids.has(span.parentSpanId)) {
      roots.push(span)
    } else {
      const list = children.get(span.parentSpanId) ?? []
      list.push(span)
      children.set(span.parentSpanId, list)
    }
  }
  const byStart = (a: ReportSpan, b: ReportSpan): number => a.offsetMs - b.offsetMs
  const out: { span: ReportSpan; depth: number }[] = []
  // Iterative, so a pathologically deep trace cannot overflow the stack.
  const stack = roots.sort(byStart).reverse().map((span) => ({ span, depth: 0 }))
  const visited = new Set<string>()
  while (stack.length > 0) {
    const next = stack.pop() as { span: ReportSpan; depth: number }
    if (visited.has(next.span.spanId)) continue
    visited.add(next.span.spanId)
    out.push(next)
    const kids = [...(children.get(next.span.spanId) ?? [])].sort(byStart).reverse()
    for (const kid of kids) stack.push({ span: kid, depth: next.depth + 1 })
  }
  return out
}
