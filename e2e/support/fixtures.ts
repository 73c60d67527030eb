// The `test` every journey imports: Playwright's, plus the running stack, a GraphQL client, the
// console-error guard on every browser context, and full-page screenshots.
import { test as base, expect } from '@playwright/test';
import { ConsoleErrors } from './console-errors.js';
import { createGraphqlClient, type GraphqlClient } from './graphql.js';
import { savePageScreenshot } from './screenshots.js';
import { Seed, type SeedUser } from './seed.js';
import { readStackEnv } from './stack-env.js';
import type { StackInfo } from './stack.js';

/** Which app a project's relative URLs (page.goto('/'), request.get('/healthz')) go to. */
export type Target = 'api' | 'admin';

/** Options set per project in playwright.config.ts. */
export interface E2EOptions {
  target: Target;
}

interface WorkerFixtures {
  /** URLs of the server and the admin that the global setup started. */
  stack: StackInfo;
  /** An admin session on the API that makes test data (support/seed.ts). */
  seed: Seed;
  /** One user per role besides the first admin, made by the seed once per worker. */
  users: Record<'admin' | 'hr' | 'reviewer' | 'auditor', SeedUser>;
}

interface TestFixtures {
  /** The browser errors of this test; the test fails in teardown when any is left unexpected. */
  consoleErrors: ConsoleErrors;
  /** GraphQL over plain HTTP straight to the API server, whatever the project's target. */
  graphql: GraphqlClient;
  /** Saves a full-page screenshot of `page` to artifacts/screenshots/<name>.png. */
  capturePage: (name: string) => Promise<string>;
}

export const test = base.extend<TestFixtures & E2EOptions, WorkerFixtures>({
  target: ['admin', { option: true }],
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  stack: [async ({}, use) => use(readStackEnv()), { scope: 'worker' }],
  seed: [
    async ({ stack }, use) => {
      const seed = await Seed.signIn(stack.apiUrl);
      await use(seed);
      await seed.dispose();
    },
    { scope: 'worker' },
  ],
  users: [
    async ({ seed }, use) => {
      const [admin, hr, reviewer, auditor] = [
        await seed.createUser('ADMIN'),
        await seed.createUser('HR'),
        await seed.createUser('REVIEWER'),
        await seed.createUser('AUDITOR'),
      ];
      await use({ admin, hr, reviewer, auditor });
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ target, stack }, use) => use(target === 'api' ? stack.apiUrl : stack.adminUrl),

  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  consoleErrors: async ({}, use, testInfo) => {
    const errors = new ConsoleErrors();
    await use(errors);
    const unexpected = errors.unexpected();
    if (unexpected.length > 0) {
      await testInfo.attach('browser-errors', { body: unexpected.join('\n'), contentType: 'text/plain' });
    }
    expect(unexpected, 'the browser reported errors during the test').toEqual([]);
  },
  context: async ({ context, consoleErrors }, use) => {
    consoleErrors.watch(context);
    await use(context);
  },

  graphql: async ({ request, stack }, use) => use(createGraphqlClient(request, stack.apiUrl)),
  capturePage: async ({ page }, use, testInfo) => use((name) => savePageScreenshot(page, name, testInfo)),
});

export { expect };
