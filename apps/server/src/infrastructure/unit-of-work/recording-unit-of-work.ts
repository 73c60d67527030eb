// For services' unit tests (repositories mocked): the real UnitOfWork over a fake transaction that
// records what committed. `entries` and `events` receive a transaction's ledger entries and events
// only when its work succeeded, as a rollback would drop them.
import type { NewAuditEntry } from '../../modules/audit/audit.repository.js';
import type { DomainEvent } from '../events/domain-events.js';
import { UnitOfWork, type Transaction } from './unit-of-work.js';

/** A UnitOfWork whose commits are recorded in memory; `tx` is what repositories receive as `tx.db`. */
export function recordingUnitOfWork(tx: Transaction = {} as Transaction): {
  uow: UnitOfWork;
  entries: NewAuditEntry[];
  events: DomainEvent[];
} {
  const entries: NewAuditEntry[] = [];
  const events: DomainEvent[] = [];
  let staged: NewAuditEntry[] = [];
  const prisma = {
    $transaction: async <T>(work: (client: Transaction) => Promise<T>): Promise<T> => {
      staged = [];
      const result = await work(tx);
      entries.push(...staged);
      return result;
    },
  };
  const ledger = {
    append: async (_tx: Transaction, entry: NewAuditEntry) => {
      staged.push(entry);
    },
  };
  const bus = {
    publish: async (published: readonly DomainEvent[]) => {
      events.push(...published);
    },
  };
  return { uow: new UnitOfWork(prisma as never, ledger, bus), entries, events };
}
