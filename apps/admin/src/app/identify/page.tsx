'use client';

// Identify playground: pick a gallery, drop a probe photo, see every face boxed with its ranked
// candidates, their scores against the threshold, the decision and the model used.
import Link from 'next/link';
import { useEffect, useId, useState, type DragEvent } from 'react';
import { boxOf, StoredFaceImage } from '../../components/face-image';
import { IdentifyOverlay } from '../../components/identify-overlay';
import { ScoreBar, scoreFloor } from '../../components/identify-score-bar';
import { useGalleries } from '../../queries/galleries';
import { useIdentify, type IdentifyResult } from '../../queries/matching';

const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];

interface Probe {
  file: File;
  url: string;
  width: number;
  height: number;
}

function measure(url: string): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => resolve(null);
    image.src = url;
  });
}

function FaceResult({
  face,
  index,
  threshold,
  onActive,
}: {
  face: IdentifyResult['faces'][number];
  index: number;
  threshold: number;
  onActive: (index: number | null) => void;
}) {
  const headingId = useId();
  const floor = scoreFloor(
    face.candidates.map((c) => c.score),
    threshold,
  );
  return (
    <li
      className="panel identify-face"
      aria-labelledby={headingId}
      onMouseEnter={() => onActive(index)}
      onMouseLeave={() => onActive(null)}
      onFocus={() => onActive(index)}
      onBlur={() => onActive(null)}
    >
      <h3 id={headingId}>
        Face {index + 1}:{' '}
        {face.decision === 'MATCH' && face.identity ? (
          <>
            <span className="badge badge-ok">Match</span> {face.identity.displayName}{' '}
            <code className="muted">{face.identity.externalId}</code>
          </>
        ) : (
          <span className="badge badge-warn">Unknown</span>
        )}
      </h3>
      <p className="muted small">
        Detection {Math.round(face.face.detectionScore * 100)}%, quality{' '}
        {Math.round(face.face.quality.score * 100)}%
        {face.face.quality.reasons.length > 0 &&
          ` (${face.face.quality.reasons.join(', ').toLowerCase().replaceAll('_', ' ')})`}
        {face.score !== null && `, score ${face.score.toFixed(3)}`}. Event{' '}
        <code>{face.eventId.slice(0, 8)}</code>
      </p>
      {face.candidates.length === 0 ? (
        <p>No enrolled identity of this gallery resembles this face.</p>
      ) : (
        <ol className="candidates">
          {face.candidates.map((candidate) => {
            const box = candidate.face ? boxOf(candidate.face.box) : null;
            return (
              <li key={candidate.identity.id} className="candidate">
                <span className="candidate-rank" aria-hidden="true">
                  {candidate.rank}
                </span>
                <span className="candidate-thumb">
                  {candidate.face?.imageKey ? (
                    <StoredFaceImage
                      imageKey={candidate.face.imageKey}
                      box={box}
                      size={128}
                      label={`Enrolled face of ${candidate.identity.displayName}`}
                    />
                  ) : (
                    <span className="muted small">No face</span>
                  )}
                </span>
                <span className="candidate-who">
                  <Link href={`/identities/${candidate.identity.id}`}>{candidate.identity.displayName}</Link>
                  <code className="muted">{candidate.identity.externalId}</code>
                  {candidate.demoted && (
                    <span
                      className="badge badge-bad"
                      title="A reviewer rejected this identity for a near-identical probe"
                    >
                      Demoted
                    </span>
                  )}
                </span>
                <ScoreBar score={candidate.score} threshold={threshold} floor={floor} />
              </li>
            );
          })}
        </ol>
      )}
    </li>
  );
}

