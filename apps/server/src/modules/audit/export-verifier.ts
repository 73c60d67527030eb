// Checks an audit export offline, with no database: the pure half of `faceledger audit verify`.
//
// What it proves about any export:
//   - every row's hash recomputes from its own prevHash and content (seq, at, actor, action,
//     subject, payload), so no field of a row was edited after it was hashed;
//   - rows ascend in seq, and rows adjacent in seq (n, n+1) link: prevHash(n+1) = hash(n);
//   - every row matches the manifest's filter, and no row lies beyond manifest.throughSeq;
//   - count, first and last match the rows, and the sha256 digest matches the bytes before the
//     manifest, so no row was added, removed or reordered without rewriting the manifest.
// A complete export (empty filter) additionally proves the whole chain: seq 1 links to the genesis
// hash, seq runs without gaps through throughSeq, every row links to the one before.
// A filtered export cannot prove that no matching row was left out between two rows that are not
// adjacent in seq. Neither kind proves the file came from this server: someone who rewrites rows
// and recomputes every hash and the manifest passes. Compare manifest.last.hash (or any row's
// hash) with the live ledger (auditLog, verifyAuditChain's head) to anchor a file.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AuditChainWalker, type ChainedAuditEntry } from './audit-chain.js';
import {
  AUDIT_EXPORT_COLUMNS,
  AUDIT_EXPORT_FORMATS,
  AUDIT_EXPORT_KIND,
  CSV_MANIFEST_PREFIX,
  type AuditExportFormat,
  type AuditExportManifest,
} from './audit-export-format.js';
import {
  auditFilterFromJson,
  isEmptyAuditFilter,
  matchesAuditFilter,
  type AuditFilter,
} from './audit-filter.js';

/** The outcome of checking one export file. */
export type ExportVerification =
  | {
      ok: true;
      format: AuditExportFormat;
      count: number;
      complete: boolean;
      first: AuditExportManifest['first'];
      last: AuditExportManifest['last'];
      manifest: AuditExportManifest;
    }
  | {
      ok: false;
      /** 1-based line of the file where the first problem is (the manifest's line for file-level problems). */
      line: number;
      /** The seq of the row at fault, when the problem is a row. */
      seq?: string;
      problem: string;
    };

/** Produces the file's lines (without their "\n") from the start, each time it is called. */
export type ExportLineSource = () => AsyncIterable<string> | Iterable<string>;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

const rowSchema = z.object({
  seq: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  payload: z.json(),
  prevHash: hex64,
  hash: hex64,
});

const manifestSchema = z.object({
  kind: z.literal(AUDIT_EXPORT_KIND),
  version: z.literal(1),
  format: z.enum(AUDIT_EXPORT_FORMATS),
  exportedAt: z.string(),
  exportedBy: z.string(),
  exportSeq: z.string(),
  throughSeq: z.string().regex(/^[0-9]+$/),
  filter: z.record(z.string(), z.string()),
  complete: z.boolean(),
  count: z.number().int().nonnegative(),
  first: z.object({ seq: z.string(), prevHash: hex64, hash: hex64 }).nullable(),
  last: z.object({ seq: z.string(), hash: hex64 }).nullable(),
  digest: z.object({ algorithm: z.literal('sha256'), value: hex64 }),
});

class VerificationError extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly seq?: string,
  ) {
    super(message);
  }
}

/** The last line of the file and how many lines it has. */
async function findLastLine(source: ExportLineSource): Promise<{ text: string; line: number } | null> {
  let last: string | null = null;
  let line = 0;
  for await (const text of source()) {
    line += 1;
    last = text;
  }
  return last === null ? null : { text: last, line };
}

