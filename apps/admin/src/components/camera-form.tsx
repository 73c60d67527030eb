'use client';

// Add or edit a camera (ADMIN): name, source (rtsp://, http(s):// MJPEG or HLS, or a file path on the
// server), frames per second to analyse, the watchlist galleries its faces are checked against,
// retention of its sightings, enabled; "Test connection" asks the server to decode one frame of the
// source and shows what it found, before anything is saved.
import type { CameraConnectionTest } from '@faceledger/schema/client';
import { useId, useState } from 'react';
import { fieldError, formError } from '../lib/api-error';
import { useGalleries } from '../queries/galleries';
import { useCreateCamera, useTestCameraConnection, useUpdateCamera, type Camera } from '../queries/cameras';
import { describedBy, Field, fieldInputProps } from './field';
import { FormActions } from './form-actions';

const SOURCE_HINT =
  'rtsp://, rtsps://, an http(s):// MJPEG stream, HLS playlist or video file, or the absolute path of a video file on the server (replayed at its own speed).';

/** Why `value` cannot be a source, or undefined when it may be one (the server checks the rest). */
function sourceProblem(value: string): string | undefined {
  const source = value.trim();
  if (!source) return 'Enter the camera’s stream URL or a file path.';
  if (source.startsWith('/')) return undefined;
  if (/^(rtsps?|https?):\/\/\S+$/i.test(source)) return undefined;
  return 'Use an rtsp://, rtsps://, http:// or https:// URL, or an absolute file path such as /srv/video/door.mp4.';
}

function numberProblem(
  value: string,
  min: number,
  max: number,
  what: string,
  whole: boolean,
): string | undefined {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
    return `${what} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}.`;
  }
  return undefined;
}

/** The outcome of "Test connection", in plain words. */
function TestResult({ result }: { result: CameraConnectionTest }) {
  const seconds = (result.elapsedMs / 1000).toFixed(1);
  if (result.ok) {
    return (
      <p className="ok-text">
        Connected: a {result.width ?? '?'}×{result.height ?? '?'} frame
        {result.codec ? ` (${result.codec})` : ''} came in {seconds} s.
      </p>
    );
  }
  return (
    <p className="error">
      No frame came ({seconds} s): {result.error ?? 'the server did not say why.'}
    </p>
  );
}

