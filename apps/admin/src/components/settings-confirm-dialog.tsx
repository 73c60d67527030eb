'use client';

// A yes/no question before a consequential action (disable a user, revoke a key, delete a webhook),
// with the API's message when the action fails. Destructive ones (`danger`) are alertdialogs.
import type { ReactNode } from 'react';
import { Dialog } from './dialog';

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pendingLabel,
  isPending,
  error,
  danger = false,
  onConfirm,
  onCancel,
  returnFocus,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  isPending: boolean;
  error: string | null;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Where focus goes after the action removed the opener (see Dialog). */
  returnFocus?: () => HTMLElement | null;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      alert={danger}
      returnFocus={returnFocus}
      onClose={() => !isPending && onCancel()}
    >
      {children}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className={danger ? 'button button-danger' : 'button'}
          disabled={isPending}
          onClick={onConfirm}
        >
          {isPending ? pendingLabel : confirmLabel}
        </button>
        <button
          type="button"
          className="button button-quiet"
          data-autofocus
          disabled={isPending}
          onClick={onCancel}
        >
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
