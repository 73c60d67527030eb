// Full-page pictures of the main pages, kept as artifacts of the run (artifacts/screenshots/<name>.png)
// and attached to the HTML report.
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { SCREENSHOTS_DIR } from './paths.js';

/** Saves a full-page screenshot of `page` as `<name>.png`; `name` is kebab-case, e.g. `status-phone`. */
export async function savePageScreenshot(page: Page, name: string, testInfo?: TestInfo): Promise<string> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`Screenshot names are kebab-case (letters, digits, dashes): got "${name}".`);
  }
  const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  await testInfo?.attach(name, { path: file, contentType: 'image/png' });
  return file;
}
