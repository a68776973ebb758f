import type { KeyDuration } from '../../baseline/compare-baseline.js'
import { formatMs } from '../../model/render-trace.js'
import { formatInterval, formatRatio } from './describe-comparison.js'
import { escapeHtml, svgNumber, truncateMiddle } from '../html.js'

const WIDTH = 760
const LABEL_WIDTH = 300
const PLOT_LEFT = LABEL_WIDTH + 10
const PLOT_RIGHT = WIDTH - 60
const ROW = 24
const TOP = 28
/** Ratios are drawn between these bounds; anything beyond sits at the edge with an arrow. */
const LIMITS = [1 / 64, 64] as const

/**
 * The per-span ratio chart of one scenario as inline SVG: a row per span key with the head / base
 * ratio as a dot and its 95% interval as a bar, on a log scale (2× slower and 2× faster are the
 * same distance from 1), over the band of changes too small to report. Colours follow the verdict.
 *
 * @example
 * ```ts
 * const svg = ratioChartSvg(scenario.durations, report.settings.minRelativeEffect)
 * ```
 */
export function ratioChartSvg(durations: readonly KeyDuration[], minRelativeEffect: number): string {
  const clamp = (v: number): number => Math.min(LIMITS[1], Math.max(LIMITS[0], Number.isNaN(v) ? 1 : v))
  const values = durations.flatMap((d) => [d.comparison.ratio, ...d.comparison.ci]).map(clamp)
  const band = [1 / (1 + minRelativeEffect), 1 + minRelativeEffect] as const
  const low = Math.min(0.5, band[0], ...values)
  const high = Math.max(2, band[1], ...values)
  const [logLow, logHigh] = [Math.log(low) - 0.05, Math.log(high) + 0.05]
  const x = (v: number): number => PLOT_LEFT + ((Math.log(clamp(v)) - logLow) / (logHigh - logLow)) * (PLOT_RIGHT - PLOT_LEFT)
  const bottom = TOP + durations.length * ROW
  const height = bottom + 20
  const parts: string[] = [
    `<svg class="ratio-chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="head / base duration ratio per span key, log scale">`,
    `<rect class="band" x="${svgNumber(x(band[0]))}" y="${TOP - 6}" width="${svgNumber(x(band[1]) - x(band[0]))}" height="${durations.length * ROW + 6}"><title>changes under ${escapeHtml(formatRatio(band[1]))} are not reported</title></rect>`,
  ]
  for (const tick of ticks(low, high)) {
    const tx = svgNumber(x(tick))
    parts.push(
      `<line class="${tick === 1 ? 'axis-one' : 'grid'}" x1="${tx}" x2="${tx}" y1="${TOP - 6}" y2="${TOP + durations.length * ROW}"/>`,
      `<text class="tick" x="${tx}" y="${TOP - 12}" text-anchor="middle">${escapeHtml(tick >= 1 ? `${tick}×` : `1/${1 / tick}`)}</text>`,
    )
  }
  parts.push(
    `<text class="tick" x="${svgNumber(x(1) - 8)}" y="${bottom + 14}" text-anchor="end">← head faster</text>`,
    `<text class="tick" x="${svgNumber(x(1) + 8)}" y="${bottom + 14}">head slower →</text>`,
  )
  durations.forEach(({ key, comparison: c }, i) => {
    const y = TOP + i * ROW + ROW / 2
    const [ciLow, ciHigh] = c.ci
    const title = `${key}\n${c.verdict}: ${formatRatio(c.ratio)} ${formatInterval(c.ci)} · base ${formatMs(c.baseMedian)} → head ${formatMs(c.headMedian)}`
    parts.push(
      `<g class="ratio-row verdict-${c.verdict}" data-key="${escapeHtml(key)}"><title>${escapeHtml(title)}</title>`,
      `<text class="label" x="${LABEL_WIDTH}" y="${y + 4}" text-anchor="end">${escapeHtml(truncateMiddle(key, 46))}</text>`,
      `<line class="ci" x1="${svgNumber(x(ciLow))}" x2="${svgNumber(x(ciHigh))}" y1="${y}" y2="${y}"/>`,
      `<circle class="point" cx="${svgNumber(x(c.ratio))}" cy="${y}" r="5"/>`,
      `<text class="value" x="${WIDTH - 4}" y="${y + 4}" text-anchor="end">${escapeHtml(formatRatio(c.ratio))}</text>`,
      '</g>',
    )
  })
  parts.push('</svg>')
  return parts.join('')
}

/** Powers of two inside [low, high], always including 1. */
function ticks(low: number, high: number): number[] {
  const out: number[] = []
  for (let e = Math.ceil(Math.log2(low)); e <= Math.floor(Math.log2(high)); e++) out.push(2 ** e)
  return out.includes(1) ? out : [...out, 1]
}
