import { defineConfig } from '@playwright/test';

/**
 * UI tests: the real renderer in Chromium through `sitesync ui` (tests/ui),
 * and the real Electron app where a binary exists (tests/electron). Both
 * need `npm run build` first. Debian's Chromium is used when present, so no
 * browser download is needed.
 */
export default defineConfig({
  testDir: 'tests',
  testMatch: ['ui/**/*.spec.ts', 'electron/**/*.spec.ts'],
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.SITESYNC_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    trace: 'retain-on-failure',
  },
});
