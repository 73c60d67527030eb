// The export file format, shared by the writer (GET /api/audit/export) and the offline verifier.
//
// A file is the ledger rows in ascending seq, then one manifest line:
//   ndjson: one JSON object per row {seq, at, actor, action, subject, payload, prevHash, hash},
//           then {"manifest": {...}}
//   csv:    a header row (AUDIT_EXPORT_COLUMNS), one record per row (payload as canonical JSON),
//           then the comment line "# faceledger-audit-manifest {...}" (skip it with comment: '#')
// The manifest's digest is sha256 over every byte before the manifest line, so
// `head -n -1 FILE | sha256sum` reproduces it.
import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { ChainedAuditEntry } from './audit-chain.js';
import { canonicalJson } from './canonical-json.js';

/** The encodings an export can be downloaded in. */
export const AUDIT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** CSV columns, in order; also the NDJSON keys of a row. */
export const AUDIT_EXPORT_COLUMNS = [
  'seq',
  'at',
  'actor',
  'action',
  'subject',
  'payload',
  'prevHash',
  'hash',
] as const;

/** Starts the CSV manifest line; data records start with a digit, so it cannot be mistaken for one. */
export const CSV_MANIFEST_PREFIX = '# faceledger-audit-manifest ';

/** Names the kind of file, so a verifier refuses anything else. */
export const AUDIT_EXPORT_KIND = 'faceledger-audit-export';

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
  first: { seq: string; prevHash: string; hash: string } | null;
  last: { seq: string; hash: string } | null;
  /** sha256 (hex) over every byte of the file before the manifest line. */
  digest: { algorithm: 'sha256'; value: string };
}

/** What the writer needs besides the rows; count, first, last and digest it works out. */
export type AuditExportHeader = Omit<
  AuditExportManifest,
  'kind' | 'version' | 'format' | 'count' | 'first' | 'last' | 'digest'
>;

/** The MIME type of each format. */
export const AUDIT_EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** One NDJSON row line (without the newline). */
export function formatNdjsonRow(entry: ChainedAuditEntry): string {
  return JSON.stringify({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    payload: entry.payload,
    prevHash: entry.prevHash,
    hash: entry.hash,
  });
}

function csvRecords(records: string[][]): string {
  return stringify(records, { record_delimiter: '\n', quoted_match: /^[#=+\-@]/ });
}

/** The manifest line, newline included. */
export function formatManifestLine(manifest: AuditExportManifest): string {
  return manifest.format === 'csv'
    ? `${CSV_MANIFEST_PREFIX}${JSON.stringify(manifest)}\n`
    : `${JSON.stringify({ manifest })}\n`;
}

/**
 * Turns batches of rows (ascending seq) into the chunks of an export file, ending with the
 * manifest. Holds one batch at a time.
 */
export async function* writeAuditExport(
  format: AuditExportFormat,
  batches: AsyncIterable<ChainedAuditEntry[]>,
  header: AuditExportHeader,
): AsyncGenerator<string> {
  const digest = createHash('sha256');
  let count = 0;
  let first: AuditExportManifest['first'] = null;
  let last: AuditExportManifest['last'] = null;
  const emit = (chunk: string): string => {
    digest.update(chunk, 'utf8');
    return chunk;
  };
  if (format === 'csv') yield emit(csvRecords([[...AUDIT_EXPORT_COLUMNS]]));
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const head = batch[0]!;
    const tail = batch[batch.length - 1]!;
    first ??= { seq: head.seq, prevHash: head.prevHash, hash: head.hash };
    last = { seq: tail.seq, hash: tail.hash };
    count += batch.length;
    const chunk =
      format === 'csv'
        ? csvRecords(
            batch.map((e) => [
              e.seq,
              e.at,
              e.actor,
              e.action,
              e.subject,
              canonicalJson(e.payload),
              e.prevHash,
              e.hash,
            ]),
          )
        : batch.map((e) => `${formatNdjsonRow(e)}\n`).join('');
    yield emit(chunk);
  }
  yield formatManifestLine({
    kind: AUDIT_EXPORT_KIND,
    version: 1,
    format,
    ...header,
    count,
    first,
    last,
    digest: { algorithm: 'sha256', value: digest.digest('hex') },
  });
}
