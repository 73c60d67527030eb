'use client';

import type { IdentityStatus } from '@faceledger/schema/client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import { Dialog } from '../../components/dialog';
import { IdentityForm } from '../../components/identity-form';
import { KeysetPager, useKeysetPages } from '../../components/keyset-pager';
import { StatusBadge } from '../../components/status-badge';
import { TemplateStrengthBadge } from '../../components/template-strength';
import { canWriteIdentities } from '../../lib/access';
import { focusWhenShown } from '../../lib/focus';
import { formatDateTime } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { useGalleries } from '../../queries/galleries';
import { useCreateIdentity, useIdentities } from '../../queries/identities';
import { useSession } from '../../queries/session';
import { DuplicateExternalIdLink, withReadableConflict } from './duplicate-external-id';

const PAGE_SIZE = 20;

const STATUS_OPTIONS: Array<{ value: '' | IdentityStatus; label: string }> = [
  { value: '', label: 'Active and suspended' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'SUSPENDED', label: 'Suspended' },
  { value: 'ERASED', label: 'Erased (tombstones)' },
];

function IdentitiesList() {
  const router = useRouter();
  const params = useSearchParams();
  const { user } = useSession();
  const canWrite = canWriteIdentities(user?.role ?? null);
  const galleries = useGalleries();
  const galleryId = params.get('gallery') ?? galleries.data?.[0]?.id ?? '';
  const gallery = galleries.data?.find((g) => g.id === galleryId);

  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'' | IdentityStatus>('');
  const [creating, setCreating] = useState(false);
  const debouncedSearch = useDebounced(search.trim(), 300);
  const pages = useKeysetPages(PAGE_SIZE, JSON.stringify([debouncedSearch, status, galleryId]));

  const variables = {
    galleryId,
    search: debouncedSearch || null,
    status: status || null,
    ...pages.variables,
  };
  const identities = useIdentities(variables);
  const create = useCreateIdentity();
  const page = pages.page;
  const connection = identities.data;

  function chooseGallery(id: string) {
    router.replace(`/identities?gallery=${encodeURIComponent(id)}`);
  }

  return (
    <section aria-labelledby="identities-title">
      <div className="page-head">
        <h1 id="identities-title">Identities</h1>
        {canWrite && gallery && (
          <button type="button" className="button" onClick={() => {
              create.reset();
              setCreating(true);
            }}>
            New identity
          </button>
        )}
      </div>
      {galleries.isPending && <p role="status">Loading galleries…</p>}
      {galleries.error && (
        <p role="alert" className="error">
          {galleries.error.message}
        </p>
      )}
      {galleries.data && galleries.data.length === 0 && (
        <p className="panel">
          There are no galleries yet. <Link href="/galleries">Create a gallery</Link> first; identities live in one.
        </p>
      )}
      {galleries.data && galleries.data.length > 0 && (
        <>
          <div className="toolbar" role="search" aria-label="Find identities">
            <div className="field">
              <label htmlFor="identities-gallery">Gallery</label>
              <select id="identities-gallery" value={galleryId} onChange={(e) => chooseGallery(e.target.value)}>
                {galleries.data.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name} ({g.identityCount})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="identities-search">Search name or external ID</label>
              <input
                id="identities-search"
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="e.g. Ada or E-1024"
                autoComplete="off"
              />
            </div>
            <div className="field">
              <label htmlFor="identities-status">Status</label>
              <select
                id="identities-status"
                value={status}
                onChange={(e) => setStatus(e.target.value as '' | IdentityStatus)}
              >
                {STATUS_OPTIONS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p role="status" className="muted">
            {identities.isFetching
              ? 'Loading identities…'
              : connection
                ? `${connection.totalCount} ${connection.totalCount === 1 ? 'identity' : 'identities'}${debouncedSearch ? ` matching “${debouncedSearch}”` : ''}.`
                : ''}
          </p>
          {identities.error && (
            <p role="alert" className="error">
              {identities.error.message}
            </p>
          )}
          {connection && connection.edges.length === 0 && !identities.isFetching && (
            <p className="panel">
              {debouncedSearch || status
                ? 'No identity matches these filters.'
                : canWrite
                  ? 'This gallery has no identities yet. Use “New identity” to add the first.'
                  : 'This gallery has no identities yet.'}
            </p>
          )}
          {connection && connection.edges.length > 0 && (
            <div className="table-wrap">
              <table aria-busy={identities.isFetching}>
                <caption className="visually-hidden">
                  Identities of {gallery?.name}, page {page}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">External ID</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Faces
                    </th>
                    <th scope="col">Photos</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {connection.edges.map(({ node }) => (
                    <tr key={node.id}>
                      <th scope="row">
                        <Link href={`/identities/${node.id}`}>{node.displayName}</Link>
                      </th>
                      <td>
                        <code>{node.externalId}</code>
                      </td>
                      <td>
                        <StatusBadge status={node.status} />
                      </td>
                      <td className="num">{node.faceCount}</td>
                      <td>
                        <TemplateStrengthBadge strength={node.templateStrength} />
                      </td>
                      <td className="small">{formatDateTime(node.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {connection && (
            <KeysetPager pages={pages} pageInfo={connection.pageInfo} isFetching={identities.isFetching} />
          )}
        </>
      )}
      <Dialog open={creating} title={`New identity in ${gallery?.name ?? 'the gallery'}`} onClose={() => setCreating(false)}>
        <DuplicateExternalIdLink error={create.error} />
        <IdentityForm
          withMetadata={false}
          submitLabel="Create identity"
          pendingLabel="Creating…"
          isPending={create.isPending}
          error={withReadableConflict(create.error)}
          onCancel={() => setCreating(false)}
          onSubmit={(values) =>
            create.mutate(
              {
                galleryId,
                displayName: values.displayName,
                externalId: values.externalId,
                consentGivenAt: values.consentGivenAt,
                consentGivenBy: values.consentGivenBy,
              },
              {
                onSuccess: (identity) => {
                  // The dialog and its opener go with this page: focus the new person's heading.
                  focusWhenShown('#identity-title');
                  router.push(`/identities/${identity.id}`);
                },
              },
            )
          }
        />
      </Dialog>
    </section>
  );
}

export default function IdentitiesPage() {
  return (
    <Suspense fallback={<p role="status">Loading…</p>}>
      <IdentitiesList />
    </Suspense>
  );
}
