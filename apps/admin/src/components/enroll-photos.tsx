'use client';

// Enrollment by dropping (or choosing) several photos: each shows a preview, is sent to enrollFace
// one at a time, then shows its outcome: the detected box and quality, or why it was refused. A
// photo with several faces shows them all (FacePicker); the one HR picks is enrolled by its box.
import { EnrollFaceDocument, type EnrollFaceMutation } from '@faceledger/schema/client';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { request } from '../lib/graphql-client';
import { toImageInput } from '../lib/image-input';
import { BoxedImage, type Box } from './face-image';
import { FacePicker } from './face-picker';
import { QualityBadges, reasonLabel } from './quality-badges';
import { WebcamCapture } from './webcam-capture';

type Result = EnrollFaceMutation['enrollFace'];

interface Item {
  id: string;
  file: File;
  url: string;
  width: number | null;
  height: number | null;
  state: 'queued' | 'enrolling' | 'done' | 'failed';
  /** The face HR picked in a photo with several (sent as FaceChoice.box). */
  choice?: Box;
  result?: Result;
  error?: string;
}

const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];

async function enroll(identityId: string, file: File, choice: Box | undefined): Promise<Result> {
  const image = await toImageInput(file);
  const face = choice ? { box: choice } : null;
  return (await request(EnrollFaceDocument, { identityId, image, face })).enrollFace;
}

/** The detected boxes of a refusal a face choice answers (several faces, or a choice that missed). */
function boxesToPick(result: Result | undefined): readonly Box[] {
  switch (result?.__typename) {
    case 'MultipleFaces':
    case 'NoFaceInBox':
    case 'FaceIndexOutOfRange':
      return result.faces;
    default:
      return [];
  }
}

function measure(url: string): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => resolve(null);
    image.src = url;
  });
}

function Outcome({ item }: { item: Item }) {
  if (item.state === 'queued') return <p className="muted">Waiting…</p>;
  if (item.state === 'enrolling') return <p>Enrolling… finding the face and checking its quality.</p>;
  if (item.state === 'failed') return <p className="error">{item.error}</p>;
  const result = item.result;
  if (!result) return null;
  switch (result.__typename) {
    case 'Enrolled':
      return (
        <>
          <p className="ok-text">Enrolled.</p>
          <QualityBadges score={result.detected.quality.score} reasons={result.detected.quality.reasons} />
          {result.warnings.map((warning, index) => (
            <p key={index} className="warn-text">
              {warning.message}
              {warning.identity && (
                <>
                  {' '}
                  <Link href={`/identities/${warning.identity.id}`}>Open {warning.identity.displayName}</Link>
                  {warning.score !== null && ` (similarity ${warning.score.toFixed(2)})`}
                </>
              )}
            </p>
          ))}
          {result.warnings.length > 0 && (
            <p className="small">
              The photo is enrolled; the warning stays on this identity&apos;s faces above until someone
              deletes or replaces the photo, or keeps it.
            </p>
          )}
        </>
      );
    case 'LowQuality':
      return (
        <>
          <p className="error">{result.message}</p>
          <ul>
            {result.reasons.map((reason) => (
              <li key={reason.code}>
                <strong>{reasonLabel(reason.code)}:</strong> {reason.message}{' '}
                <span className="muted small">
                  (measured {reason.actual.toFixed(2)}, limit {reason.limit.toFixed(2)})
                </span>
              </li>
            ))}
          </ul>
        </>
      );
    case 'DuplicateImage':
    case 'LikelySameAs':
      return (
        <p className="error">
          {result.message}{' '}
          <Link href={`/identities/${result.identity.id}`}>Open {result.identity.displayName}</Link>
        </p>
      );
    case 'NoFace':
      return <p className="error">{result.message}</p>;
    case 'MultipleFaces':
    case 'NoFaceInBox':
    case 'FaceIndexOutOfRange':
      return (
        <p className="warn-text">
          This photo shows {result.faces.length} faces. Choose the person to enroll: select their face below.
        </p>
      );
    default:
      return null;
  }
}

