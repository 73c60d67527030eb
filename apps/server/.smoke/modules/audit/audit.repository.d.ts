import type { AuditEntry, Prisma, PrismaClient } from '@faceledger/db';
import type { ChainedAuditEntry } from './audit-chain.js';
import { type AuditFilter } from './audit-filter.js';
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
/** Which way a page of the ledger runs. */
export type SeqOrder = 'asc' | 'desc';
/** The row as stored, for readers. */
export type AuditEntryRow = AuditEntry;
/** One row in the form it is hashed and exported in (seq as a string, at as ISO-8601). */
export declare function toChainedEntry(row: AuditEntryRow): ChainedAuditEntry;
export declare class AuditRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    /** Appends one entry inside `tx`; the ledger lock is held until that transaction ends. */
    append(tx: Transaction, entry: NewAuditEntry): Promise<{
        seq: bigint;
        hash: string;
    }>;
    /** Runs `work` and appends the entry it returns, in one transaction. */
    withEntry<T>(work: (tx: Transaction) => Promise<{
        result: T;
        audit: NewAuditEntry;
    }>): Promise<T>;
    /** Up to `limit` entries matching `filter`, strictly after `afterSeq` in `order`, at most `throughSeq`. */
    findBatch(options: {
        filter?: AuditFilter;
        afterSeq?: bigint | undefined;
        throughSeq?: bigint | undefined;
        order?: SeqOrder;
        limit: number;
    }): Promise<AuditEntryRow[]>;
    /** Entries matching `filter`. */
    count(filter: AuditFilter): Promise<number>;
    /** The last entry of the ledger, or null when it is empty. */
    findHead(): Promise<{
        seq: bigint;
        hash: string;
    } | null>;
    /** Appends one entry in its own transaction (for actions that change nothing else, such as an export). */
    appendAlone(entry: NewAuditEntry): Promise<{
        seq: bigint;
        hash: string;
    }>;
}
