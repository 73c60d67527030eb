'use client';

// A secret the API returns only once (a new API key, a new webhook's signing secret): a warning, the
// value in a read-only field that has the focus (and so is selected), a copy button, and a way out.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Field } from './field';

export function SecretOnce({
  id,
  label,
  hint,
  warning,
  secret,
  onDone,
}: {
  /** Id of the secret's field. */
  id: string;
  label: string;
  /** How to use the secret. */
  hint: ReactNode;
  /** After "Copy this secret now.": that it is shown once, and what to do when it is lost. */
  warning: string;
  secret: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // The form that asked for the secret is gone: move the focus to the secret itself.
  useEffect(() => input.current?.focus(), []);
  return (
    <>
      <p className="secret-warning" role="note">
        <strong>Copy this secret now.</strong> {warning}
      </p>
      <Field id={id} label={label} hint={hint}>
        <input
          ref={input}
          id={id}
          className="secret-value"
          readOnly
          data-autofocus
          value={secret}
          aria-describedby={`${id}-hint`}
          onFocus={(e) => e.target.select()}
        />
      </Field>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            navigator.clipboard.writeText(secret).then(
              () => setCopied('yes'),
              () => {
                input.current?.select();
                setCopied('no');
              },
            );
          }}
        >
          Copy secret
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          I have stored it
        </button>
      </div>
      <p role="status" className={copied === 'yes' ? 'saved' : 'muted'}>
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'no'
            ? 'The browser refused; the secret is selected: press Ctrl+C (⌘C).'
            : ''}
      </p>
    </>
  );
}
