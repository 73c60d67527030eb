// Starts the stack once for the whole run; the function it returns is the global teardown.
import { mkdir, rm } from 'node:fs/promises';
import type { FullConfig } from '@playwright/test';
import { SCREENSHOTS_DIR } from './paths.js';
import { writeStackEnv } from './stack-env.js';
import { startStack } from './stack.js';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  // Screenshots of an earlier run would pass for this run's pictures.
  await rm(SCREENSHOTS_DIR, { recursive: true, force: true });
  await mkdir(SCREENSHOTS_DIR, { recursive: true });

  const stack = await startStack();
  writeStackEnv(stack);
  return () => stack.stop();
}
