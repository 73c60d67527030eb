/** A narrowing of the ledger; every field present must hold. */
export interface AuditFilter {
    /** Entries at or after this instant. */
    from?: Date | undefined;
    /** Entries strictly before this instant. */
    to?: Date | undefined;
    /** An exact actor reference ("user:<id>", "key:<id>", "system", "anonymous"). */
    actor?: string | undefined;
    /** An exact action ("identity.create"). */
    action?: string | undefined;
    /** An exact subject ("identity:<id>"). */
    subject?: string | undefined;
    /** Entries about a gallery: subject "gallery:<id>", or payload.galleryId equal to the id. */
    galleryId?: string | undefined;
}
/** The part of an entry a filter looks at. */
export interface FilterableAuditEntry {
    at: Date;
    actor: string;
    action: string;
    subject: string;
    payload: unknown;
}
/** The subject an entry about a gallery itself carries. */
export declare function gallerySubject(galleryId: string): string;
/** True when `entry` concerns `galleryId`: it is the subject, or payload.galleryId names it. */
export declare function isAboutGallery(entry: Pick<FilterableAuditEntry, 'subject' | 'payload'>, galleryId: string): boolean;
/** True when `entry` satisfies every field of `filter`. */
export declare function matchesAuditFilter(entry: FilterableAuditEntry, filter: AuditFilter): boolean;
/** True when the filter narrows nothing, so a listing or export covers the whole ledger. */
export declare function isEmptyAuditFilter(filter: AuditFilter): boolean;
/** The filter as plain JSON (ISO-8601 times, absent fields omitted), for a manifest or a payload. */
export declare function auditFilterToJson(filter: AuditFilter): Record<string, string>;
/** The inverse of auditFilterToJson; throws on a malformed value. */
export declare function auditFilterFromJson(json: unknown): AuditFilter;
