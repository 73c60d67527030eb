'use client';

// The form that starts a background job from uploaded files (bulk import, evaluation): the gallery it
// runs in, the page's own file fields, Start, what the server answered and its error.
import type { GalleryFieldsFragment } from '@faceledger/schema/client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useGalleries } from '../queries/galleries';
import { Field } from './field';

/** Leaves out the named file fields where nothing was chosen (the browser sends an empty file). */
function dropEmptyFiles(form: FormData, names: readonly string[]): void {
  for (const name of names) {
    if (form.getAll(name).some((value) => value instanceof File && value.size === 0)) form.delete(name);
  }
}

export function JobUploadForm({
  idPrefix,
  galleryLabel,
  galleryOption = (gallery) => gallery.name,
  initialGalleryId = '',
  optionalFiles,
  submitLabel,
  upload,
  started,
  describedBy,
  onSubmit,
  children,
}: {
  /** Prefix of the gallery select's id (`<prefix>-gallery`). */
  idPrefix: string;
  galleryLabel: string;
  /** The text of a gallery's option; its name by default. */
  galleryOption?: (gallery: GalleryFieldsFragment) => string;
  /** The gallery chosen at first (a link's ?gallery=); the first gallery when empty or unknown. */
  initialGalleryId?: string;
  /** Names of the file fields that may stay empty: they are left out of the request then. */
  optionalFiles: readonly string[];
  submitLabel: string;
  /** The upload's mutation: Start waits for it, its error is shown. */
  upload: { isPending: boolean; error: Error | null };
  /** What the server answered, shown beside Start. */
  started?: ReactNode;
  /** Id of a help text about the whole form. */
  describedBy?: string;
  /** Gets the form's fields with galleryId set. */
  onSubmit: (form: FormData) => void;
  /** The file fields (and any help) between the gallery and Start. */
  children: ReactNode;
}) {
  const galleries = useGalleries();
  const [galleryId, setGalleryId] = useState('');
  const linked = galleries.data?.some((g) => g.id === initialGalleryId) ? initialGalleryId : '';
  const selectedGallery = galleryId || linked || galleries.data?.[0]?.id || '';
  const selectId = `${idPrefix}-gallery`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    form.set('galleryId', selectedGallery);
    dropEmptyFiles(form, optionalFiles);
    onSubmit(form);
  }

  return (
    <form className="form panel" onSubmit={submit} aria-describedby={describedBy}>
      <Field id={selectId} label={galleryLabel}>
        <select id={selectId} value={selectedGallery} onChange={(e) => setGalleryId(e.target.value)} required>
          {galleries.data?.map((g) => (
            <option key={g.id} value={g.id}>
              {galleryOption(g)}
            </option>
          ))}
        </select>
      </Field>
      {children}
      <div className="actions">
        <button type="submit" className="button" disabled={upload.isPending || !selectedGallery}>
          {upload.isPending ? 'Uploading…' : submitLabel}
        </button>
        {started && <span className="saved">{started}</span>}
      </div>
      {upload.error && (
        <p role="alert" className="error">
          {upload.error.message}
        </p>
      )}
    </form>
  );
}
