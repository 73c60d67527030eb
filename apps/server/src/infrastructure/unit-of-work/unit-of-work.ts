// The one way a service opens a write transaction. transaction() runs `work` in one Prisma
// interactive transaction and hands it a TransactionScope: `db` for the repositories, `audit()` to
// append the ledger entry (mandatory: a transaction that appended none is rolled back as a
// programming error, unless it says why with `unaudited`), and `publish()` for domain events, which
// are delivered only after the commit and dropped with a rollback.
import type { Prisma, PrismaClient } from '@faceledger/db';
import type { NewAuditEntry } from '../../modules/audit/audit.repository.js';
import type { DomainEvent } from '../events/domain-events.js';

/** The Prisma client of an open transaction: what repositories' write methods take. */
export type Transaction = Prisma.TransactionClient;

/**
 * How long a transaction may wait for a connection and then run. Prisma's defaults (2 s and 5 s)
 * fail bursts on PGlite, whose single connection makes transactions queue: 50 concurrent audited
 * writes take about 2 s there.
 */
export const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

/** What `work` gets inside the transaction. */
export interface TransactionScope {
  /** The transaction's client; pass it to repository methods that write. */
  readonly db: Transaction;
  /** Appends a ledger entry inside this transaction (the ledger lock is held until it ends). */
  audit(entry: NewAuditEntry): Promise<void>;
  /** Queues an event for delivery after the commit; a rollback drops it. */
  publish(event: DomainEvent): void;
}

/** Options of one transaction. */
export interface TransactionOptions {
  /**
   * Why this write appends no ledger entry (system maintenance such as a purge of expired rows).
   * Use sparingly: every mutation a person or key asks for is audited.
   */
  unaudited?: string;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

/** Appends ledger entries (AuditRepository). */
export interface LedgerAppender {
  append(tx: Transaction, entry: NewAuditEntry): Promise<unknown>;
}

/** Delivers committed events (DomainEventBus); never throws. */
export interface CommittedEventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** Thrown (and the transaction rolled back) when a write appended no ledger entry. */
export class UnauditedWriteError extends Error {
  override readonly name = 'UnauditedWriteError';
}

export class UnitOfWork {
  constructor(
    private readonly prisma: Pick<PrismaClient, '$transaction'>,
    private readonly ledger: LedgerAppender,
    private readonly events: CommittedEventPublisher,
  ) {}

  /**
   * Runs `work` in one transaction and returns its result after the commit, once the events it
   * published have reached their 'publisher' subscribers. Whatever `work` throws rolls it back.
   */
  async transaction<T>(
    work: (tx: TransactionScope) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    if (options.unaudited !== undefined && options.unaudited.trim() === '')
      throw new Error('unaudited needs the reason this write is not audited.');
    const pending: DomainEvent[] = [];
    const result = await this.prisma.$transaction(
      async (tx) => {
        let entries = 0;
        let open = true;
        const scope: TransactionScope = {
          db: tx,
          audit: async (entry) => {
            if (!open) throw new Error(`audit(${entry.action}) called after its transaction ended.`);
            await this.ledger.append(tx, entry);
            entries += 1;
          },
          publish: (event) => {
            if (!open) throw new Error(`publish(${event.type}) called after its transaction ended.`);
            pending.push(event);
          },
        };
        try {
          const value = await work(scope);
          if (entries === 0 && options.unaudited === undefined) {
            throw new UnauditedWriteError(
              'A write transaction appended no audit entry: call tx.audit(...) in it, or pass { unaudited: "<why>" } for system maintenance.',
            );
          }
          return value;
        } finally {
          open = false;
        }
      },
      {
        ...TRANSACTION_OPTIONS,
        ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
      },
    );
    if (pending.length > 0) await this.events.publish(pending);
    return result;
  }
}
