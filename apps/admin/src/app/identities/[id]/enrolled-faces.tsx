'use client';

// The enrolled faces of an identity, each with what can be done to it: a face that looked like another
// identity when it was enrolled keeps its warning here until someone resolves it (Delete or Replace a
// wrong photo, or "Keep" a right one); any face can be deleted or replaced.
import type { IdentityDetailFragment } from '@faceledger/schema/client';
import Link from 'next/link';
import { useRef, useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { boxOf, StoredFaceImage } from '../../../components/face-image';
import { QualityBadges, qualityOf } from '../../../components/quality-badges';
import { formatDateTime } from '../../../lib/format';
import {
  useDeleteFace,
  useFaceWarnings,
  useReplaceFace,
  useResolveFaceWarning,
} from '../../../queries/identities';

const ACCEPTED = 'image/jpeg,image/png,image/webp';

export function EnrolledFaces({
  identity,
  canWrite,
}: {
  identity: IdentityDetailFragment;
  canWrite: boolean;
}) {
  // null only for a caller who may not read faces, and this page is for those who may
  const faces = identity.faces ?? [];
  const isErased = identity.status === 'ERASED';
  const warnings = useFaceWarnings(identity.id, !isErased);
  const remove = useDeleteFace(identity.id);
  const replace = useReplaceFace(identity.id);
  const resolve = useResolveFaceWarning(identity.id);
  const [deleting, setDeleting] = useState<{ id: string; index: number } | null>(null);
  const [message, setMessage] = useState('');
  const [failure, setFailure] = useState('');
  const replaceFor = useRef<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // After a deletion the face (and its Delete button) goes: focus the list's heading instead.
  const hasDeleted = useRef(false);
  const warningOf = (faceId: string) => warnings.data?.find((w) => w.faceId === faceId) ?? null;
  const isBusy = remove.isPending || replace.isPending || resolve.isPending;
  const canChange = canWrite && !isErased;

  function report(error: unknown) {
    setMessage('');
    setFailure(error instanceof Error ? error.message : 'That did not work; try again.');
  }

  if (faces.length === 0) {
    return (
      <>
        <p role="status" className="review-message">
          {message}
        </p>
        <p className="panel">{isErased ? 'Erased: no faces are kept.' : 'No faces enrolled yet.'}</p>
      </>
    );
  }
  return (
    <>
      {(warnings.data?.length ?? 0) > 0 && (
        <p className="panel face-warning-summary">
          {warnings.data?.length === 1 ? 'One photo looks' : `${warnings.data?.length} photos look`} like
          another person of this gallery. Check {warnings.data?.length === 1 ? 'it' : 'them'} below: delete or
          replace a wrong photo, or keep a right one.
        </p>
      )}
      {warnings.error && (
        <p role="alert" className="error">
          {warnings.error.message}
        </p>
      )}
      <p role="status" className="review-message">
        {message}
      </p>
      {failure && (
        <p role="alert" className="error">
          {failure}
        </p>
      )}
      <ul className="faces" aria-label="Enrolled faces">
        {faces.map((face, index) => {
          const quality = qualityOf(face.quality);
          const warning = warningOf(face.id);
          const label = `Enrolled face ${index + 1} of ${identity.displayName}`;
          return (
            <li key={face.id} className={warning ? 'face-card has-warning' : 'face-card'} aria-label={label}>
              <div className="face-frame">
                {face.imageKey && (
                  <StoredFaceImage
                    imageKey={face.imageKey}
                    box={boxOf(face.box)}
                    label={`${label}, face outlined`}
                  />
                )}
              </div>
              <QualityBadges score={quality.score} reasons={quality.reasons} />
              <span className="muted small">
                Enrolled {formatDateTime(face.createdAt)} · <code>{face.modelId}</code>
              </span>
              {warning && (
                <div className="face-warning">
                  <p className="warn-text">
                    <strong>
                      Looks like{' '}
                      {warning.identity ? (
                        <Link href={`/identities/${warning.identity.id}`}>
                          {warning.identity.displayName}
                        </Link>
                      ) : (
                        'an erased identity'
                      )}{' '}
                      ({warning.score.toFixed(3)})
                    </strong>
                  </p>
                  <p className="small">{warning.message}</p>
                </div>
              )}
              {canChange && (
                <div className="actions face-actions">
                  {warning && (
                    <button
                      type="button"
                      className="button button-small button-quiet"
                      disabled={isBusy}
                      onClick={() => {
                        setFailure('');
                        resolve.mutate(face.id, {
                          onSuccess: () =>
                            setMessage(`Kept face ${index + 1}: marked as ${identity.displayName}.`),
                          onError: report,
                        });
                      }}
                    >
                      Keep: it is {identity.displayName}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    disabled={isBusy}
                    onClick={() => {
                      replaceFor.current = face.id;
                      fileInput.current?.click();
                    }}
                  >
                    Replace…
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    disabled={isBusy}
                    onClick={() => {
                      remove.reset();
                      setDeleting({ id: face.id, index });
                    }}
                  >
                    Delete…
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <input
        ref={fileInput}
        type="file"
        accept={ACCEPTED}
        hidden
        aria-label="Photo to replace the face with"
        onChange={(event) => {
          const file = event.target.files?.[0];
          const faceId = replaceFor.current;
          event.target.value = '';
          if (!file || !faceId) return;
          setFailure('');
          setMessage('Replacing… finding the face and checking its quality.');
          replace.mutate(
            { faceId, file },
            {
              onSuccess: (result) => {
                if (result.__typename === 'Enrolled') {
                  setMessage(`Replaced the photo with ${file.name}.`);
                  const warned = result.warnings[0];
                  if (warned) setFailure(warned.message);
                } else {
                  setMessage('');
                  setFailure(
                    `Not replaced, the old photo stays: ${'message' in result ? result.message : ''}`,
                  );
                }
              },
              onError: report,
            },
          );
        }}
      />
      <Dialog
        open={deleting !== null}
        title={`Delete face ${(deleting?.index ?? 0) + 1} of ${identity.displayName}?`}
        alert
        onClose={() => setDeleting(null)}
        returnFocus={() => {
          if (!hasDeleted.current) return null;
          hasDeleted.current = false;
          return document.getElementById('enrolled-faces-title');
        }}
      >
        <p>
          The face and its embedding are deleted, so it no longer matches anyone. The stored photo is deleted
          too, unless another face or a kept probe photo still uses it. The audit trail records the deletion.
        </p>
        {remove.error && (
          <p role="alert" className="error">
            {remove.error.message}
          </p>
        )}
        <div className="actions">
          <button
            type="button"
            className="button button-quiet"
            onClick={() => setDeleting(null)}
            data-autofocus
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={remove.isPending}
            onClick={() => {
              const target = deleting;
              if (!target) return;
              setFailure('');
              remove.mutate(target.id, {
                onSuccess: (done) => {
                  hasDeleted.current = true;
                  setDeleting(null);
                  setMessage(
                    `Deleted face ${target.index + 1}${done.imageDeleted ? ' and its photo' : '; its photo is kept because something else still uses it'}.`,
                  );
                },
              });
            }}
          >
            {remove.isPending ? 'Deleting…' : 'Delete face'}
          </button>
        </div>
      </Dialog>
    </>
  );
}
