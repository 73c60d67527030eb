// Which ledger entries a listing or an export covers. The same rule runs as a database query
// (audit.repository.ts) and in memory (export-verifier.ts), so an offline check of a filtered
// export can confirm that every row it holds really matches the filter it claims.
import { parseStorableDate } from '../../shared/date-input.js';

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
export function gallerySubject(galleryId: string): string {
  return `gallery:${galleryId}`;
}

/** True when `entry` concerns `galleryId`: it is the subject, or payload.galleryId names it. */
export function isAboutGallery(
  entry: Pick<FilterableAuditEntry, 'subject' | 'payload'>,
  galleryId: string,
): boolean {
  if (entry.subject === gallerySubject(galleryId)) return true;
  const { payload } = entry;
  return (
    payload !== null &&
    typeof payload === 'object' &&
    !Array.isArray(payload) &&
    (payload as Record<string, unknown>).galleryId === galleryId
  );
}

/** True when `entry` satisfies every field of `filter`. */
export function matchesAuditFilter(entry: FilterableAuditEntry, filter: AuditFilter): boolean {
  const time = entry.at.getTime();
  if (filter.from && time < filter.from.getTime()) return false;
  if (filter.to && time >= filter.to.getTime()) return false;
  if (filter.actor !== undefined && entry.actor !== filter.actor) return false;
  if (filter.action !== undefined && entry.action !== filter.action) return false;
  if (filter.subject !== undefined && entry.subject !== filter.subject) return false;
  if (filter.galleryId !== undefined && !isAboutGallery(entry, filter.galleryId)) return false;
  return true;
}

/** True when the filter narrows nothing, so a listing or export covers the whole ledger. */
export function isEmptyAuditFilter(filter: AuditFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

/** The filter as plain JSON (ISO-8601 times, absent fields omitted), for a manifest or a payload. */
export function auditFilterToJson(filter: AuditFilter): Record<string, string> {
  const json: Record<string, string> = {};
  if (filter.from) json.from = filter.from.toISOString();
  if (filter.to) json.to = filter.to.toISOString();
  for (const key of ['actor', 'action', 'subject', 'galleryId'] as const) {
    const value = filter[key];
    if (value !== undefined) json[key] = value;
  }
  return json;
}

/** The inverse of auditFilterToJson; throws on a malformed value. */
export function auditFilterFromJson(json: unknown): AuditFilter {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new Error('filter is not an object');
  const record = json as Record<string, unknown>;
  const filter: AuditFilter = {};
  for (const key of ['from', 'to'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    const date = typeof value === 'string' ? parseStorableDate(value) : null;
    if (date === null) throw new Error(`filter.${key} is not an ISO-8601 time between the years 0001 and 9999`);
    filter[key] = date;
  }
  for (const key of ['actor', 'action', 'subject', 'galleryId'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`filter.${key} is not a string`);
    filter[key] = value;
  }
  return filter;
}
