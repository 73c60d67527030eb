// Hands the running stack from the global setup to the test workers. Playwright starts its workers
// after the global setup, with the runner's environment, so process.env is the channel.
import type { StackInfo } from './stack.js';

const KEYS = {
  apiUrl: 'E2E_API_URL',
  adminUrl: 'E2E_ADMIN_URL',
  dataDir: 'E2E_DATA_DIR',
  recognition: 'E2E_RECOGNITION',
} as const satisfies Record<keyof StackInfo, string>;

export function writeStackEnv(info: StackInfo): void {
  for (const [field, key] of Object.entries(KEYS)) process.env[key] = info[field as keyof StackInfo];
}

/** The stack the global setup started; throws when the suite was run without it. */
export function readStackEnv(): StackInfo {
  const apiUrl = process.env[KEYS.apiUrl];
  const adminUrl = process.env[KEYS.adminUrl];
  const dataDir = process.env[KEYS.dataDir];
  const recognition = process.env[KEYS.recognition];
  if (!apiUrl || !adminUrl || !dataDir || !recognition) {
    throw new Error(
      'The e2e stack is not running: run the suite with `npm test -w @faceledger/e2e` (its global setup starts the server and the admin).',
    );
  }
  if (recognition !== 'READY' && recognition !== 'FAILED' && recognition !== 'DISABLED') {
    throw new Error(`${KEYS.recognition} has an unknown value: ${recognition}`);
  }
  return { apiUrl, adminUrl, dataDir, recognition };
}