export default function IdentifyPage() {
  const galleries = useGalleries();
  const identify = useIdentify();
  const [galleryId, setGalleryId] = useState('');
  const [topK, setTopK] = useState(5);
  const [threshold, setThreshold] = useState('');
  const [probe, setProbe] = useState<Probe | null>(null);
  const [isOver, setIsOver] = useState(false);
  const [notice, setNotice] = useState('');
  const [activeFace, setActiveFace] = useState<number | null>(null);
  const inputId = useId();

  const gallery = galleries.data?.find((g) => g.id === galleryId) ?? galleries.data?.[0];
  const result = identify.data;

  useEffect(() => {
    if (!probe) return;
    return () => URL.revokeObjectURL(probe.url);
  }, [probe]);

  const thresholdValue = threshold.trim() === '' ? null : Number(threshold);
  const thresholdInvalid = thresholdValue !== null && !(thresholdValue > 0 && thresholdValue < 1);

  function run(file: File) {
    if (!gallery || thresholdInvalid) return;
    identify.mutate({ galleryId: gallery.id, file, topK, threshold: thresholdValue });
  }

  async function choose(files: FileList | null) {
    const file = files?.[0];
    if (!file) return;
    if (!ACCEPTED.includes(file.type)) {
      setNotice(`${file.name} is not a JPEG, PNG or WebP photo; choose one of those.`);
      return;
    }
    setNotice('');
    const url = URL.createObjectURL(file);
    const size = await measure(url);
    if (!size) {
      URL.revokeObjectURL(url);
      setNotice(`${file.name} could not be opened as an image; choose another photo.`);
      return;
    }
    const next = { file, url, ...size };
    setProbe(next);
    setActiveFace(null);
    run(file);
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setIsOver(false);
    void choose(event.dataTransfer.files);
  }

  return (
    <section aria-labelledby="identify-title">
      <h1 id="identify-title">Identify</h1>
      <p className="muted">
        Who is in this photo? Every face is searched in the gallery. Each call is recorded as a match event
        and in the audit log.
      </p>
      {galleries.isPending && <p role="status">Loading galleries…</p>}
      {galleries.error && (
        <p role="alert" className="error">
          {galleries.error.message}
        </p>
      )}
      {galleries.data?.length === 0 && (
        <p className="panel">
          There are no galleries yet. <Link href="/galleries">Create a gallery</Link> and enroll people first.
        </p>
      )}
      {gallery && (
        <>
          <div className="toolbar">
            <div className="field">
              <label htmlFor="identify-gallery">Gallery</label>
              <select id="identify-gallery" value={gallery.id} onChange={(e) => setGalleryId(e.target.value)}>
                {galleries.data?.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name} ({g.identityCount})
                  </option>
                ))}
              </select>
            </div>
            <div className="field identify-small-field">
              <label htmlFor="identify-topk">Candidates per face</label>
              <input
                id="identify-topk"
                type="number"
                min={1}
                max={20}
                value={topK}
                onChange={(e) => setTopK(Math.min(20, Math.max(1, Math.round(Number(e.target.value) || 1))))}
              />
            </div>
            <div className="field identify-small-field">
              <label htmlFor="identify-threshold">Threshold</label>
              <input
                id="identify-threshold"
                type="number"
                step={0.01}
                min={0.01}
                max={0.99}
                value={threshold}
                placeholder={gallery.matchThreshold.toFixed(2)}
                aria-invalid={thresholdInvalid || undefined}
                aria-describedby="identify-threshold-hint"
                onChange={(e) => setThreshold(e.target.value)}
              />
              <p id="identify-threshold-hint" className={thresholdInvalid ? 'field-error' : 'hint'}>
                {thresholdInvalid
                  ? 'Between 0 and 1, or empty.'
                  : `Empty: the gallery's ${gallery.matchThreshold.toFixed(2)}.`}
              </p>
            </div>
          </div>
          <div
            className={isOver ? 'dropzone is-over' : 'dropzone'}
            onDragOver={(e) => {
              e.preventDefault();
              setIsOver(true);
            }}
            onDragLeave={() => setIsOver(false)}
            onDrop={onDrop}
          >
            <p>Drop a probe photo here, or</p>
            <label htmlFor={inputId} className="button">
              Choose a photo…
            </label>
            <input
              id={inputId}
              type="file"
              accept={ACCEPTED.join(',')}
              className="visually-hidden"
              onChange={(e) => {
                void choose(e.target.files);
                e.target.value = '';
              }}
            />
            <p className="hint">JPEG, PNG or WebP. Faces are searched in {gallery.name}.</p>
          </div>
          {notice && (
            <p role="alert" className="error">
              {notice}
            </p>
          )}
          {probe && (
            <div className="actions identify-again">
              <button
                type="button"
                className="button button-quiet"
                disabled={identify.isPending || thresholdInvalid}
                onClick={() => run(probe.file)}
              >
                Identify again with these settings
              </button>
            </div>
          )}
        </>
      )}
      <div aria-live="polite">
        {identify.isPending && <p role="status">Finding faces and searching {gallery?.name}…</p>}
        {identify.error && (
          <p role="alert" className="error">
            {identify.error.message}
          </p>
        )}
      </div>
      {probe && (
        <div className="identify-layout">
          <div className="identify-photo panel">
            <IdentifyOverlay
              src={probe.url}
              width={probe.width}
              height={probe.height}
              activeIndex={activeFace}
              label={
                result && !identify.isPending
                  ? `Probe photo with ${result.faces.length} ${result.faces.length === 1 ? 'face' : 'faces'} boxed`
                  : 'Probe photo'
              }
              faces={
                result && !identify.isPending
                  ? result.faces.map((face) => ({
                      box: face.face.box,
                      decision: face.decision,
                      label:
                        (face.decision === 'MATCH' && face.identity?.displayName) || 'Unknown',
                    }))
                  : []
              }
            />
          </div>
          {result && !identify.isPending && (
            <div className="identify-results">
              <dl className="facts">
                <dt>Threshold</dt>
                <dd>{result.threshold.toFixed(2)}</dd>
                <dt>Model</dt>
                <dd>
                  <code>{result.modelId}</code>
                </dd>
                <dt>Faces</dt>
                <dd>{result.faces.length}</dd>
                <dt>Time</dt>
                <dd>{result.latencyMs} ms</dd>
              </dl>
              {result.faces.length === 0 ? (
                <p className="panel">No face was found in this photo. Try a sharper, front-facing photo.</p>
              ) : (
                <ol className="identify-faces" aria-label="Faces found">
                  {result.faces.map((face, index) => (
                    <FaceResult
                      key={face.eventId}
                      face={face}
                      index={index}
                      threshold={result.threshold}
                      onActive={setActiveFace}
                    />
                  ))}
                </ol>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
