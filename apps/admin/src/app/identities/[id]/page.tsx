'use client';

import type { IdentityDetailFragment } from '@faceledger/schema/client';
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { EnrollPhotos } from '../../../components/enroll-photos';
import { IdentityForm } from '../../../components/identity-form';
import { StatusBadge } from '../../../components/status-badge';
import { TemplateStrengthHint } from '../../../components/template-strength';
import { canWriteIdentities } from '../../../lib/access';
import { focusWhenShown } from '../../../lib/focus';
import { formatDateTime } from '../../../lib/format';
import { useEraseIdentity, useIdentity, useSetIdentitySuspended, useUpdateIdentity } from '../../../queries/identities';
import { useSession } from '../../../queries/session';
import { DuplicateExternalIdLink, withReadableConflict } from '../duplicate-external-id';
import { EnrolledFaces } from './enrolled-faces';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Erasing asks first (an alertdialog), then says what was deleted. Closing after the erasure goes
 * back to the gallery's identities, focus on the list's heading: the Erase button is gone.
 */
function EraseDialog({ identity, open, onClose }: { identity: IdentityDetailFragment; open: boolean; onClose: () => void }) {
  const router = useRouter();
  const erase = useEraseIdentity(identity.id);
  const done = erase.data;
  const backButton = useRef<HTMLButtonElement>(null);

  // "Erase permanently" is replaced by the summary: its button takes the focus the removed one had.
  useEffect(() => {
    if (done) backButton.current?.focus();
  }, [done]);

  function close() {
    if (erase.isPending) return;
    if (done) {
      focusWhenShown('#identities-title');
      router.push(`/identities?gallery=${identity.galleryId}`);
    }
    onClose();
  }

  return (
    <Dialog open={open} alert title={done ? 'Identity erased' : `Erase ${identity.displayName}?`} onClose={close}>
      {done ? (
        <>
          <p role="status">
            Deleted {plural(done.facesDeleted, 'face', 'faces')} with their embeddings and{' '}
            {plural(done.imagesDeleted, 'stored image', 'stored images')}; removed{' '}
            {plural(done.matchCandidatesDeleted, 'match candidate', 'match candidates')} and cleared{' '}
            {plural(done.probesCleared, 'probe photo', 'probe photos')} of past matches. The audit trail is kept.
          </p>
          <div className="actions">
            <button type="button" className="button" onClick={close} ref={backButton}>
              Back to identities
            </button>
          </div>
        </>
      ) : (
        <>
          <p>This cannot be undone. Erasing permanently deletes:</p>
          <ul className="erase-list">
            <li>
              {plural(identity.faceCount, 'enrolled face', 'enrolled faces')} and {identity.faceCount === 1 ? 'its embedding' : 'their embeddings'} (the biometric templates);
            </li>
            <li>the stored photos of those faces, unless another identity’s face or a match event still uses the same photo;</li>
            <li>this person’s entries in past match results, and the probe photos and embeddings of those matches;</li>
            <li>the name, external ID ({identity.externalId}), extra fields and consent record.</li>
          </ul>
          <p>
            What stays: a tombstone marked “Erased” with the same id and gallery, and the audit trail (which holds ids
            and counts, never names or photos).
          </p>
          {erase.error && (
            <p role="alert" className="error">
              {erase.error.message}
            </p>
          )}
          <div className="actions">
            <button type="button" className="button button-quiet" onClick={close} data-autofocus>
              Cancel
            </button>
            <button type="button" className="button button-danger" disabled={erase.isPending} onClick={() => erase.mutate()}>
              {erase.isPending ? 'Erasing…' : 'Erase permanently'}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

export default function IdentityPage() {
  const { id } = useParams<{ id: string }>();
  const { user } = useSession();
  const { data: identity, error, isPending } = useIdentity(id);
  const update = useUpdateIdentity(id);
  const suspend = useSetIdentitySuspended(id);
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);
  const canWrite = canWriteIdentities(user?.role ?? null);

  return (
    <section aria-labelledby="identity-title">
      <p>
        <Link href={identity ? `/identities?gallery=${identity.galleryId}` : '/identities'}>← Identities</Link>
      </p>
      {isPending && <p role="status">Loading the identity…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {identity && (
        <>
          <div className="page-head">
            <h1 id="identity-title">
              {identity.displayName} <StatusBadge status={identity.status} />
            </h1>
            {canWrite && identity.status !== 'ERASED' && (
              <div className="actions">
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => {
                    update.reset();
                    setEditing(true);
                  }}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={suspend.isPending}
                  onClick={() => suspend.mutate(identity.status === 'ACTIVE')}
                >
                  {suspend.isPending
                    ? 'Saving…'
                    : identity.status === 'ACTIVE'
                      ? 'Suspend'
                      : 'Reactivate'}
                </button>
                <button type="button" className="button button-danger" onClick={() => setErasing(true)}>
                  Erase…
                </button>
              </div>
            )}
          </div>
          {suspend.error && (
            <p role="alert" className="error">
              {suspend.error.message}
            </p>
          )}
          {identity.status === 'SUSPENDED' && (
            <p className="panel">Suspended: kept, but never returned as a match. Reactivate to match and enroll again.</p>
          )}
          {identity.status === 'ERASED' && (
            <p className="panel">
              Erased: faces, photos, embeddings and personal data were deleted. This tombstone keeps the audit trail
              resolvable.
            </p>
          )}
          <dl className="facts">
            <dt>External ID</dt>
            <dd>
              <code>{identity.externalId}</code>
            </dd>
            <dt>Gallery</dt>
            <dd>
              <Link href={`/galleries/${identity.gallery.id}`}>{identity.gallery.name}</Link> (threshold{' '}
              {identity.gallery.matchThreshold.toFixed(2)})
            </dd>
            <dt>Consent</dt>
            <dd>
              {identity.consentGivenAt
                ? `Given ${formatDateTime(identity.consentGivenAt)}${identity.consentGivenBy ? `, recorded by ${identity.consentGivenBy}` : ''}`
                : 'Not recorded'}
            </dd>
            <dt>Extra fields</dt>
            <dd>
              <pre className="metadata">{JSON.stringify(identity.metadata, null, 2)}</pre>
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(identity.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatDateTime(identity.updatedAt)}</dd>
          </dl>

          <h2 id="enrolled-faces-title">Enrolled faces ({identity.faceCount})</h2>
          {identity.status !== 'ERASED' && <TemplateStrengthHint strength={identity.templateStrength} />}
          <EnrolledFaces identity={identity} canWrite={canWrite} />

          {canWrite && identity.status === 'ACTIVE' && (
            <>
              <h2>Enroll photos</h2>
              <EnrollPhotos identityId={identity.id} />
            </>
          )}

          <Dialog open={editing} title={`Edit ${identity.displayName}`} onClose={() => setEditing(false)}>
            <DuplicateExternalIdLink error={update.error} />
            <IdentityForm
              initial={{ ...identity, displayName: identity.displayName ?? '', externalId: identity.externalId ?? '' }}
              withMetadata
              submitLabel="Save changes"
              pendingLabel="Saving…"
              isPending={update.isPending}
              error={withReadableConflict(update.error)}
              onCancel={() => setEditing(false)}
              onSubmit={(values) => update.mutate(values, { onSuccess: () => setEditing(false) })}
            />
          </Dialog>
          <EraseDialog identity={identity} open={erasing} onClose={() => setErasing(false)} />
        </>
      )}
    </section>
  );
}
