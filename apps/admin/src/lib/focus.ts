// Where keyboard focus goes when the element that had it goes away: a dialog closes, a row is
// deleted, a form navigates to what it created. Never <body>, where a keyboard or screen-reader user
// would have to start the page again. components/focus-keeper.tsx applies what is asked here.

/** Focuses `element`, making a non-interactive one (a heading) focusable by script only first. */
export function focusElement(element: HTMLElement): void {
  if (!element.matches('a[href], button, input, select, textarea, [tabindex]')) element.tabIndex = -1;
  element.focus();
}

/** True when `element` is still on the page and can take focus (not removed, disabled or hidden). */
export function canTakeFocus(element: Element | null): element is HTMLElement {
  if (!(element instanceof HTMLElement) || !element.isConnected) return false;
  if (element.matches(':disabled') || element.closest('[inert], [aria-hidden="true"]')) return false;
  return element.getClientRects().length > 0;
}

/** The current page's heading: where focus goes when nothing better is named. */
export function pageHeading(): HTMLElement | null {
  return document.querySelector<HTMLElement>('main h1');
}

/** The heading of the section (or card) `element` is in: where focus goes when `element` is removed. */
export function sectionHeadingOf(element: Element | null): HTMLElement | null {
  return element?.closest('section, article')?.querySelector<HTMLElement>('h1, h2, h3') ?? null;
}

let pending: string | null = null;
const listeners = new Set<() => void>();

/**
 * Asks for focus on the first element matching `selector` as soon as it is shown: after a navigation
 * (the new page's heading, the new row) or after a refetch. A focus the user moves meanwhile wins.
 */
export function focusWhenShown(selector: string): void {
  pending = selector;
  for (const listener of listeners) listener();
}

/** The selector waiting for its element, or null. */
export function pendingFocus(): string | null {
  return pending;
}

/** Forgets the waiting selector (it was focused, or the user moved focus elsewhere). */
export function clearPendingFocus(): void {
  pending = null;
}

/** Calls `listener` whenever a new selector is asked for; returns the unsubscribe. */
export function onPendingFocus(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
