'use client';

// Keeps keyboard focus on the page: focuses what lib/focus.ts was asked to (once it is shown), and
// when the focused element is removed (a deleted row, a button that a finished action hides), moves
// focus to the heading of the section it was in (or the page's heading) instead of leaving it on <body>.
import { useEffect } from 'react';
import {
  canTakeFocus,
  clearPendingFocus,
  focusElement,
  onPendingFocus,
  pageHeading,
  pendingFocus,
  sectionHeadingOf,
} from '../lib/focus';

export function FocusKeeper() {
  useEffect(() => {
    let lastFocused: Element | null = null;
    let lastSectionHeading: HTMLElement | null = null;

    function applyPending(): boolean {
      const selector = pendingFocus();
      if (!selector) return false;
      const target = document.querySelector<HTMLElement>(selector);
      if (!target || target.getClientRects().length === 0) return false;
      clearPendingFocus();
      focusElement(target);
      return true;
    }

    function check() {
      if (applyPending()) return;
      const active = document.activeElement;
      const isLost = !active || active === document.body;
      if (!isLost || !lastFocused || lastFocused.isConnected) return;
      // Inside an open dialog the dialog keeps focus itself; its close handler says where focus goes.
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      if (pendingFocus()) return;
      lastFocused = null;
      const heading = [lastSectionHeading, pageHeading()].find(canTakeFocus);
      if (heading) focusElement(heading);
    }

    function onFocusIn(event: FocusEvent) {
      lastFocused = event.target instanceof Element ? event.target : null;
      lastSectionHeading = sectionHeadingOf(lastFocused);
      // The user (or a dialog) put focus somewhere on purpose: an older request no longer applies.
      if (pendingFocus() && lastFocused !== document.body) clearPendingFocus();
    }

    const observer = new MutationObserver(check);
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['hidden', 'disabled', 'style', 'class'],
    });
    document.addEventListener('focusin', onFocusIn);
    const unsubscribe = onPendingFocus(check);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocusIn);
      unsubscribe();
    };
  }, []);
  return null;
}
