// Reads zip archives with limits on the number of entries and on the bytes they inflate to, counted
// while inflating (a zip bomb's headers may lie), so an upload cannot exhaust memory or disk.
// extractZip streams the chosen entries of a zip on disk to files one by one (bounded memory);
// readZip reads a small zip held in memory. Directories, macOS resource forks and hidden files are
// skipped.
import { createWriteStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { AppError, ErrorCode } from './app-error.js';

/** Limits a zip must stay within. */
export interface ZipLimits {
  /** Files in the archive (directories not counted). */
  maxEntries: number;
  /** Bytes of all files read (for extractZip: those extracted) once inflated. */
  maxTotalBytes: number;
  /** Bytes of one file once inflated. */
  maxEntryBytes: number;
}

/** One file of an archive: its path inside the zip (forward slashes) and its bytes. */
export interface ZipFileEntry {
  path: string;
  bytes: Uint8Array;
}

/** One extracted file: its path inside the zip, where it was written and its size. */
export interface ExtractedEntry {
  path: string;
  file: string;
  size: number;
}

function isSkipped(path: string): boolean {
  return (
    path.endsWith('/') || path.startsWith('__MACOSX/') || path.split('/').some((part) => part.startsWith('.'))
  );
}

function badZip(field: string, reason: string): AppError {
  return new AppError(
    ErrorCode.BAD_INPUT,
    `${field} is not a readable zip archive (${reason}); send a .zip file.`,
    { field },
  );
}

function mb(bytes: number): string {
  const value = bytes / 1024 / 1024;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function tooManyEntries(field: string, limits: ZipLimits): AppError {
  return new AppError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `${field} holds more than ${limits.maxEntries} files, the limit; split it into smaller archives.`,
    { field, limit: 'maxEntries', limitEntries: limits.maxEntries },
  );
}

function entryTooLarge(field: string, path: string, limits: ZipLimits): AppError {
  return new AppError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `${path} in ${field} is larger than ${mb(limits.maxEntryBytes)} MB once unpacked, the limit per file; remove or shrink it.`,
    { field, limit: 'maxEntryBytes', limitBytes: limits.maxEntryBytes },
  );
}

function totalTooLarge(field: string, limits: ZipLimits): AppError {
  return new AppError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `${field} unpacks to more than ${mb(limits.maxTotalBytes)} MB, the limit; split it into smaller archives.`,
    { field, limit: 'maxTotalBytes', limitBytes: limits.maxTotalBytes },
  );
}

/** Counts inflated bytes against the per-entry and total limits and fails at the first byte past them. */
class InflateLimit extends Transform {
  size = 0;
  constructor(
    private readonly entryPath: string,
    private readonly field: string,
    private readonly limits: ZipLimits,
    private readonly total: { bytes: number },
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.total.bytes += chunk.length;
    if (this.size > this.limits.maxEntryBytes)
      callback(entryTooLarge(this.field, this.entryPath, this.limits));
    else if (this.total.bytes > this.limits.maxTotalBytes) callback(totalTooLarge(this.field, this.limits));
    else callback(null, chunk);
  }
}

/**
 * Walks the files of an open zip in order; `visit` gets each file's path and, when it wants the
 * bytes, opens its inflated stream (limits checked as it flows) and consumes it.
 */
async function walkZip(
  zip: yauzl.ZipFile,
  limits: ZipLimits,
  field: string,
  visit: (path: string, open: () => Promise<{ stream: Readable; counter: InflateLimit }>) => Promise<void>,
): Promise<void> {
  const total = { bytes: 0 };
  let entries = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(badZip(field, error.message)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const path = entry.fileName;
        if (isSkipped(path)) {
          zip.readEntry();
          return;
        }
        if (++entries > limits.maxEntries) {
          reject(tooManyEntries(field, limits));
          return;
        }
        const open = async (): Promise<{ stream: Readable; counter: InflateLimit }> => {
          // The headers' sizes refuse an honest large file before inflating it; the counter catches a lie.
          if (entry.uncompressedSize > limits.maxEntryBytes) throw entryTooLarge(field, path, limits);
          if (total.bytes + entry.uncompressedSize > limits.maxTotalBytes) throw totalTooLarge(field, limits);
          const stream = await new Promise<Readable>((done, fail) =>
            zip.openReadStream(entry, (error, opened) =>
              error ? fail(badZip(field, error.message)) : done(opened),
            ),
          );
          return { stream, counter: new InflateLimit(path, field, limits, total) };
        };
        visit(path, open).then(
          () => zip.readEntry(),
          (error: unknown) =>
            reject(
              error instanceof AppError ? error : badZip(field, error instanceof Error ? error.message : String(error)),
            ),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

const OPEN_OPTIONS = { lazyEntries: true, decodeStrings: true, validateEntrySizes: true } as const;

/**
 * Streams the files of the zip at `zipFile` for which `destination(path)` gives a file path to that
 * file, one at a time; returns what was written. BAD_INPUT for a broken zip, PAYLOAD_TOO_LARGE past
 * a limit (entries counted over all files, bytes over the extracted ones).
 */
export async function extractZip(
  zipFile: string,
  limits: ZipLimits,
  field: string,
  destination: (path: string) => string | null,
): Promise<ExtractedEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipFile, OPEN_OPTIONS, (error, opened) =>
      error ? reject(badZip(field, error.message)) : resolve(opened),
    ),
  );
  const extracted: ExtractedEntry[] = [];
  await walkZip(zip, limits, field, async (path, open) => {
    const file = destination(path);
    if (!file) return;
    const { stream, counter } = await open();
    await pipeline(stream, counter, createWriteStream(file));
    extracted.push({ path, file, size: counter.size });
  });
  return extracted;
}

/** The files of a zip held in memory; BAD_INPUT for a broken zip, PAYLOAD_TOO_LARGE past a limit. */
export async function readZip(
  archive: Uint8Array,
  limits: ZipLimits,
  field = 'archive',
): Promise<ZipFileEntry[]> {
  const buffer = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, OPEN_OPTIONS, (error, opened) =>
      error ? reject(badZip(field, error.message)) : resolve(opened),
    ),
  );
  const files: ZipFileEntry[] = [];
  await walkZip(zip, limits, field, async (path, open) => {
    const { stream, counter } = await open();
    const chunks: Buffer[] = [];
    await pipeline(stream, counter, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    });
    files.push({ path, bytes: new Uint8Array(Buffer.concat(chunks)) });
  });
  return files;
}
