import type { ChainedAuditEntry } from './audit-chain.js';
/** The encodings an export can be downloaded in. */
export declare const AUDIT_EXPORT_FORMATS: readonly ["ndjson", "csv"];
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];
/** CSV columns, in order; also the NDJSON keys of a row. */
export declare const AUDIT_EXPORT_COLUMNS: readonly ["seq", "at", "actor", "action", "subject", "payload", "prevHash", "hash"];
/** Starts the CSV manifest line; data records start with a digit, so it cannot be mistaken for one. */
export declare const CSV_MANIFEST_PREFIX = "# faceledger-audit-manifest ";
/** Names the kind of file, so a verifier refuses anything else. */
export declare const AUDIT_EXPORT_KIND = "faceledger-audit-export";
/** The last line of every export: what it holds and how to check it offline. */
export interface AuditExportManifest {
    kind: typeof AUDIT_EXPORT_KIND;
    version: 1;
    format: AuditExportFormat;
    exportedAt: string;
    /** actorRef of whoever exported. */
    exportedBy: string;
    /** seq of the 'audit.export' ledger entry that recorded this export. */
    exportSeq: string;
    /** The ledger head when the export began (the export entry itself); no row lies beyond it. */
    throughSeq: string;
    /** The filter as given (ISO-8601 times; from inclusive, to exclusive); {} for a full export. */
    filter: Record<string, string>;
    /** True when the filter is empty: the rows are the whole chain from seq 1 through throughSeq. */
    complete: boolean;
    count: number;
    first: {
        seq: string;
        prevHash: string;
        hash: string;
    } | null;
    last: {
        seq: string;
        hash: string;
    } | null;
    /** sha256 (hex) over every byte of the file before the manifest line. */
    digest: {
        algorithm: 'sha256';
        value: string;
    };
}
/** What the writer needs besides the rows; count, first, last and digest it works out. */
export type AuditExportHeader = Omit<AuditExportManifest, 'kind' | 'version' | 'format' | 'count' | 'first' | 'last' | 'digest'>;
/** The MIME type of each format. */
export declare const AUDIT_EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string>;
/** One NDJSON row line (without the newline). */
export declare function formatNdjsonRow(entry: ChainedAuditEntry): string;
/** The manifest line, newline included. */
export declare function formatManifestLine(manifest: AuditExportManifest): string;
/**
 * Turns batches of rows (ascending seq) into the chunks of an export file, ending with the
 * manifest. Holds one batch at a time.
 */
export declare function writeAuditExport(format: AuditExportFormat, batches: AsyncIterable<ChainedAuditEntry[]>, header: AuditExportHeader): AsyncGenerator<string>;
