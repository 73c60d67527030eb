import { type AuditExportFormat, type AuditExportManifest } from './audit-export-format.js';
/** The outcome of checking one export file. */
export type ExportVerification = {
    ok: true;
    format: AuditExportFormat;
    count: number;
    complete: boolean;
    first: AuditExportManifest['first'];
    last: AuditExportManifest['last'];
    manifest: AuditExportManifest;
} | {
    ok: false;
    /** 1-based line of the file where the first problem is (the manifest's line for file-level problems). */
    line: number;
    /** The seq of the row at fault, when the problem is a row. */
    seq?: string;
    problem: string;
};
/** Produces the file's lines (without their "\n") from the start, each time it is called. */
export type ExportLineSource = () => AsyncIterable<string> | Iterable<string>;
/** Verifies an export; never throws for a bad file, only reports its first problem. */
export declare function verifyAuditExport(source: ExportLineSource): Promise<ExportVerification>;
/** Splits a byte or text stream on "\n" only (a "\r" stays part of its line, so it changes the digest). */
export declare function splitLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string>;
