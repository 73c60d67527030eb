// A status as a coloured badge: an identity's lifecycle, or a webhook delivery's progress.
import type { IdentityStatus, WebhookDeliveryStatus } from '@faceledger/schema/client';

const BADGES: Record<IdentityStatus | WebhookDeliveryStatus, { label: string; className: string }> = {
  ACTIVE: { label: 'Active', className: 'status-ACTIVE' },
  SUSPENDED: { label: 'Suspended', className: 'status-SUSPENDED' },
  ERASED: { label: 'Erased', className: 'status-ERASED' },
  PENDING: { label: 'Pending', className: 'badge-warn' },
  SUCCEEDED: { label: 'Succeeded', className: 'badge-ok' },
  FAILED: { label: 'Failed', className: 'badge-bad' },
};

export function StatusBadge({ status }: { status: IdentityStatus | WebhookDeliveryStatus }) {
  const { label, className } = BADGES[status];
  return <span className={`badge ${className}`}>{label}</span>;
}
