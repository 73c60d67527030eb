'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { formatFpir, GalleryForm } from '../../../components/gallery-form';
import { GalleryWebhooks } from '../../../components/gallery-webhooks';
import { GalleryModelMigration } from '../../../components/gallery-model-migration';
import { canEditGalleries, canManageWebhooks } from '../../../lib/access';
import { formatDateTime, formatRetention } from '../../../lib/format';
import { modelName } from '../../../lib/models';
import { useGallery, useUpdateGallery } from '../../../queries/galleries';
import { useSession } from '../../../queries/session';

export default function GalleryPage() {
  const { id } = useParams<{ id: string }>();
  const { user } = useSession();
  const { data: gallery, error, isPending } = useGallery(id);
  const update = useUpdateGallery(id);
  const [saved, setSaved] = useState(false);
  const canEdit = canEditGalleries(user?.role ?? null);

  return (
    <section aria-labelledby="gallery-title">
      <p>
        <Link href="/galleries">← Galleries</Link>
      </p>
      <h1 id="gallery-title">{gallery ? gallery.name : 'Gallery'}</h1>
      {isPending && <p role="status">Loading the gallery…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {gallery && (
        <>
          <dl className="facts">
            <dt>Identities</dt>
            <dd>
              {gallery.identityCount} (<Link href={`/identities?gallery=${gallery.id}`}>open the list</Link>)
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(gallery.createdAt)}</dd>
            <dt>Last changed</dt>
            <dd>{formatDateTime(gallery.updatedAt)}</dd>
            <dt>Identify target</dt>
            <dd>at most {formatFpir(gallery.identifyTargetFpir)} strangers answered MATCH</dd>
            <dt>Identify threshold</dt>
            <dd data-testid="identify-threshold">
              {gallery.identifyThreshold == null
                ? 'none: the model has no calibration; set an override'
                : `${gallery.identifyThreshold.toFixed(4)} (${
                    gallery.identifyThresholdSource === 'OVERRIDE' ? 'override' : 'calibrated for this size'
                  })`}
            </dd>
            {!canEdit && (
              <>
                <dt>Match threshold</dt>
                <dd>{gallery.matchThreshold.toFixed(2)}</dd>
                <dt>Model</dt>
                <dd>{modelName(gallery.embeddingModelId)}</dd>
                <dt>Probe retention</dt>
                <dd>{formatRetention(gallery.probeRetentionDays)}</dd>
                <dt>Likely duplicates</dt>
                <dd>{gallery.forbidLikelyDuplicates ? 'refused' : 'warned about'}</dd>
              </>
            )}
          </dl>
          {gallery.estimatedFpir != null && gallery.estimatedFpir > gallery.identifyTargetFpir * 1.0001 && (
            <p role="alert" className="error" data-testid="identify-threshold-warning">
              The identify threshold {gallery.identifyThreshold?.toFixed(4)} lets about{' '}
              {gallery.estimatedFpir >= 0.01 ? 'at least ' : ''}
              {formatFpir(gallery.estimatedFpir)} strangers be answered MATCH at this gallery&apos;s size (
              {gallery.identityCount} identities), more than its target of{' '}
              {formatFpir(gallery.identifyTargetFpir)}. Clear the override to use the calibrated threshold.
            </p>
          )}
          {canEdit && (
            <>
              <h2>Settings</h2>
              <div role="status" className="saved">
                {saved && !update.isPending && !update.error ? 'Saved.' : ''}
              </div>
              <GalleryForm
                key={gallery.updatedAt}
                gallery={gallery}
                submitLabel="Save changes"
                pendingLabel="Saving…"
                isPending={update.isPending}
                error={update.error}
                onSubmit={(values) => {
                  setSaved(false);
                  const { identifyThresholdOverride, ...rest } = values;
                  const changes = {
                    ...rest,
                    identifyThresholdOverride: identifyThresholdOverride ?? undefined,
                    clearIdentifyThresholdOverride:
                      identifyThresholdOverride === null && gallery.identifyThresholdOverride != null
                        ? true
                        : undefined,
                    embeddingModelId:
                      values.embeddingModelId && values.embeddingModelId !== gallery.embeddingModelId
                        ? values.embeddingModelId
                        : undefined,
                  };
                  update.mutate(changes, { onSuccess: () => setSaved(true) });
                }}
              />
            </>
          )}
          {canEdit && <GalleryModelMigration galleryId={gallery.id} />}
          {canManageWebhooks(user?.role ?? null) && <GalleryWebhooks galleryId={gallery.id} />}
        </>
      )}
    </section>
  );
}
