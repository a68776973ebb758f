import { defineConfig } from '@playwright/test'

// Debian's Chromium, headless; Playwright downloads no browser (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
// when installing). --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
export default defineConfig({
  testDir: '.',
  testMatch: '*.pw.ts',
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    launchOptions: { executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
  },
})
