'use client';

// A webhook's latest deliveries in a dialog, read again every few seconds while it is open: status,
// attempts, the receiver's last answer (or why there was none) and when the next attempt is due or
// the delivery arrived.
import type { WebhookDeliveryFieldsFragment, WebhookFieldsFragment } from '@faceledger/schema/client';
import { formatDateTime } from '../lib/format';
import { DELIVERIES_SHOWN, useWebhookDeliveries } from '../queries/webhooks';
import { DataTable, type DataColumn } from './data-table';
import { Dialog } from './dialog';
import { QueryStatus } from './query-status';
import { StatusBadge } from './status-badge';

/** What the receiver last answered: its HTTP status, or why there was no answer. */
function lastAnswer(delivery: WebhookDeliveryFieldsFragment): string {
  if (delivery.attempts === 0) return 'not sent yet';
  if (delivery.lastStatusCode !== null) return `HTTP ${delivery.lastStatusCode}`;
  return delivery.lastError ?? 'no answer';
}

/** When the delivery arrived, or when it is tried next, or that no more attempts are made. */
function timing(delivery: WebhookDeliveryFieldsFragment): string {
  switch (delivery.status) {
    case 'SUCCEEDED':
      return `Delivered ${formatDateTime(delivery.deliveredAt)}`;
    case 'PENDING':
      return `Next attempt ${formatDateTime(delivery.nextAttemptAt)}`;
    case 'FAILED':
      return `Gave up ${formatDateTime(delivery.lastAttemptAt)}`;
  }
}

const COLUMNS: readonly DataColumn[] = [
  { label: 'Event' },
  { label: 'Status' },
  { label: 'Attempts', className: 'num' },
  { label: 'Last answer' },
];

export function WebhookDeliveries({
  webhook,
  onClose,
}: {
  webhook: WebhookFieldsFragment;
  onClose: () => void;
}) {
  const deliveries = useWebhookDeliveries(webhook.id);
  return (
    <Dialog open title="Webhook deliveries" onClose={onClose}>
      <p className="small">
        The latest {DELIVERIES_SHOWN} events sent to <code>{webhook.url}</code>, newest first; refreshed every
        few seconds.
      </p>
      <QueryStatus query={deliveries} loading="Loading deliveries…" />
      {deliveries.data?.length === 0 && (
        <p className="panel">
          No delivery yet. Each identify or verify call of this gallery that decides{' '}
          {webhook.events.join(', ')} will appear here within seconds, with its status, attempts and the
          receiver&apos;s answer.
        </p>
      )}
      {deliveries.data && deliveries.data.length > 0 && (
        <DataTable
          caption="Deliveries, newest first"
          columns={COLUMNS}
          className="deliveries-table stack-on-phone"
        >
          {deliveries.data.map((delivery) => (
            <tr key={delivery.id}>
              <th scope="row" className="small">
                <code>{delivery.event}</code>
                <div className="muted">{formatDateTime(delivery.createdAt)}</div>
              </th>
              <td>
                <StatusBadge status={delivery.status} />
                <div className="muted small">{timing(delivery)}</div>
              </td>
              <td className="num nowrap">
                {delivery.attempts === 1 ? '1 attempt' : `${delivery.attempts} attempts`}
              </td>
              <td className="small">{lastAnswer(delivery)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <div className="actions">
        <button type="button" className="button button-quiet" data-autofocus onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
