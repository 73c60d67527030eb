'use client';

// REASSIGN: the probe shows another identity of the gallery. Search by name or externalId, pick one,
// add a note, and record the verdict.
import { useEffect, useId, useState } from 'react';
import { useDebounced } from '../lib/use-debounced';
import { useReassignCandidates } from '../queries/reviews';
import { Dialog } from './dialog';
import { FormActions } from './form-actions';

export function ReassignDialog({
  galleryId,
  initialNote,
  isPending,
  error,
  onCancel,
  onSubmit,
}: {
  /** The event's gallery; null closes the dialog. */
  galleryId: string | null;
  initialNote: string;
  isPending: boolean;
  error: string | null;
  onCancel: () => void;
  onSubmit: (identityId: string, note: string) => void;
}) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const [note, setNote] = useState(initialNote);
  const [missing, setMissing] = useState(false);
  const debounced = useDebounced(search.trim(), 250);
  const results = useReassignCandidates(galleryId, debounced);
  const searchId = useId();
  const noteId = useId();

  useEffect(() => {
    setSearch('');
    setPicked(null);
    setNote(initialNote);
    setMissing(false);
  }, [galleryId, initialNote]);

  return (
    <Dialog open={galleryId !== null} title="Reassign to another identity" onClose={onCancel}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!picked) {
            setMissing(true);
            return;
          }
          onSubmit(picked, note.trim());
        }}
      >
        <div className="field">
          <label htmlFor={searchId}>Search name or external ID</label>
          <input
            id={searchId}
            type="search"
            autoComplete="off"
            data-autofocus
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <fieldset className="reassign-results" aria-busy={results.isFetching}>
          <legend>Identity the probe shows</legend>
          {results.isPending && <p role="status">Searching…</p>}
          {results.error && (
            <p role="alert" className="error">
              {results.error.message}
            </p>
          )}
          {results.data?.length === 0 && <p className="muted">No active identity matches “{debounced}”.</p>}
          {results.data?.map((identity) => (
            <label key={identity.id} className="review-candidate">
              <input
                type="radio"
                name="reassign-identity"
                value={identity.id}
                checked={picked === identity.id}
                onChange={() => {
                  setPicked(identity.id);
                  setMissing(false);
                }}
              />
              <span>
                {identity.displayName} <code className="muted">{identity.externalId}</code>{' '}
                <span className="muted small">
                  {identity.faceCount} {identity.faceCount === 1 ? 'face' : 'faces'}
                </span>
              </span>
            </label>
          ))}
          {missing && <p className="field-error">Pick the identity the probe shows.</p>}
        </fieldset>
        <div className="field">
          <label htmlFor={noteId}>Note (optional)</label>
          <textarea
            id={noteId}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        <FormActions
          mutation={{ error: error === null ? null : { message: error }, isPending }}
          submitLabel="Reassign"
          pendingLabel="Reassigning…"
          onCancel={onCancel}
        />
      </form>
    </Dialog>
  );
}
