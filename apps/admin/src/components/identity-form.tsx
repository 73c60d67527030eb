'use client';

// Create or edit an identity: display name, external id, consent and (when editing) metadata.
// Errors from the API appear beside the field they name.
import { useState, type FormEvent } from 'react';
import { fieldError, formError } from '../lib/api-error';
import { describedBy, Field, fieldInputProps } from './field';

/** What the form submits. */
export interface IdentityFormValues {
  displayName: string;
  externalId: string;
  consentGivenAt: string | null;
  consentGivenBy: string | null;
  metadata?: Record<string, unknown>;
}

const FIELDS = ['displayName', 'externalId', 'consentGivenAt', 'consentGivenBy', 'metadata'];

/** "2026-11-28T04:00:00.000Z" to the value of a datetime-local input, in local time. */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function IdentityForm({
  initial,
  withMetadata,
  submitLabel,
  pendingLabel,
  isPending,
  error,
  onSubmit,
  onCancel,
}: {
  initial?: {
    displayName: string;
    externalId: string;
    consentGivenAt: string | null;
    consentGivenBy: string | null;
    metadata: unknown;
  };
  withMetadata: boolean;
  submitLabel: string;
  pendingLabel: string;
  isPending: boolean;
  error: unknown;
  onSubmit: (values: IdentityFormValues) => void;
  onCancel?: () => void;
}) {
  const [displayName, setDisplayName] = useState(initial?.displayName ?? '');
  const [externalId, setExternalId] = useState(initial?.externalId ?? '');
  const [consentAt, setConsentAt] = useState(toLocalInput(initial?.consentGivenAt));
  const [consentBy, setConsentBy] = useState(initial?.consentGivenBy ?? '');
  const [metadata, setMetadata] = useState(JSON.stringify(initial?.metadata ?? {}, null, 2));
  const [local, setLocal] = useState<Record<string, string>>({});
  const errorOf = (field: string) => local[field] ?? fieldError(error, field);
  const general = formError(error, FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!displayName.trim()) problems.displayName = 'Enter the person’s name.';
    if (!externalId.trim()) problems.externalId = 'Enter your own id for this person, such as an employee number.';
    let parsed: Record<string, unknown> | undefined;
    if (withMetadata) {
      try {
        const value: unknown = JSON.parse(metadata.trim() || '{}');
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        parsed = value as Record<string, unknown>;
      } catch {
        problems.metadata = 'Write the extra fields as {"name": "value"} pairs, such as {"department": "Sales"}.';
      }
    }
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    onSubmit({
      displayName: displayName.trim(),
      externalId: externalId.trim(),
      consentGivenAt: consentAt ? new Date(consentAt).toISOString() : null,
      consentGivenBy: consentBy.trim() || null,
      metadata: parsed,
    });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {general && (
        <p role="alert" className="error">
          {general}
        </p>
      )}
      <Field id="identity-name" label="Name" error={errorOf('displayName')}>
        <input
          id="identity-name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          autoComplete="off"
          data-autofocus
          aria-invalid={errorOf('displayName') ? true : undefined}
          aria-describedby={describedBy('identity-name', undefined, errorOf('displayName'))}
        />
      </Field>
      <Field
        id="identity-external"
        label="External ID"
        hint="Your own key for this person, such as an employee number; unique in the gallery."
        error={errorOf('externalId')}
      >
        <input
          id="identity-external"
          value={externalId}
          onChange={(e) => setExternalId(e.target.value)}
          autoComplete="off"
          aria-invalid={errorOf('externalId') ? true : undefined}
          aria-describedby={describedBy('identity-external', 'hint', errorOf('externalId'))}
        />
      </Field>
      <Field id="identity-consent-at" label="Consent given at (optional)" error={errorOf('consentGivenAt')}>
        <input
          id="identity-consent-at"
          type="datetime-local"
          value={consentAt}
          onChange={(e) => setConsentAt(e.target.value)}
          aria-invalid={errorOf('consentGivenAt') ? true : undefined}
          aria-describedby={describedBy('identity-consent-at', undefined, errorOf('consentGivenAt'))}
        />
      </Field>
      <Field
        id="identity-consent-by"
        label="Consent recorded by (optional)"
        hint="A person or a document reference."
        error={errorOf('consentGivenBy')}
      >
        <input
          id="identity-consent-by"
          value={consentBy}
          onChange={(e) => setConsentBy(e.target.value)}
          aria-invalid={errorOf('consentGivenBy') ? true : undefined}
          aria-describedby={describedBy('identity-consent-by', 'hint', errorOf('consentGivenBy'))}
        />
      </Field>
      {withMetadata && (
        <Field
          id="identity-metadata"
          label="Extra fields (JSON)"
          hint={'Anything else your organisation keeps about this person, as {"name": "value"} pairs, such as {"department": "Sales", "site": "Leeds"}. Leave {} for none.'}
          error={errorOf('metadata')}
        >
          <textarea
            {...fieldInputProps('identity-metadata', 'hint', errorOf('metadata'))}
            rows={4}
            value={metadata}
            spellCheck={false}
            onChange={(e) => setMetadata(e.target.value)}
          />
        </Field>
      )}
      <div className="actions">
        <button type="submit" className="button" disabled={isPending}>
          {isPending ? pendingLabel : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