export function EnrollPhotos({ identityId }: { identityId: string }) {
  const client = useQueryClient();
  const [items, setItems] = useState<Item[]>([]);
  const [isOver, setIsOver] = useState(false);
  const [notice, setNotice] = useState('');
  const inputId = useId();
  const replaceFor = useRef<string | null>(null);
  const replaceInput = useRef<HTMLInputElement>(null);
  const urls = useRef(new Set<string>());

  useEffect(() => {
    const all = urls.current;
    return () => all.forEach((url) => URL.revokeObjectURL(url));
  }, []);

  const update = (id: string, patch: Partial<Item>) =>
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...patch } : item)));

  // One enrollment at a time: the engine's workers are shared, and results then arrive in order.
  const next = items.find((item) => item.state === 'queued');
  const busy = items.some((item) => item.state === 'enrolling');
  useEffect(() => {
    if (!next || busy) return;
    update(next.id, { state: 'enrolling' });
    enroll(identityId, next.file, next.choice).then(
      async (result) => {
        update(next.id, { state: 'done', result });
        if (result.__typename === 'Enrolled') {
          await client.invalidateQueries({ queryKey: ['identity', identityId] });
          await client.invalidateQueries({ queryKey: ['identities'] });
        }
      },
      (error: unknown) =>
        update(next.id, {
          state: 'failed',
          error: error instanceof Error ? error.message : 'Enrollment failed; retry.',
        }),
    );
  }, [next, busy, identityId, client]);

  async function makeItem(file: File): Promise<Item> {
    const url = URL.createObjectURL(file);
    urls.current.add(url);
    const size = await measure(url);
    return {
      id: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
      file,
      url,
      width: size?.width ?? null,
      height: size?.height ?? null,
      state: 'queued',
    };
  }

  async function add(files: FileList | File[]) {
    const list = [...files];
    const images = list.filter((file) => ACCEPTED.includes(file.type));
    const skipped = list.length - images.length;
    setNotice(
      skipped > 0
        ? `${skipped} ${skipped === 1 ? 'file was' : 'files were'} skipped: only JPEG, PNG and WebP photos can be enrolled.`
        : `${images.length} ${images.length === 1 ? 'photo' : 'photos'} added.`,
    );
    const made = await Promise.all(images.map(makeItem));
    setItems((current) => [...current, ...made]);
  }

  async function replace(id: string, file: File) {
    if (!ACCEPTED.includes(file.type)) {
      setNotice('Only JPEG, PNG and WebP photos can be enrolled.');
      return;
    }
    const made = await makeItem(file);
    setItems((current) => current.map((item) => (item.id === id ? made : item)));
  }

  function pick(item: Item, box: Box) {
    update(item.id, { state: 'queued', choice: box, result: undefined });
    // The picker goes away; focus stays on this photo's outcome, which announces the result.
    requestAnimationFrame(() => document.getElementById(`outcome-${item.id}`)?.focus());
  }

  function remove(id: string) {
    setItems((current) => current.filter((item) => item.id !== id));
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setIsOver(false);
    void add(event.dataTransfer.files);
  }

  return (
    <div>
      <div
        className={`dropzone${isOver ? ' is-over' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setIsOver(true);
        }}
        onDragLeave={() => setIsOver(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop photos here</strong> to enroll them, or
        </p>
        <div className="actions">
          <label htmlFor={inputId} className="button button-quiet">
            Choose photos…
          </label>
          {/* The input "Choose photos…" stands for takes focus before the webcam button (tab order). */}
          <input
            id={inputId}
            type="file"
            accept={ACCEPTED.join(',')}
            multiple
            className="visually-hidden"
            onChange={(event) => {
              if (event.target.files) void add(event.target.files);
              event.target.value = '';
            }}
          />
          <WebcamCapture onCapture={(file) => void add([file])} />
        </div>
        <p className="hint">
          One person per photo, facing the camera, well lit (when a photo shows several people, you choose the
          face). Each photo is checked and enrolled on its own.
        </p>
      </div>
      <p role="status" className="muted small">
        {notice}
      </p>
      <input
        ref={replaceInput}
        type="file"
        accept={ACCEPTED.join(',')}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(event) => {
          const file = event.target.files?.[0];
          const id = replaceFor.current;
          if (file && id) void replace(id, file);
          event.target.value = '';
        }}
      />
      {items.length > 0 && (
        <ul className="uploads" aria-label="Photos to enroll">
          {items.map((item) => {
            const box = item.result?.__typename === 'Enrolled' ? item.result.detected.box : null;
            const isRefused = item.state === 'done' && item.result?.__typename !== 'Enrolled';
            const toPick = item.state === 'done' ? boxesToPick(item.result) : [];
            return (
              <li key={item.id} className="upload-item" aria-busy={item.state === 'enrolling'}>
                <div className="face-frame">
                  {item.width && item.height ? (
                    <BoxedImage
                      src={item.url}
                      width={item.width}
                      height={item.height}
                      boxes={box ? [box] : []}
                      label={`${item.file.name}${box ? ', detected face outlined' : ''}`}
                    />
                  ) : (
                    <span className="muted small">No preview</span>
                  )}
                </div>
                <div>
                  <p>
                    <strong>{item.file.name}</strong>
                  </p>
                  <div id={`outcome-${item.id}`} tabIndex={-1} aria-live="polite">
                    <Outcome item={item} />
                  </div>
                  {toPick.length > 0 && item.width && item.height && (
                    <FacePicker
                      src={item.url}
                      width={item.width}
                      height={item.height}
                      boxes={toPick}
                      fileName={item.file.name}
                      onPick={(face) => pick(item, face.box)}
                    />
                  )}
                  <div className="actions">
                    {item.state === 'done' && item.result?.__typename === 'Enrolled' && (
                      <button
                        type="button"
                        className="button button-small button-quiet"
                        aria-label={`Clear ${item.file.name} from this list (it stays enrolled)`}
                        onClick={() => remove(item.id)}
                      >
                        Clear from list
                      </button>
                    )}
                    {item.state === 'failed' && (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => update(item.id, { state: 'queued', error: undefined })}
                      >
                        Retry
                      </button>
                    )}
                    {isRefused && (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => {
                          replaceFor.current = item.id;
                          replaceInput.current?.click();
                        }}
                      >
                        Retry with another photo…
                      </button>
                    )}
                    {(isRefused || item.state === 'failed' || item.state === 'queued') && (
                      <button
                        type="button"
                        className="button button-small button-quiet"
                        onClick={() => remove(item.id)}
                      >
                        {item.state === 'queued' ? 'Cancel' : 'Dismiss'}
                      </button>
                    )}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
