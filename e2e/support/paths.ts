// Where things are on disk, from this file's location, so the suite runs from any working directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The e2e workspace folder. */
export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root. */
export const REPO_ROOT = path.resolve(E2E_DIR, '..');

/** Everything a run writes (git-ignored): Playwright output, the HTML report, screenshots, server logs. */
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');

/** Full-page screenshots of the main pages, one `<name>.png` each. */
export const SCREENSHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots');

/** stdout and stderr of the server and the admin started for the run. */
export const LOGS_DIR = path.join(ARTIFACTS_DIR, 'logs');
