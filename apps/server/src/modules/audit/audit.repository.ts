// Writes and reads the hash-chained audit ledger. append() runs inside the caller's transaction, so
// an action and its ledger entry are committed together or not at all.
import type { Prisma, PrismaClient } from '@faceledger/db';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.js';

/** Serialises appends across connections and processes; any constant unique to this lock. */
const LEDGER_LOCK_KEY = 4_202_611;

/** What a caller records; seq, time and hashes are filled in here. */
export interface NewAuditEntry {
  /** actorRef(actor): "user:<id>", "key:<id>", "system" or "anonymous". */
  actor: string;
  /** Dotted verb, such as "gallery.create" or "auth.signIn". */
  action: string;
  /** "<type>:<id>" of what the action touched. */
  subject: string;
  /** Facts about the action; never images, embeddings or secrets. */
  payload: Record<string, unknown>;
}

export type Transaction = Prisma.TransactionClient;

export class AuditRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Appends one entry inside `tx`; the ledger lock is held until that transaction ends. */
  async append(tx: Transaction, entry: NewAuditEntry): Promise<{ seq: bigint; hash: string }> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`;
    const last = await tx.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    const seq = (last?.seq ?? 0n) + 1n;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const at = new Date();
    const payload = JSON.parse(JSON.stringify(entry.payload)) as Prisma.InputJsonValue;
    const hash = hashAuditEntry(prevHash, {
      seq: seq.toString(),
      at: at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      payload,
    });
    await tx.auditEntry.create({
      data: { seq, at, actor: entry.actor, action: entry.action, subject: entry.subject, payload, prevHash, hash },
    });
    return { seq, hash };
  }

  /** Runs `work` and appends the entry it returns, in one transaction. */
  async withEntry<T>(work: (tx: Transaction) => Promise<{ result: T; audit: NewAuditEntry }>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      const { result, audit } = await work(tx);
      await this.append(tx, audit);
      return result;
    });
  }
}