function parseManifest(text: string, line: number): AuditExportManifest {
  const notAManifest = new VerificationError(
    line,
    'the last line is not a manifest: the file is truncated or not an audit export',
  );
  let json: unknown;
  try {
    json = text.startsWith(CSV_MANIFEST_PREFIX)
      ? JSON.parse(text.slice(CSV_MANIFEST_PREFIX.length))
      : (JSON.parse(text) as { manifest?: unknown } | null)?.manifest;
  } catch {
    throw notAManifest;
  }
  if (json === null || typeof json !== 'object') throw notAManifest;
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new VerificationError(
      line,
      `the manifest is malformed: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const expectedShape =
    parsed.data.format === 'csv' ? text.startsWith(CSV_MANIFEST_PREFIX) : !text.startsWith('#');
  if (!expectedShape)
    throw new VerificationError(line, `the manifest line does not have the ${parsed.data.format} form`);
  return parsed.data;
}

/** Splits one CSV record (RFC 4180, "" escapes a quote) into its fields. */
function parseCsvRecord(record: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atFieldStart = true;
  while (i < record.length) {
    const ch = record[i]!;
    if (quoted) {
      if (ch === '"') {
        if (record[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        if (i < record.length && record[i] !== ',') return null;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      i += 1;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i += 1;
      continue;
    }
    if (ch === '"') return null;
    field += ch;
    atFieldStart = false;
    i += 1;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

function rowFromCsv(record: string, line: number): unknown {
  const fields = parseCsvRecord(record);
  if (!fields || fields.length !== AUDIT_EXPORT_COLUMNS.length) {
    throw new VerificationError(
      line,
      `the CSV record does not have the ${AUDIT_EXPORT_COLUMNS.length} columns ${AUDIT_EXPORT_COLUMNS.join(',')}`,
      fields?.[0],
    );
  }
  const [seq, at, actor, action, subject, payload, prevHash, hash] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  let parsedPayload: unknown;
  try {
    parsedPayload = JSON.parse(payload);
  } catch {
    throw new VerificationError(line, 'the payload column is not JSON', seq);
  }
  return { seq, at, actor, action, subject, payload: parsedPayload, prevHash, hash };
}

function rowFromNdjson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new VerificationError(line, 'the line is not JSON');
  }
}

/** Checks every row and the manifest, reading the source twice (once for the manifest). */
async function verifyOrThrow(source: ExportLineSource): Promise<Extract<ExportVerification, { ok: true }>> {
  const lastLine = await findLastLine(source);
  if (!lastLine) throw new VerificationError(1, 'the file is empty');
  const manifest = parseManifest(lastLine.text, lastLine.line);
  let filter: AuditFilter;
  try {
    filter = auditFilterFromJson(manifest.filter);
  } catch (error) {
    throw new VerificationError(lastLine.line, `the manifest's ${(error as Error).message}`);
  }
  if (manifest.complete !== isEmptyAuditFilter(filter)) {
    throw new VerificationError(
      lastLine.line,
      'the manifest claims a complete export with a filter, or a partial one without',
    );
  }
  const throughSeq = BigInt(manifest.throughSeq);
  const walker = new AuditChainWalker(manifest.complete ? 'fromGenesis' : 'gapsAllowed');
  const digest = createHash('sha256');
  let count = 0;
  let first: ChainedAuditEntry | null = null;
  let last: ChainedAuditEntry | null = null;
  let pendingCsv: { text: string; line: number } | null = null;

  const acceptRow = (raw: unknown, line: number): void => {
    const parsed = rowSchema.safeParse(raw);
    const seqHint =
      typeof (raw as { seq?: unknown } | null)?.seq === 'string' ? (raw as { seq: string }).seq : undefined;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VerificationError(
        line,
        `the row is malformed: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
        seqHint,
      );
    }
    const entry: ChainedAuditEntry = parsed.data;
    const broken = walker.accept(entry);
    if (broken) throw new VerificationError(line, broken.reason, broken.seq);
    if (BigInt(entry.seq) > throughSeq)
      throw new VerificationError(
        line,
        `seq ${entry.seq} lies beyond the manifest's throughSeq ${manifest.throughSeq}`,
        entry.seq,
      );
    const at = new Date(entry.at);
    if (Number.isNaN(at.getTime()))
      throw new VerificationError(line, `"${entry.at}" is not a time`, entry.seq);
    if (!matchesAuditFilter({ ...entry, at }, filter)) {
      throw new VerificationError(
        line,
        `the row does not match the manifest's filter ${JSON.stringify(manifest.filter)}`,
        entry.seq,
      );
    }
    first ??= entry;
    last = entry;
    count += 1;
  };

  let lineNo = 0;
  for await (const text of source()) {
    lineNo += 1;
    if (lineNo === lastLine.line) break;
    digest.update(`${text}\n`, 'utf8');
    if (manifest.format === 'ndjson') {
      acceptRow(rowFromNdjson(text, lineNo), lineNo);
      continue;
    }
    if (lineNo === 1) {
      if (text !== AUDIT_EXPORT_COLUMNS.join(','))
        throw new VerificationError(1, `the CSV header is not ${AUDIT_EXPORT_COLUMNS.join(',')}`);
      continue;
    }
    pendingCsv = pendingCsv
      ? { text: `${pendingCsv.text}\n${text}`, line: pendingCsv.line }
      : { text, line: lineNo };
    // A record is complete once its quotes balance (a literal quote is written as two).
    if ((pendingCsv.text.match(/"/g)?.length ?? 0) % 2 === 0) {
      acceptRow(rowFromCsv(pendingCsv.text, pendingCsv.line), pendingCsv.line);
      pendingCsv = null;
    }
  }
  if (pendingCsv)
    throw new VerificationError(pendingCsv.line, 'the CSV record has an unterminated quoted field');
  if (manifest.format === 'csv' && lineNo < 2)
    throw new VerificationError(lastLine.line, 'the CSV header is missing');

  const m = lastLine.line;
  const f = first as ChainedAuditEntry | null;
  const l = last as ChainedAuditEntry | null;
  if (digest.digest('hex') !== manifest.digest.value) {
    throw new VerificationError(
      m,
      "the digest does not match the file's rows: bytes before the manifest were changed, added or removed",
    );
  }
  if (count !== manifest.count)
    throw new VerificationError(m, `the manifest counts ${manifest.count} rows, the file holds ${count}`);
  const firstMatches =
    f === null
      ? manifest.first === null
      : manifest.first?.seq === f.seq &&
        manifest.first.hash === f.hash &&
        manifest.first.prevHash === f.prevHash;
  if (!firstMatches)
    throw new VerificationError(m, "the manifest's first entry does not match the file's first row");
  const lastMatches =
    l === null ? manifest.last === null : manifest.last?.seq === l.seq && manifest.last.hash === l.hash;
  if (!lastMatches)
    throw new VerificationError(m, "the manifest's last entry does not match the file's last row");
  if (manifest.complete && (l?.seq ?? '0') !== manifest.throughSeq) {
    throw new VerificationError(
      m,
      `a complete export must run through seq ${manifest.throughSeq}, the file ends at ${l?.seq ?? 'no row'}: rows at the end were removed`,
    );
  }
  return {
    ok: true,
    format: manifest.format,
    count,
    complete: manifest.complete,
    first: manifest.first,
    last: manifest.last,
    manifest,
  };
}

/** Verifies an export; never throws for a bad file, only reports its first problem. */
export async function verifyAuditExport(source: ExportLineSource): Promise<ExportVerification> {
  try {
    return await verifyOrThrow(source);
  } catch (error) {
    if (error instanceof VerificationError) {
      return {
        ok: false,
        line: error.line,
        problem: error.message,
        ...(error.seq !== undefined ? { seq: error.seq } : {}),
      };
    }
    throw error;
  }
}

/** Splits a byte or text stream on "\n" only (a "\r" stays part of its line, so it changes the digest). */
export async function* splitLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}
