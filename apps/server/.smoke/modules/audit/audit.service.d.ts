import { type Logger } from 'pino';
import { z } from 'zod';
import { type Actor } from '../auth/actor.js';
import { type PageArgs, type PageInfo } from '../../shared/relay-pagination.js';
import { type ChainedAuditEntry } from './audit-chain.js';
import { type AuditExportFormat } from './audit-export-format.js';
import { type AuditFilter } from './audit-filter.js';
import { type AuditRepository, type SeqOrder } from './audit.repository.js';
/** Filter fields as they arrive from GraphQL or a query string (times as ISO-8601 strings). */
export declare const auditFilterInputSchema: z.ZodObject<{
    from: z.ZodOptional<z.ZodNullable<z.ZodISODateTime>>;
    to: z.ZodOptional<z.ZodNullable<z.ZodISODateTime>>;
    actor: z.ZodOptional<z.ZodNullable<z.ZodString>>;
    action: z.ZodOptional<z.ZodNullable<z.ZodString>>;
    subject: z.ZodOptional<z.ZodNullable<z.ZodString>>;
    galleryId: z.ZodOptional<z.ZodNullable<z.ZodString>>;
}, z.core.$strip>;
export type AuditFilterInput = z.input<typeof auditFilterInputSchema>;
/** A page of auditLog. */
export interface AuditEntryPage {
    edges: Array<{
        node: ChainedAuditEntry;
        cursor: string;
    }>;
    pageInfo: PageInfo;
    totalCount: number;
}
/** What verifyAuditChain answers. */
export interface AuditChainReport {
    ok: boolean;
    checked: number;
    firstBrokenSeq: string | null;
    reason: string | null;
    headSeq: string | null;
    headHash: string | null;
}
/** An export ready to stream: the file's chunks, ending with the manifest. */
export interface AuditExport {
    contentType: string;
    filename: string;
    chunks: AsyncIterable<string>;
}
/** Tuning; tests shrink the batch to cross batch boundaries with few rows. */
export interface AuditServiceOptions {
    /** Rows per database round trip when walking or exporting the ledger. */
    batchSize?: number;
    now?: () => Date;
    logger?: Logger;
}
/** Validates filter input and converts its times; throws BAD_INPUT naming the field. */
export declare function parseAuditFilter(input: AuditFilterInput | null | undefined): AuditFilter;
export declare class AuditService {
    private readonly repository;
    private readonly batchSize;
    private readonly now;
    private readonly logger;
    constructor(repository: AuditRepository, options?: AuditServiceOptions);
    /** One page of the ledger; totalCount costs a count query, so it is only run when asked for. */
    listEntries(actor: Actor, args: PageArgs & {
        filter?: AuditFilter;
        order?: SeqOrder;
        withTotalCount?: boolean;
    }): Promise<AuditEntryPage>;
    /** Walks the ledger from seq 1 to the head as it was when the walk began, in batches. */
    verifyChain(actor: Actor): Promise<AuditChainReport>;
    private report;
    /**
     * Records the export in the ledger, then returns the file as a stream of chunks: the rows
     * matching `filter` up to and including that export entry, then the manifest.
     */
    startExport(actor: Actor, request: {
        format: AuditExportFormat;
        filter: AuditFilter;
    }): Promise<AuditExport>;
    /** Passes the chunks through, logging whether the export was sent whole or abandoned. */
    private logged;
    /** Rows matching `filter` with seq <= throughSeq, ascending, one batch per query. */
    private batches;
}
