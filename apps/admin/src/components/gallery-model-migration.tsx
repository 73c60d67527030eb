'use client';

// A gallery's model migration (admins only): start one to another registered model, its progress
// while the faces are re-embedded, the faces it could not re-embed, shadow mode's agreement and both
// models' error rates on the gallery's own faces, then Switch and Roll back.
import type { ModelMigrationFieldsFragment } from '@faceledger/schema/client';
import Link from 'next/link';
import { useState } from 'react';
import { formatDateTime } from '../lib/format';
import { modelName } from '../lib/models';
import { useGalleryModelMigration, useModelMigrationActions } from '../queries/model-migration';
import { DataTable } from './data-table';
import { QueryStatus } from './query-status';

const STATUS_TEXT: Record<ModelMigrationFieldsFragment['status'], string> = {
  RE_EMBEDDING: 're-embedding',
  SHADOW: 'shadow mode',
  SWITCHED: 'switched',
  CANCELLED: 'replaced',
};

const rate = (value: number | null | undefined) => (value == null ? '–' : `${(value * 100).toFixed(1)}%`);
const share = (part: number, whole: number) =>
  whole === 0 ? '–' : `${part} of ${whole} (${rate(part / whole)})`;

export function GalleryModelMigration({ galleryId }: { galleryId: string }) {
  const state = useGalleryModelMigration(galleryId);
  const actions = useModelMigrationActions(galleryId);
  const [target, setTarget] = useState('');
  const [acceptMissing, setAcceptMissing] = useState(false);
  const data = state.data;
  const migration = data?.migration?.status === 'CANCELLED' ? null : (data?.migration ?? null);
  const busy = actions.start.isPending || actions.switchModel.isPending || actions.rollback.isPending;
  const failure = actions.start.error ?? actions.switchModel.error ?? actions.rollback.error;
  const stalled =
    migration?.status === 'RE_EMBEDDING' &&
    (migration.jobStatus === 'FAILED' || migration.jobStatus === 'CANCELLED');
  const chosen = target || data?.availableModelIds[0] || '';

  return (
    <section className="settings-section" aria-labelledby="model-migration-title">
      <h2 id="model-migration-title">Model migration</h2>
      <QueryStatus query={state} loading="Loading the model migration…" />
      {data && (
        <>
          <p>
            Current model: <strong>{modelName(data.currentModelId)}</strong>
            {migration && (
              <>
                {' '}
                · migration {modelName(migration.fromModelId)} → {modelName(migration.toModelId)}:{' '}
                <strong data-testid="migration-status">{STATUS_TEXT[migration.status]}</strong>
                {migration.switchedAt &&
                  migration.status === 'SWITCHED' &&
                  `, since ${formatDateTime(migration.switchedAt)}`}
              </>
            )}
          </p>
          {(!migration || migration.status === 'SWITCHED' || stalled) &&
            data.availableModelIds.length > 0 && (
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  actions.start.mutate(stalled && migration ? migration.toModelId : chosen);
                }}
              >
                {!stalled && (
                  <label>
                    Move to{' '}
                    <select value={chosen} onChange={(event) => setTarget(event.target.value)}>
                      {data.availableModelIds.map((id) => (
                        <option key={id} value={id}>
                          {modelName(id)}
                        </option>
                      ))}
                    </select>
                  </label>
                )}{' '}
                <button type="submit" className="button" disabled={busy}>
                  {stalled ? 'Resume re-embedding' : 'Start migration'}
                </button>
              </form>
            )}
          {migration && (
            <>
              <div
                className="progress-track"
                role="progressbar"
                aria-label="faces re-embedded"
                aria-valuemin={0}
                aria-valuemax={migration.progress.total}
                aria-valuenow={migration.progress.done}
              >
                <div
                  className="progress-fill"
                  style={{ width: `${Math.round(migration.progress.fraction * 100)}%` }}
                />
              </div>
              <p className="small" aria-live="polite">
                {migration.progress.done} of {migration.progress.total} faces re-embedded
                {migration.jobStatus &&
                  migration.jobStatus !== 'SUCCEEDED' &&
                  ` (job ${migration.jobStatus.toLowerCase()})`}
                {migration.jobError && `: ${migration.jobError}`}
              </p>
              {migration.missingFaceCount > 0 && (
                <details>
                  <summary>
                    {migration.missingFaceCount} faces could not be re-embedded (they keep only the old
                    embedding)
                  </summary>
                  <ul>
                    {migration.missingFaces.map((face) => (
                      <li key={face.faceId}>
                        <Link href={`/identities/${face.identityId}`}>
                          {face.reason === 'IMAGE_MISSING' ? 'Photo gone' : 'No face'}
                        </Link>
                        : {face.message}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              <p data-testid="shadow-agreement">
                Shadow mode: {migration.shadow.probes} probe faces scored with both models; same decision{' '}
                {share(migration.shadow.sameDecision, migration.shadow.probes)}, same first identity{' '}
                {share(migration.shadow.sameTopIdentity, migration.shadow.probes)}; MATCH{' '}
                {migration.shadow.currentMatches} (current) and {migration.shadow.targetMatches} (
                {modelName(migration.toModelId)}).
              </p>
              {migration.errorRates.length > 0 && (
                <DataTable
                  caption="Error rates of both models on this gallery's enrolled faces, leave-one-out"
                  columns={[
                    { label: 'Model' },
                    { label: 'Identify threshold' },
                    { label: 'FNIR' },
                    { label: 'FPIR' },
                    { label: 'Searches (mated / not)' },
                  ]}
                >
                  {migration.errorRates.map((r) => (
                    <tr key={r.modelId}>
                      <td>{modelName(r.modelId)}</td>
                      <td>{r.threshold?.toFixed(3) ?? '–'}</td>
                      <td>{rate(r.fnir)}</td>
                      <td>{rate(r.fpir)}</td>
                      <td>
                        {r.matedSearches} / {r.nonMatedSearches}
                        {r.facesWithoutEmbedding > 0 &&
                          ` (${r.facesWithoutEmbedding} faces without embedding)`}
                      </td>
                    </tr>
                  ))}
                </DataTable>
              )}
              <p className="muted small">
                Rates from the gallery&apos;s own faces: each searched against the others, and with its person
                left out. The switch sets the match threshold to {migration.targetMatchThreshold.toFixed(3)}{' '}
                and the identify threshold to {migration.targetIdentifyThreshold.toFixed(3)} (
                {migration.targetIdentifyThresholdSource === 'CALIBRATED'
                  ? 'calibrated'
                  : 'the pair threshold, as an override'}
                ).
              </p>
              {(migration.status === 'SHADOW' || migration.status === 'SWITCHED') && (
                <div>
                  {migration.missingFaceCount > 0 && (
                    <label>
                      <input
                        type="checkbox"
                        checked={acceptMissing}
                        onChange={(event) => setAcceptMissing(event.target.checked)}
                      />{' '}
                      Go ahead although some faces have no embedding under the other model
                    </label>
                  )}
                  {migration.status === 'SHADOW' ? (
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      onClick={() => actions.switchModel.mutate(acceptMissing)}
                    >
                      Switch to {modelName(migration.toModelId)}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      onClick={() => actions.rollback.mutate(acceptMissing)}
                    >
                      Roll back to {modelName(migration.fromModelId)}
                    </button>
                  )}
                </div>
              )}
            </>
          )}
          {failure && (
            <p role="alert" className="error">
              {failure.message}
            </p>
          )}
        </>
      )}
    </section>
  );
}
