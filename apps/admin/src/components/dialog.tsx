'use client';

// Modal dialogs on Radix UI's Dialog and AlertDialog: focus moves inside and stays there (Tab cycles),
// Escape closes, the page behind is hidden from assistive technology, and on close focus goes back
// to the element that opened the dialog, or, when that element is gone (the action removed or
// disabled it), to the heading of the opener's section or the page's heading; never <body>. A
// finished action may name its own target instead (`returnFocus`, or a lib/focus.ts request).
import * as AlertDialogPrimitive from '@radix-ui/react-alert-dialog';
import * as DialogPrimitive from '@radix-ui/react-dialog';
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { canTakeFocus, focusElement, pageHeading, pendingFocus, sectionHeadingOf } from '../lib/focus';

export function Dialog({
  open,
  title,
  onClose,
  children,
  alert = false,
  returnFocus,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /**
   * A confirmation before a destructive action: announced as an alertdialog, and a click outside
   * does not close it (Escape and Cancel do).
   */
  alert?: boolean;
  /**
   * Where focus goes on close instead of the opener, e.g. after the action the dialog confirmed
   * removed what the opener belonged to; null (after Cancel) keeps the opener.
   */
  returnFocus?: () => HTMLElement | null;
}) {
  const opener = useRef<HTMLElement | null>(null);
  const openerHeading = useRef<HTMLElement | null>(null);
  const Primitive = alert ? AlertDialogPrimitive : DialogPrimitive;

  // Before Radix moves focus inside (its effects run after layout effects): remember the opener.
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) {
      opener.current = document.activeElement;
      openerHeading.current = sectionHeadingOf(document.activeElement);
    }
  }, [open]);

  function focusInitial(event: Event) {
    const content = event.currentTarget instanceof HTMLElement ? event.currentTarget : null;
    const initial = content?.querySelector<HTMLElement>('[data-autofocus]');
    if (!initial) return;
    event.preventDefault();
    initial.focus({ preventScroll: true });
  }

  function focusAfterClose(event: Event) {
    event.preventDefault();
    // A navigation or refetch asked for a target of its own (lib/focus.ts): the focus keeper applies it.
    if (pendingFocus()) return;
    const target = [returnFocus?.() ?? null, opener.current, openerHeading.current, pageHeading()].find(
      canTakeFocus,
    );
    opener.current = null;
    if (target) focusElement(target);
  }

  return (
    <Primitive.Root open={open} onOpenChange={(isOpen: boolean) => !isOpen && onClose()}>
      <Primitive.Portal>
        <Primitive.Overlay className="dialog-overlay" />
        <Primitive.Content
          className="dialog"
          aria-describedby={undefined}
          onOpenAutoFocus={focusInitial}
          onCloseAutoFocus={focusAfterClose}
        >
          <div className="dialog-body">
            <Primitive.Title>{title}</Primitive.Title>
            {children}
          </div>
        </Primitive.Content>
      </Primitive.Portal>
    </Primitive.Root>
  );
}
