// Canonical JSON for hashing: object keys sorted at every depth, no whitespace, so the same entry
// always hashes the same on any machine (the exported log is re-hashed offline by `audit verify`).
import { toStorableText } from '../../shared/unstorable-text.js';

/** Serialises `value` with sorted keys; undefined members are dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * `value` as the ledger stores it and reads it back: the JSON of canonicalJson parsed again, with
 * lone surrogates and NUL (which PostgreSQL's jsonb refuses) replaced by U+FFFD. Hashing this and
 * writing exactly canonicalJson of it makes the stored row re-hash to the same value on both
 * databases (Prisma's own Json write keeps only 16 significant digits of a number).
 */
export function toStoredJson(value: unknown): unknown {
  return storable(JSON.parse(canonicalJson(value)) as unknown);
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(storable);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), storable(v)]));
}
