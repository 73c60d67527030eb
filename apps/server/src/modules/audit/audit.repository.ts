// Writes and reads the hash-chained audit ledger. append() runs inside the caller's transaction (the
// unit of work's tx.audit), so an action and its ledger entry are committed together or not at all.
// Reads page by seq (keyset), never by offset, so walking or exporting a large ledger costs one index
// range scan per batch.
import type { AuditEntry, Prisma, PrismaClient } from '@faceledger/db';
import type { ChainedAuditEntry } from './audit-chain.js';
import { gallerySubject, type AuditFilter } from './audit-filter.js';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.js';
import { canonicalJson, toStoredJson } from './canonical-json.js';
import { TRANSACTION_OPTIONS, type Transaction } from '../../infrastructure/unit-of-work/unit-of-work.js';

/** Serialises appends across connections and processes; any constant unique to this lock. */
const LEDGER_LOCK_KEY = 4_202_611;

/** The options of every ledger transaction: those of the unit of work (see TRANSACTION_OPTIONS). */
export const LEDGER_TRANSACTION_OPTIONS = TRANSACTION_OPTIONS;

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

export type { Transaction };

/** Which way a page of the ledger runs. */
export type SeqOrder = 'asc' | 'desc';

/** The row as stored, for readers. */
export type AuditEntryRow = AuditEntry;

/** One row in the form it is hashed and exported in (seq as a string, at as ISO-8601). */
export function toChainedEntry(row: AuditEntryRow): ChainedAuditEntry {
  return {
    seq: row.seq.toString(),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    payload: row.payload,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

function whereOf(filter: AuditFilter): Prisma.AuditEntryWhereInput {
  const where: Prisma.AuditEntryWhereInput = {};
  if (filter.from || filter.to) where.at = { gte: filter.from, lt: filter.to };
  if (filter.actor !== undefined) where.actor = filter.actor;
  if (filter.action !== undefined) where.action = filter.action;
  if (filter.subject !== undefined) where.subject = filter.subject;
  if (filter.galleryId !== undefined) {
    where.OR = [
      { subject: gallerySubject(filter.galleryId) },
      { payload: { path: ['galleryId'], equals: filter.galleryId } },
    ];
  }
  return where;
}

export class AuditRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Appends one entry inside `tx`; the ledger lock is held until that transaction ends. */
  async append(tx: Transaction, entry: NewAuditEntry): Promise<{ seq: bigint; hash: string }> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`;
    const last = await tx.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    const seq = (last?.seq ?? 0n) + 1n;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const at = new Date();
    // Hash exactly what the row will hold: the stored form, written as its canonical text.
    const payload = toStoredJson(entry.payload);
    const hash = hashAuditEntry(prevHash, {
      seq: seq.toString(),
      at: at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      payload,
    });
    await tx.$executeRaw`
      INSERT INTO audit_entries (seq, at, actor, action, subject, payload, prev_hash, hash)
      VALUES (${seq}, ${at}, ${entry.actor}, ${entry.action}, ${entry.subject},
              ${canonicalJson(payload)}::jsonb, ${prevHash}, ${hash})`;
    return { seq, hash };
  }

  /** Up to `limit` entries matching `filter`, strictly after `afterSeq` in `order`, at most `throughSeq`. */
  async findBatch(options: {
    filter?: AuditFilter;
    afterSeq?: bigint | undefined;
    throughSeq?: bigint | undefined;
    order?: SeqOrder;
    limit: number;
  }): Promise<AuditEntryRow[]> {
    const order = options.order ?? 'asc';
    const seq: Prisma.BigIntFilter = {};
    if (options.afterSeq !== undefined) seq[order === 'asc' ? 'gt' : 'lt'] = options.afterSeq;
    if (options.throughSeq !== undefined) seq.lte = options.throughSeq;
    return this.prisma.auditEntry.findMany({
      where: { ...whereOf(options.filter ?? {}), seq },
      orderBy: { seq: order },
      take: options.limit,
    });
  }

  /** Entries matching `filter`. */
  async count(filter: AuditFilter): Promise<number> {
    return this.prisma.auditEntry.count({ where: whereOf(filter) });
  }

  /** The last entry of the ledger, or null when it is empty. */
  async findHead(): Promise<{ seq: bigint; hash: string } | null> {
    return this.prisma.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  }

  /** Appends one entry in its own transaction (for actions that change nothing else, such as an export). */
  async appendAlone(entry: NewAuditEntry): Promise<{ seq: bigint; hash: string }> {
    return this.prisma.$transaction((tx) => this.append(tx, entry), LEDGER_TRANSACTION_OPTIONS);
  }
}
