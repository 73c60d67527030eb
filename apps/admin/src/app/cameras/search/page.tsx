'use client';

// Where was this face seen? (ADMIN, REVIEWER): a photo (its largest face) or an enrolled identity (its
// best face), searched in the sightings the cameras still keep; the sightings at or above the
// similarity threshold (the model's pair threshold unless one is given), newest first, each with its
// similarity.
import { useId, useState } from 'react';
import { CamerasNav } from '../../../components/cameras-nav';
import { Field, fieldInputProps } from '../../../components/field';
import {
  GallerySelect,
  IdentitySearch,
  useGalleryChoice,
  type PickedIdentity,
} from '../../../components/identity-picker';
import { KeysetPager, useKeysetPages } from '../../../components/keyset-pager';
import { QueryStatus } from '../../../components/query-status';
import { SightingGrid } from '../../../components/sighting-card';
import { toImageInput } from '../../../lib/image-input';
import { useSightingsOfFace, type FaceQuery } from '../../../queries/sightings';

const PAGE_SIZE = 12;
const ACCEPTED = 'image/jpeg,image/png,image/webp';

export default function FaceSearchPage() {
  const id = useId();
  const choice = useGalleryChoice();
  const [mode, setMode] = useState<'photo' | 'identity'>('photo');
  const [file, setFile] = useState<File | null>(null);
  const [picked, setPicked] = useState<PickedIdentity | null>(null);
  const [threshold, setThreshold] = useState('');
  const [face, setFace] = useState<FaceQuery | null>(null);
  const [problem, setProblem] = useState('');
  const [reading, setReading] = useState(false);
  const thresholdValue = threshold.trim() === '' ? null : Number(threshold);
  const thresholdProblem =
    thresholdValue !== null && !(thresholdValue >= -1 && thresholdValue <= 1)
      ? 'A similarity threshold is a number from -1 to 1, such as 0.5; leave it empty for the model’s own.'
      : undefined;
  const pages = useKeysetPages(PAGE_SIZE, `${face?.key ?? ''}|${threshold}`);
  const results = useSightingsOfFace(face, thresholdProblem ? null : thresholdValue, pages.variables);
  const nodes = results.data?.edges.map((edge) => edge.node) ?? [];

  async function submit() {
    setProblem('');
    if (thresholdProblem) return;
    if (mode === 'photo') {
      if (!file) {
        setProblem('Choose a photo of the face to look for.');
        return;
      }
      setReading(true);
      try {
        const image = await toImageInput(file);
        setFace({ image, key: `${file.name}|${file.size}|${file.lastModified}`, label: file.name });
      } catch (error) {
        setProblem(error instanceof Error ? error.message : String(error));
      } finally {
        setReading(false);
      }
    } else {
      if (!picked) {
        setProblem('Pick the identity to look for.');
        return;
      }
      setFace({ identityId: picked.id, key: picked.id, label: picked.name });
    }
  }

  return (
    <section aria-labelledby="face-search-title">
      <h1 id="face-search-title">Where was this face seen?</h1>
      <CamerasNav />
      <p className="muted">
        Looks for a face in the sightings the cameras still keep (each camera&apos;s retention). Results are
        newest first, each with its similarity to the face you gave.
      </p>
      <form
        className="form panel face-search-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset className="role-choice">
          <legend>Look for</legend>
          <label className="review-candidate">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'photo'}
              onChange={() => setMode('photo')}
            />{' '}
            The face in a photo
          </label>
          <label className="review-candidate">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'identity'}
              onChange={() => setMode('identity')}
            />{' '}
            An enrolled person
          </label>
        </fieldset>
        {mode === 'photo' ? (
          <Field id={`${id}-photo`} label="Photo" hint="JPEG, PNG or WebP; its largest face is looked for.">
            <input
              {...fieldInputProps(`${id}-photo`, 'hint')}
              type="file"
              accept={ACCEPTED}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
        ) : (
          <>
            <GallerySelect id={`${id}-gallery`} choice={choice} onChange={() => setPicked(null)} />
            <IdentitySearch
              id={id}
              galleryId={mode === 'identity' ? choice.galleryId : ''}
              legend="Person"
              picked={picked}
              onPick={setPicked}
            />
          </>
        )}
        <Field
          id={`${id}-threshold`}
          label="Similarity at least (optional)"
          hint="Cosine similarity from -1 to 1; empty uses the model’s own threshold for the same person."
          error={thresholdProblem}
        >
          <input
            {...fieldInputProps(`${id}-threshold`, 'hint', thresholdProblem)}
            className="number"
            type="number"
            inputMode="decimal"
            step="0.01"
            min={-1}
            max={1}
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
          />
        </Field>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button" disabled={reading || results.isFetching}>
            {reading || results.isFetching ? 'Searching…' : 'Search sightings'}
          </button>
        </div>
      </form>
      {face && (
        <section aria-labelledby="face-search-results" className="settings-section">
          <h2 id="face-search-results">Sightings of {face.label}</h2>
          <QueryStatus query={results} loading="Searching the sightings…" />
          {results.data && nodes.length === 0 && (
            <p className="panel">
              No sighting at or above the threshold. The face was not seen, or its sightings are past their
              camera&apos;s retention.
            </p>
          )}
          {nodes.length > 0 && <SightingGrid sightings={nodes} label={`Sightings of ${face.label}`} />}
          {results.data && (
            <KeysetPager pages={pages} pageInfo={results.data.pageInfo} isFetching={results.isFetching} />
          )}
        </section>
      )}
    </section>
  );
}
