'use client';

import Link from 'next/link';
import { canCreateGalleries, canEditGalleries } from '../../lib/access';
import { formatRetention } from '../../lib/format';
import { useGalleries } from '../../queries/galleries';
import { useSession } from '../../queries/session';

export default function GalleriesPage() {
  const { user } = useSession();
  const { data, error, isPending } = useGalleries();
  const canEdit = canEditGalleries(user?.role ?? null);
  const canCreate = canCreateGalleries(user?.role ?? null);

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
      <p className="muted">Each gallery is searched on its own, with its own match threshold, model and retention.</p>
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
                <tr key={gallery.id}>
                  <th scope="row">
                    <Link href={`/identities?gallery=${gallery.id}`}>{gallery.name}</Link>
                    {gallery.description && <div className="muted small">{gallery.description}</div>}
                  </th>
                  <td className="num">{gallery.matchThreshold.toFixed(2)}</td>
                  <td>
                    <code>{gallery.embeddingModelId}</code>
                  </td>
                  <td>{formatRetention(gallery.probeRetentionDays)}</td>
                  <td className="num">{gallery.identityCount}</td>
                  <td className="row-actions">
                    <Link href={`/galleries/${gallery.id}`} aria-label={`${canEdit ? 'Edit' : 'View'} ${gallery.name}`}>
                      {canEdit ? 'Edit' : 'Details'}
                    </Link>
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
