/** prevHash of the first entry. */
export declare const GENESIS_HASH: string;
/** The hashed content of one ledger entry (seq as a decimal string, at as ISO-8601 with ms). */
export interface AuditEntryContent {
    seq: string;
    at: string;
    actor: string;
    action: string;
    subject: string;
    payload: unknown;
}
export declare function hashAuditEntry(prevHash: string, entry: AuditEntryContent): string;
