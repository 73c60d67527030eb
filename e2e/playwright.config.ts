// Playwright journeys against the real server and the built admin, in Debian's chromium (no browser
// downloads). The global setup starts both on free ports; see README.md.
import { defineConfig } from '@playwright/test';
import type { E2EOptions } from './support/fixtures.js';
import { VIEWPORTS } from './support/viewports.js';

export default defineConfig<E2EOptions>({
  testDir: './tests',
  // Inside artifacts/ but beside report/: Playwright empties outputDir at start and the HTML
  // reporter refuses a folder that overlaps it.
  outputDir: './artifacts/test-results',
  globalSetup: './support/global-setup.ts',
  // One stack with one database: journeys run one at a time, in file order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    viewport: VIEWPORTS.desktop,
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'api', testDir: './tests/api', use: { target: 'api' } },
    { name: 'admin', testDir: './tests/admin', use: { target: 'admin' } },
  ],
});
