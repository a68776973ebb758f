import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { formatComparisonHtml } from 'tracewright'
import { fixtureReport } from './comparison-fixture.js'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(`Skipping the HTML report's browser test: no Chromium at ${CHROMIUM}. Install Debian's package: apt-get install -y chromium`)
}

// The report as a person sees it: rendered by a real headless Chromium from a file:// URL.
describe.skipIf(!hasChromium)('the HTML report in Chromium', () => {
  let dir: string
  let file: string
  const report = fixtureReport()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracewright-html-'))
    file = join(dir, 'comparison.html')
    await writeFile(file, formatComparisonHtml(report))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('renders the table, the chart and both waterfalls, without errors or network requests', async () => {
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
      const problems: string[] = []
      const requests: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`)
      })
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
      page.on('request', (request) => requests.push(request.url()))
      const url = pathToFileURL(file).href
      await page.goto(url)

      const scenario = report.scenarios[0]
      expect(await page.locator('section.scenario').count()).toBe(2)
      expect(await page.locator('section.scenario.failed').count()).toBe(1)
      expect(await page.locator('#scenario-0 table.durations tbody tr').count()).toBe(scenario?.durations.length)
      expect(await page.locator('#scenario-0 svg.ratio-chart g.ratio-row').count()).toBe(scenario?.durations.length)
      expect(await page.locator('#scenario-0 figure.waterfall[data-side="base"] g.span-row').count()).toBe(scenario?.representative?.base[0]?.spans.length)
      expect(await page.locator('#scenario-0 figure.waterfall[data-side="head"] g.span-row').count()).toBe(scenario?.representative?.head[0]?.spans.length)
      expect(await page.locator('#scenario-0 figure.waterfall[data-side="head"] g.span-row', { hasText: 'SELECT items' }).count()).toBe(3)
      expect(await page.locator('#scenario-0 tr.verdict-slower').count()).toBe(3)

      // The bars are laid out: the slowed span is about three times as wide in head as in base.
      const width = async (side: string): Promise<number> =>
        (await page.locator(`#scenario-0 figure.waterfall[data-side="${side}"] g.span-row`, { hasText: 'price order' }).locator('rect.span-bar').boundingBox())?.width ?? 0
      const [baseWidth, headWidth] = [await width('base'), await width('head')]
      expect(baseWidth).toBeGreaterThan(5)
      expect(headWidth / baseWidth).toBeGreaterThan(2.5)

      // Hovering a span highlights its key in the table.
      await page.locator('#scenario-0 figure.waterfall[data-side="head"] g.span-row', { hasText: 'price order' }).locator('rect.span-bar').hover()
      expect(await page.locator('#scenario-0 tr.key-row.hover td.key').textContent()).toBe('shop | price order | GET /orders/:id')

      await page.mouse.move(0, 0)
      const screenshot = join(tmpdir(), 'tracewright-comparison.png')
      await page.screenshot({ path: screenshot, fullPage: true })
      expect(existsSync(screenshot)).toBe(true)

      expect(problems).toEqual([])
      expect(requests).toEqual([url])
    } finally {
      await browser.close()
    }
  })
})