export function CameraForm({
  camera,
  onSaved,
  onCancel,
}: {
  /** The camera to edit; null adds a new one. */
  camera: Camera | null;
  onSaved: (saved: Camera) => void;
  onCancel: () => void;
}) {
  const galleries = useGalleries();
  const create = useCreateCamera();
  const update = useUpdateCamera();
  const test = useTestCameraConnection();
  const save = camera ? update : create;
  const id = useId();
  const [name, setName] = useState(camera?.name ?? '');
  const [sourceUrl, setSourceUrl] = useState(camera?.sourceUrl ?? '');
  const [fps, setFps] = useState(String(camera?.fps ?? 2));
  const [retention, setRetention] = useState(String(camera?.retentionDays ?? 30));
  const [enabled, setEnabled] = useState(camera?.enabled ?? true);
  const [galleryIds, setGalleryIds] = useState<ReadonlySet<string>>(new Set(camera?.galleryIds ?? []));
  const [tried, setTried] = useState(false);

  const nameProblem = name.trim() ? undefined : 'Give the camera a name, such as “Front door”.';
  const problems = {
    name: tried ? nameProblem : undefined,
    sourceUrl: tried ? sourceProblem(sourceUrl) : undefined,
    fps: tried ? numberProblem(fps, 0.1, 30, 'Frames per second', false) : undefined,
    retentionDays: tried ? numberProblem(retention, 1, 3650, 'Retention', true) : undefined,
  };
  const errorOf = (field: keyof typeof problems) => problems[field] ?? fieldError(save.error, field);
  const galleriesError = fieldError(save.error, 'galleryIds');
  const otherError = formError(save.error, ['name', 'sourceUrl', 'fps', 'retentionDays', 'galleryIds']);
  // A saved camera's URL comes back with its password as ***: test the saved source then.
  const isSavedSource = camera !== null && sourceUrl.trim() === camera.sourceUrl;

  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (
          nameProblem ||
          sourceProblem(sourceUrl) ||
          numberProblem(fps, 0.1, 30, '', false) ||
          numberProblem(retention, 1, 3650, '', true)
        )
          return;
        const fields = {
          name: name.trim(),
          fps: Number(fps),
          retentionDays: Number(retention),
          enabled,
          galleryIds: [...galleryIds],
        };
        if (camera) {
          update.mutate(
            {
              id: camera.id,
              input: { ...fields, ...(isSavedSource ? {} : { sourceUrl: sourceUrl.trim() }) },
            },
            { onSuccess: onSaved },
          );
        } else {
          create.mutate({ ...fields, sourceUrl: sourceUrl.trim() }, { onSuccess: onSaved });
        }
      }}
    >
      <Field id={`${id}-name`} label="Name" error={errorOf('name')}>
        <input
          {...fieldInputProps(`${id}-name`, undefined, errorOf('name'))}
          data-autofocus
          autoComplete="off"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field id={`${id}-source`} label="Source URL" hint={SOURCE_HINT} error={errorOf('sourceUrl')}>
        <input
          {...fieldInputProps(`${id}-source`, SOURCE_HINT, errorOf('sourceUrl'))}
          autoComplete="off"
          spellCheck={false}
          inputMode="url"
          placeholder="rtsp://camera.local/stream"
          value={sourceUrl}
          onChange={(e) => {
            setSourceUrl(e.target.value);
            test.reset();
          }}
        />
      </Field>
      <div className="camera-test">
        <button
          type="button"
          className="button button-quiet"
          disabled={test.isPending || (!isSavedSource && sourceProblem(sourceUrl) !== undefined)}
          onClick={() =>
            test.mutate(isSavedSource && camera ? { cameraId: camera.id } : { sourceUrl: sourceUrl.trim() })
          }
        >
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <div role="status" aria-live="polite">
          {test.data && <TestResult result={test.data} />}
        </div>
        {test.error && (
          <p role="alert" className="error">
            {test.error.message}
          </p>
        )}
      </div>
      <div className="camera-numbers">
        <Field
          id={`${id}-fps`}
          label="Frames per second"
          hint="Analysed per second, 0.1 to 30."
          error={errorOf('fps')}
        >
          <input
            {...fieldInputProps(`${id}-fps`, 'hint', errorOf('fps'))}
            className="number"
            type="number"
            inputMode="decimal"
            min={0.1}
            max={30}
            step="any"
            value={fps}
            onChange={(e) => setFps(e.target.value)}
          />
        </Field>
        <Field
          id={`${id}-retention`}
          label="Keep sightings (days)"
          hint="Sightings and their face crops are deleted after this."
          error={errorOf('retentionDays')}
        >
          <input
            {...fieldInputProps(`${id}-retention`, 'hint', errorOf('retentionDays'))}
            className="number"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            step={1}
            value={retention}
            onChange={(e) => setRetention(e.target.value)}
          />
        </Field>
      </div>
      <fieldset
        className="scope-choice"
        aria-describedby={describedBy(`${id}-galleries`, 'hint', galleriesError)}
      >
        <legend>Watchlist galleries</legend>
        <p id={`${id}-galleries-hint`} className="hint">
          Faces this camera sees are identified against these galleries; a match raises an alert.
        </p>
        {galleries.isPending && <p role="status">Loading galleries…</p>}
        {galleries.error && (
          <p role="alert" className="error">
            {galleries.error.message}
          </p>
        )}
        {galleries.data?.length === 0 && (
          <p className="muted">No gallery yet: sightings will all be unknown.</p>
        )}
        {galleries.data?.map((gallery) => (
          <label key={gallery.id} className="review-candidate">
            <input
              type="checkbox"
              checked={galleryIds.has(gallery.id)}
              onChange={(e) => {
                const next = new Set(galleryIds);
                if (e.target.checked) next.add(gallery.id);
                else next.delete(gallery.id);
                setGalleryIds(next);
              }}
            />
            <span>{gallery.name}</span>
          </label>
        ))}
        {galleriesError && (
          <p id={`${id}-galleries-error`} className="field-error">
            {galleriesError}
          </p>
        )}
      </fieldset>
      <div className="field field-check">
        <input
          id={`${id}-enabled`}
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
          aria-describedby={`${id}-enabled-hint`}
        />
        <label htmlFor={`${id}-enabled`}>Enabled</label>
        <p id={`${id}-enabled-hint`} className="hint">
          An enabled camera is read and analysed within seconds of saving.
        </p>
      </div>
      <FormActions
        mutation={{ error: otherError ? { message: otherError } : null, isPending: save.isPending }}
        submitLabel={camera ? 'Save camera' : 'Add camera'}
        pendingLabel="Saving…"
        onCancel={onCancel}
      />
    </form>
  );
}
