// An identity's lifecycle status as a coloured badge.
import type { IdentityStatus } from '@faceledger/schema/client';

const LABEL: Record<IdentityStatus, string> = { ACTIVE: 'Active', SUSPENDED: 'Suspended', ERASED: 'Erased' };

export function StatusBadge({ status }: { status: IdentityStatus }) {
  return <span className={`badge status-${status}`}>{LABEL[status]}</span>;
}
