'use client';

// The galleries, and HR's home after sign-in (lib/access.ts HOME): each row offers the next step,
// "Enroll people" (its identities, one person at a time) and "Import" (many people from a CSV).
import Link from 'next/link';
import { canCreateGalleries, canEditGalleries, canWriteIdentities } from '../../lib/access';
import { formatRetention } from '../../lib/format';
import { modelName } from '../../lib/models';
import { useGalleries } from '../../queries/galleries';
import { useSession } from '../../queries/session';

export default function GalleriesPage() {
  const { user } = useSession();
  const { data, error, isPending } = useGalleries();
  const canEdit = canEditGalleries(user?.role ?? null);
  const canCreate = canCreateGalleries(user?.role ?? null);
  const canEnroll = canWriteIdentities(user?.role ?? null);

  return (
    <section aria-labelledby="galleries-title">
      <div className="page-head">
        <h1 id="galleries-title">Galleries</h1>
        {canCreate && (
          <Link href="/galleries/new" className="button">
            New gallery
          </Link>
        )}
      </div>
      <p className="muted">
        {canEnroll
          ? 'Enroll people into a gallery one at a time from their photos, or import many at once from a spreadsheet (CSV) and their photos. '
          : ''}
        Each gallery is searched on its own, with its own match threshold and retention.
      </p>
      {isPending && <p role="status">Loading galleries…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {data && data.length === 0 && (
        <p className="panel">
          No galleries yet.{' '}
          {canCreate ? <Link href="/galleries/new">Create the first gallery.</Link> : 'Ask an admin to create one.'}
        </p>
      )}
      {data && data.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Galleries</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Threshold
                </th>
                <th scope="col">Model</th>
                <th scope="col">Probe retention</th>
                <th scope="col" className="num">
                  Identities
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((gallery) => (
                <tr key={gallery.id} data-gallery-id={gallery.id}>
                  <th scope="row">
                    <Link href={`/identities?gallery=${gallery.id}`}>{gallery.name}</Link>
                    {gallery.description && <div className="muted small">{gallery.description}</div>}
                  </th>
                  <td className="num">{gallery.matchThreshold.toFixed(2)}</td>
                  <td>{modelName(gallery.embeddingModelId)}</td>
                  <td>{formatRetention(gallery.probeRetentionDays)}</td>
                  <td className="num">{gallery.identityCount}</td>
                  <td className="row-actions">
                    <div className="actions">
                      {canEnroll && (
                        <>
                          <Link
                            href={`/identities?gallery=${gallery.id}`}
                            className="button button-small"
                            aria-label={`Enroll people in ${gallery.name}`}
                          >
                            Enroll people
                          </Link>
                          <Link
                            href={`/imports?gallery=${gallery.id}`}
                            className="button button-small button-quiet"
                            aria-label={`Import people into ${gallery.name}`}
                          >
                            Import
                          </Link>
                        </>
                      )}
                      <Link href={`/galleries/${gallery.id}`} aria-label={`${canEdit ? 'Edit' : 'View'} ${gallery.name}`}>
                        {canEdit ? 'Edit' : 'Details'}
                      </Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
