'use client';

// Settings > API keys: integrators' credentials. A new key's secret is shown once, in a dialog with a
// copy button; later only its prefix. Revoking asks first and takes effect at once.
import type { ApiKeyFieldsFragment, ApiKeyScope } from '@faceledger/schema/client';
import { useState } from 'react';
import { formatDateTime } from '../lib/format';
import { useGalleries } from '../queries/galleries';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../queries/settings';
import { CheckList, CodeBadges } from './check-list';
import { Dialog } from './dialog';
import { Field } from './field';
import { FormActions } from './form-actions';
import { SecretOnce } from './secret-once';
import { ConfirmDialog } from './settings-confirm-dialog';

const SCOPES: ReadonlyArray<{ value: ApiKeyScope; hint: string }> = [
  { value: 'identify', hint: 'who is this? (1:N in a gallery)' },
  { value: 'verify', hint: 'is this the person? (1:1), compare two photos' },
  { value: 'detect', hint: 'find faces, quality and spoof scores' },
  { value: 'enroll', hint: 'create identities and enroll faces' },
  { value: 'read', hint: 'read galleries, identities and match events' },
];

function CreateKeyForm({
  onCreated,
  onCancel,
}: {
  onCreated: (secret: string, key: ApiKeyFieldsFragment) => void;
  onCancel: () => void;
}) {
  const galleries = useGalleries();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<ApiKeyScope>>(new Set(['identify']));
  const [galleryId, setGalleryId] = useState('');
  const [tried, setTried] = useState(false);
  const noScope = scopes.size === 0;
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (noScope || !name.trim()) return;
        create.mutate(
          {
            name: name.trim(),
            scopes: SCOPES.map((s) => s.value).filter((s) => scopes.has(s)),
            galleryId: galleryId || null,
          },
          { onSuccess: (created) => onCreated(created.secret, created.apiKey) },
        );
      }}
    >
      <Field id="new-key-name" label="Name" hint="Who uses it, such as “door controller, building B”.">
        <input
          id="new-key-name"
          required
          data-autofocus
          autoComplete="off"
          value={name}
          aria-describedby="new-key-name-hint"
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <CheckList
        id="new-key-scopes"
        legend="Scopes"
        options={SCOPES}
        selected={scopes}
        onChange={setScopes}
        error={tried && noScope ? 'Choose at least one scope.' : undefined}
      />
      <Field
        id="new-key-gallery"
        label="Gallery"
        hint="Limit the key to one gallery, or let it reach every gallery."
      >
        <select
          id="new-key-gallery"
          value={galleryId}
          aria-describedby="new-key-gallery-hint"
          onChange={(e) => setGalleryId(e.target.value)}
        >
          <option value="">Every gallery</option>
          {galleries.data?.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </Field>
      {galleries.error && <p className="error">{galleries.error.message}</p>}
      <FormActions mutation={create} submitLabel="Create key" pendingLabel="Creating…" onCancel={onCancel} />
    </form>
  );
}

export function SettingsApiKeys() {
  const keys = useApiKeys();
  const galleries = useGalleries();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ secret: string; apiKey: ApiKeyFieldsFragment } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyFieldsFragment | null>(null);
  const galleryName = (id: string) => galleries.data?.find((g) => g.id === id)?.name ?? id;

  return (
    <section className="settings-section" aria-labelledby="settings-keys-title">
      <div className="page-head">
        <h2 id="settings-keys-title">API keys</h2>
        <button
          type="button"
          className="button"
          onClick={() => {
            setCreated(null);
            setCreating(true);
          }}
        >
          New API key
        </button>
      </div>
      {keys.isPending && <p role="status">Loading API keys…</p>}
      {keys.error && (
        <p role="alert" className="error">
          {keys.error.message}
        </p>
      )}
      {keys.data?.length === 0 && <p className="panel">No API key yet. Integrators call the API with one.</p>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Gallery</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col" className="row-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id} className={key.revokedAt ? 'is-revoked' : undefined}>
                  <th scope="row">{key.name}</th>
                  <td>
                    <code>{key.prefix}_…</code>
                  </td>
                  <td>
                    <CodeBadges label="Scopes" codes={key.scopes} />
                  </td>
                  <td>
                    {key.galleryId ? (
                      galleryName(key.galleryId)
                    ) : (
                      <span className="muted">Every gallery</span>
                    )}
                  </td>
                  <td className="small">
                    {formatDateTime(key.createdAt)}
                    {key.createdBy && <div className="muted">by {key.createdBy.email}</div>}
                  </td>
                  <td className="small">
                    {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : <span className="muted">never</span>}
                  </td>
                  <td>
                    {key.revokedAt ? (
                      <span className="badge badge-bad" title={`Revoked ${formatDateTime(key.revokedAt)}`}>
                        Revoked
                      </span>
                    ) : (
                      <span className="badge badge-ok">Active</span>
                    )}
                    {key.revokedAt && <div className="muted small">{formatDateTime(key.revokedAt)}</div>}
                  </td>
                  <td className="row-actions">
                    {!key.revokedAt && (
                      <button
                        type="button"
                        className="button button-quiet button-small danger-text"
                        onClick={() => {
                          revoke.reset();
                          setRevoking(key);
                        }}
                      >
                        Revoke<span className="visually-hidden"> {key.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={creating}
        title={created ? 'Your new API key' : 'New API key'}
        onClose={() => {
          setCreating(false);
          setCreated(null);
        }}
      >
        {created ? (
          <SecretOnce
            id="new-key-secret"
            label={`Secret of “${created.apiKey.name}”`}
            hint="Send it as “Authorization: Bearer <secret>”."
            warning="It is shown only once: FaceLedger stores only its hash. If it is lost, revoke the key and create another."
            secret={created.secret}
            onDone={() => {
              setCreating(false);
              setCreated(null);
            }}
          />
        ) : (
          <CreateKeyForm
            onCreated={(secret, apiKey) => setCreated({ secret, apiKey })}
            onCancel={() => setCreating(false)}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? 'this key'}”?`}
        confirmLabel="Revoke key"
        pendingLabel="Revoking…"
        danger
        isPending={revoke.isPending}
        error={revoke.error?.message ?? null}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
      >
        <p>
          Requests with <code>{revoking?.prefix}_…</code> are refused from now on. This cannot be undone;
          integrators using it need a new key.
        </p>
      </ConfirmDialog>
    </section>
  );
}
