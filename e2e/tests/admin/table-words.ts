// A check for the issue-14 acceptance line "screenshots show no wrapped words in tables": every word
// in a visible table cell lies on one line. A cell may wrap between words (or after a hyphen or a
// slash), never inside one ("Aaro n Sorki n", "Acti/ve" were the defects). Read from the laid-out
// page: each word's Range rects must all share one line.
import { expect, type Page } from '@playwright/test';

/** The words of visible table cells that the browser broke across lines, as "word (in: cell text)". */
export function wordsBrokenInTables(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    // Array.from: the e2e tsconfig has no DOM iterables.
    const cells = Array.from(document.querySelectorAll<HTMLElement>('table td, table th'));
    for (const cell of cells) {
      if (cell.getClientRects().length === 0) continue;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        // Words between the places a line may break without breaking a word.
        for (const match of text.matchAll(/[^\s\-/–—]{2,}/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
          const lines = new Set(rects.map((r) => Math.round(r.bottom)));
          if (lines.size > 1)
            broken.push(`${match[0]} (in: ${cell.innerText.replace(/\s+/g, ' ').trim().slice(0, 80)})`);
        }
      }
    }
    return broken;
  });
}

/** Fails with the broken words when any word of a visible table cell wraps across lines. */
export async function expectNoWordsBrokenInTables(page: Page, where: string): Promise<void> {
  await expect(page.locator('table').first()).toBeVisible();
  expect(await wordsBrokenInTables(page), `words broken across lines in the tables of ${where}`).toEqual([]);
}
