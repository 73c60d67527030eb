'use client';

// Unknown people (ADMIN, REVIEWER): faces the cameras saw that matched nobody, clustered so that one
// person seen again keeps the same "unknown #N" across sightings and cameras. Admins name a cluster
// (its best faces are enrolled into a person); admins and reviewers dismiss one (nothing joins it any
// more). Most recently seen first.
import type { UnknownClusterStatus } from '@faceledger/schema/client';
import { useState } from 'react';
import { CamerasNav } from '../../../components/cameras-nav';
import { StoredFaceImage } from '../../../components/face-image';
import { KeysetPager, useKeysetPages } from '../../../components/keyset-pager';
import { NameClusterDialog, type ClusterNamed } from '../../../components/name-cluster-dialog';
import { QueryStatus } from '../../../components/query-status';
import { ConfirmDialog } from '../../../components/settings-confirm-dialog';
import { canNameClusters } from '../../../lib/access';
import { formatDateTime } from '../../../lib/format';
import { useSession } from '../../../queries/session';
import {
  useDismissUnknownCluster,
  useUnknownClusters,
  type UnknownCluster,
} from '../../../queries/sightings';

const PAGE_SIZE = 12;

const STATUS_LABEL: Record<UnknownClusterStatus, string> = {
  OPEN: 'Open',
  NAMED: 'Named',
  DISMISSED: 'Dismissed',
};

function describeNamed(named: ClusterNamed): string {
  const faces = `${named.facesEnrolled} ${named.facesEnrolled === 1 ? 'face' : 'faces'}`;
  const refused =
    named.refusals.length > 0 ? ` ${named.refusals.length} not enrolled: ${named.refusals.join('; ')}` : '';
  return `Named ${named.label} ${named.name}: ${faces} enrolled.${refused}`;
}

export default function UnknownPeoplePage() {
  const { user } = useSession();
  const canName = canNameClusters(user?.role ?? null);
  const [status, setStatus] = useState<UnknownClusterStatus | ''>('OPEN');
  const pages = useKeysetPages(PAGE_SIZE, status);
  const clusters = useUnknownClusters(status || null, pages.variables);
  const dismiss = useDismissUnknownCluster();
  const [naming, setNaming] = useState<UnknownCluster | null>(null);
  const [dismissing, setDismissing] = useState<UnknownCluster | null>(null);
  const [message, setMessage] = useState('');
  const nodes = clusters.data?.edges.map((edge) => edge.node) ?? [];

  return (
    <section aria-labelledby="unknown-title">
      <h1 id="unknown-title">Unknown people</h1>
      <CamerasNav />
      <p className="muted">
        Faces the cameras saw that matched nobody of their watchlists, grouped by likeness: one person seen
        again keeps the same label on every camera.{' '}
        {canName
          ? 'Name one to enroll its best faces, or dismiss it.'
          : 'Dismiss one that needs no attention.'}
      </p>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="unknown-status">Show</label>
          <select
            id="unknown-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as UnknownClusterStatus | '')}
          >
            <option value="OPEN">Open</option>
            <option value="NAMED">Named</option>
            <option value="DISMISSED">Dismissed</option>
            <option value="">All</option>
          </select>
        </div>
      </div>
      <p role="status" className="saved">
        {message}
      </p>
      <QueryStatus query={clusters} loading="Loading unknown people…" />
      {clusters.data && nodes.length === 0 && (
        <p className="panel">
          {status === 'OPEN' ? 'Nobody unknown waits for a decision.' : 'None.'} Unknown faces appear here
          when a camera sees someone it cannot match.
        </p>
      )}
      {nodes.length > 0 && (
        <ul className="faces cluster-grid" aria-label="Unknown people">
          {nodes.map((cluster) => (
            <li key={cluster.id} className="face-card" aria-label={cluster.label}>
              <ul className="cluster-crops" aria-label={`Best faces of ${cluster.label}`}>
                {(cluster.cropImageKeys ?? []).map((key, index) => (
                  <li key={key} className="face-frame">
                    <StoredFaceImage
                      imageKey={key}
                      box={null}
                      size={128}
                      label={`Face ${index + 1} of ${cluster.label}`}
                    />
                  </li>
                ))}
                {(cluster.cropImageKeys ?? []).length === 0 && (
                  <li className="muted small">No face crop kept.</li>
                )}
              </ul>
              <h2 className="sighting-who">
                {cluster.label}{' '}
                <span className={cluster.status === 'OPEN' ? 'badge badge-warn' : 'badge badge-muted'}>
                  {STATUS_LABEL[cluster.status]}
                </span>
              </h2>
              <p className="small">
                Seen {cluster.size} {cluster.size === 1 ? 'time' : 'times'}, last{' '}
                {formatDateTime(cluster.lastSeenAt)}
                <br />
                <span className="muted">First {formatDateTime(cluster.firstSeenAt)}</span>
                {cluster.identity && (
                  <>
                    <br />
                    Named: {cluster.identity.displayName}{' '}
                    <code className="muted">{cluster.identity.externalId}</code>
                  </>
                )}
              </p>
              {cluster.status === 'OPEN' && (
                <div className="actions">
                  {canName && (
                    <button type="button" className="button button-small" onClick={() => setNaming(cluster)}>
                      Name…<span className="visually-hidden"> {cluster.label}</span>
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    onClick={() => {
                      dismiss.reset();
                      setDismissing(cluster);
                    }}
                  >
                    Dismiss<span className="visually-hidden"> {cluster.label}</span>
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {clusters.data && (
        <KeysetPager pages={pages} pageInfo={clusters.data.pageInfo} isFetching={clusters.isFetching} />
      )}
      <NameClusterDialog
        cluster={naming}
        onClose={() => setNaming(null)}
        onNamed={(named) => {
          setMessage(describeNamed(named));
          setNaming(null);
        }}
      />
      <ConfirmDialog
        open={dismissing !== null}
        title={`Dismiss ${dismissing?.label ?? ''}?`}
        confirmLabel="Dismiss"
        pendingLabel="Dismissing…"
        isPending={dismiss.isPending}
        error={dismiss.error?.message ?? null}
        onCancel={() => setDismissing(null)}
        onConfirm={() =>
          dismissing &&
          dismiss.mutate(dismissing.id, {
            onSuccess: () => {
              setMessage(`Dismissed ${dismissing.label}.`);
              setDismissing(null);
            },
          })
        }
      >
        <p>Its sightings stay, but no new sighting joins it any more. It can no longer be named.</p>
      </ConfirmDialog>
    </section>
  );
}
