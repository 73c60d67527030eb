'use client';

// Choosing an enrolled person: a gallery, then an ACTIVE identity of it found by name or external ID
// (a radio list of the matches). Used to name an unknown cluster and to search sightings of a person.
import { useState } from 'react';
import { useDebounced } from '../lib/use-debounced';
import { useGalleries } from '../queries/galleries';
import { useReassignCandidates } from '../queries/reviews';
import { Field } from './field';

/** The identity picked: its id and the name shown for it. */
export interface PickedIdentity {
  id: string;
  name: string;
}

/** The galleries, and the one chosen (the first until another is picked). */
export function useGalleryChoice() {
  const galleries = useGalleries();
  const [galleryId, setGalleryId] = useState('');
  return { galleries, galleryId: galleryId || galleries.data?.[0]?.id || '', setGalleryId };
}

export function GallerySelect({
  id,
  choice,
  onChange,
  autoFocus = false,
}: {
  id: string;
  choice: ReturnType<typeof useGalleryChoice>;
  /** Called after the gallery changed (a picked identity of the other gallery no longer applies). */
  onChange: () => void;
  autoFocus?: boolean;
}) {
  return (
    <Field id={id} label="Gallery">
      <select
        id={id}
        data-autofocus={autoFocus || undefined}
        value={choice.galleryId}
        onChange={(e) => {
          choice.setGalleryId(e.target.value);
          onChange();
        }}
      >
        {choice.galleries.data?.map((gallery) => (
          <option key={gallery.id} value={gallery.id}>
            {gallery.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A search field and the gallery's matching identities as radios; nothing is asked while `galleryId` is ''. */
export function IdentitySearch({
  id,
  galleryId,
  legend,
  picked,
  onPick,
  error,
}: {
  id: string;
  galleryId: string;
  legend: string;
  picked: PickedIdentity | null;
  onPick: (identity: PickedIdentity) => void;
  error?: string;
}) {
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search.trim(), 250);
  const results = useReassignCandidates(galleryId || null, debounced);
  return (
    <>
      <Field id={`${id}-search`} label="Search name or external ID">
        <input
          id={`${id}-search`}
          type="search"
          autoComplete="off"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </Field>
      <fieldset className="reassign-results" aria-busy={results.isFetching}>
        <legend>{legend}</legend>
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
              name={`${id}-identity`}
              checked={picked?.id === identity.id}
              onChange={() =>
                onPick({ id: identity.id, name: identity.displayName ?? identity.externalId ?? 'the person' })
              }
            />
            <span>
              {identity.displayName} <code className="muted">{identity.externalId}</code>
            </span>
          </label>
        ))}
        {error && <p className="field-error">{error}</p>}
      </fieldset>
    </>
  );
}
