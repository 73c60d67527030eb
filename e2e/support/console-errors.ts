// Collects what the browser reports as an error (console.error, failed resource loads, uncaught
// exceptions) so a journey fails when any occurred. A test that provokes one on purpose says so
// with allow().
import type { BrowserContext } from '@playwright/test';

/**
 * Known defects outside the journeys' control, tolerated in every test until fixed. Each entry names
 * its fix; delete it with the fix so the guard catches a regression. None at present.
 */
const KNOWN_DEFECTS: RegExp[] = [];

export class ConsoleErrors {
  private readonly seen: string[] = [];
  private readonly allowed: RegExp[] = [...KNOWN_DEFECTS];

  /** Starts listening on every page of `context`, present and future. */
  watch(context: BrowserContext): void {
    context.on('console', (message) => {
      if (message.type() !== 'error') return;
      const { url, lineNumber } = message.location();
      this.seen.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    });
    context.on('weberror', (webError) => {
      const error = webError.error();
      this.seen.push(`uncaught: ${error.stack ?? error.message}`);
    });
  }

  /** Accepts errors matching `pattern` in this test, e.g. the 403 a forbidden page is meant to get. */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  /** The errors not accepted by allow(). */
  unexpected(): string[] {
    return this.seen.filter((text) => !this.allowed.some((pattern) => pattern.test(text)));
  }
}
