'use client';

// A gallery's webhooks (admins only): the list, "Add webhook" (its signing secret shown once, in a
// dialog with a copy button), each webhook's recent deliveries, and Delete after a confirmation.
import type { CreateWebhookMutation, WebhookFieldsFragment } from '@faceledger/schema/client';
import { useEffect, useRef, useState } from 'react';
import { formatDateTime } from '../lib/format';
import { useDeleteWebhook, useWebhooks } from '../queries/webhooks';
import { CodeBadges } from './check-list';
import { DataTable, RowButton, type DataColumn } from './data-table';
import { Dialog } from './dialog';
import { QueryStatus } from './query-status';
import { SecretOnce } from './secret-once';
import { ConfirmDialog } from './settings-confirm-dialog';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookForm } from './webhook-form';

/** How a receiver checks a delivery: one sentence, and where the API documentation says more. */
const VERIFY_HINT = (
  <>
    Check the <code>X-FaceLedger-Signature</code> of each delivery with this secret (HMAC-SHA256 of the
    timestamp header, a dot and the raw body), as <code>docs/API.md</code> shows under “Verifying a webhook”.
  </>
);

const COLUMNS: readonly DataColumn[] = [
  { label: 'URL' },
  { label: 'Events' },
  { label: 'Created' },
  { label: 'Actions', className: 'row-actions', hidden: true },
];

export function GalleryWebhooks({ galleryId }: { galleryId: string }) {
  const webhooks = useWebhooks(galleryId);
  const remove = useDeleteWebhook(galleryId);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreateWebhookMutation['createWebhook'] | null>(null);
  const [watching, setWatching] = useState<WebhookFieldsFragment | null>(null);
  const [deleting, setDeleting] = useState<WebhookFieldsFragment | null>(null);
  const [deletedUrl, setDeletedUrl] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  // The deleted webhook's row (and its Delete button) is gone: give the focus a place to land.
  useEffect(() => {
    if (deletedUrl) addButton.current?.focus();
  }, [deletedUrl]);

  const closeAdding = () => {
    setAdding(false);
    setCreated(null);
  };

  return (
    <section className="settings-section gallery-webhooks" aria-labelledby="gallery-webhooks-title">
      <div className="page-head">
        <h2 id="gallery-webhooks-title">Webhooks</h2>
        <button
          ref={addButton}
          type="button"
          className="button"
          onClick={() => {
            setCreated(null);
            setAdding(true);
          }}
        >
          Add webhook
        </button>
      </div>
      <p className="hint">
        FaceLedger POSTs this gallery&apos;s identify and verify decisions to these URLs as signed JSON,
        seconds after each call, and retries failed deliveries for about two and a half hours.
      </p>
      <p role="status" className="saved">
        {deletedUrl ? `Deleted the webhook to ${deletedUrl}.` : ''}
      </p>
      <QueryStatus query={webhooks} loading="Loading webhooks…" />
      {webhooks.data?.length === 0 && (
        <p className="panel">
          No webhook yet. Add one to have this gallery&apos;s match events sent to your endpoint.
        </p>
      )}
      {webhooks.data && webhooks.data.length > 0 && (
        <DataTable caption="Webhooks of this gallery" columns={COLUMNS} className="stack-on-phone">
          {webhooks.data.map((webhook) => (
            <tr key={webhook.id}>
              <th scope="row">
                <code className="webhook-url">{webhook.url}</code>
              </th>
              <td>
                <CodeBadges label="Events" codes={webhook.events} />
              </td>
              <td className="small nowrap">
                <span className="phone-only">Created </span>
                {formatDateTime(webhook.createdAt)}
              </td>
              <td className="row-actions">
                <div className="actions">
                  <RowButton
                    label="Deliveries"
                    about={`of ${webhook.url}`}
                    onClick={() => setWatching(webhook)}
                  />
                  <RowButton
                    label="Delete"
                    about={webhook.url}
                    danger
                    onClick={() => {
                      remove.reset();
                      setDeleting(webhook);
                    }}
                  />
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Dialog open={adding} title={created ? 'Your new webhook' : 'Add webhook'} onClose={closeAdding}>
        {created ? (
          <SecretOnce
            id="new-webhook-secret"
            label="Signing secret"
            hint={VERIFY_HINT}
            warning="It is shown only once. If it is lost, delete the webhook and add another."
            secret={created.secret}
            onDone={closeAdding}
          />
        ) : (
          <WebhookForm
            galleryId={galleryId}
            onCreated={(answer) => {
              setDeletedUrl(null);
              setCreated(answer);
            }}
            onCancel={closeAdding}
          />
        )}
      </Dialog>
      {watching && <WebhookDeliveries webhook={watching} onClose={() => setWatching(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the webhook to ${deleting?.url ?? ''}?`}
        confirmLabel="Delete webhook"
        pendingLabel="Deleting…"
        danger
        isPending={remove.isPending}
        error={remove.error?.message ?? null}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              setDeletedUrl(deleting.url);
              setDeleting(null);
            },
          })
        }
      >
        <p>
          <code>{deleting?.url}</code> receives no more events from this gallery, and its deliveries, pending
          ones included, are deleted. This cannot be undone; a new webhook gets a new secret.
        </p>
      </ConfirmDialog>
    </section>
  );
}
