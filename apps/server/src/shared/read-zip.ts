// Reads a zip archive held in memory into its files, with limits on the number of entries and the
// bytes they inflate to, so an upload cannot exhaust memory (zip bombs). Directories, macOS
// resource forks and hidden files are skipped.
import yauzl from 'yauzl';
import { AppError, ErrorCode } from './app-error.js';

/** Limits a zip must stay within. */
export interface ZipLimits {
  /** Files in the archive (directories not counted). */
  maxEntries: number;
  /** Bytes of all files once inflated. */
  maxTotalBytes: number;
  /** Bytes of one file once inflated. */
  maxEntryBytes: number;
}

/** One file of an archive: its path inside the zip (forward slashes) and its bytes. */
export interface ZipFileEntry {
  path: string;
  bytes: Uint8Array;
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

/** The files of `archive`; BAD_INPUT for a broken zip, PAYLOAD_TOO_LARGE past a limit. */
export async function readZip(
  archive: Uint8Array,
  limits: ZipLimits,
  field = 'archive',
): Promise<ZipFileEntry[]> {
  const buffer = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, decodeStrings: true, validateEntrySizes: true },
      (error, opened) => {
        if (error) reject(badZip(field, error.message));
        else resolve(opened);
      },
    );
  });
  const files: ZipFileEntry[] = [];
  let totalBytes = 0;
  return new Promise<ZipFileEntry[]>((resolve, reject) => {
    const fail = (error: AppError): void => {
      zip.close();
      reject(error);
    };
    zip.on('error', (error: Error) => fail(badZip(field, error.message)));
    zip.on('end', () => resolve(files));
    zip.on('entry', (entry: yauzl.Entry) => {
      const path = entry.fileName;
      if (isSkipped(path)) {
        zip.readEntry();
        return;
      }
      if (files.length + 1 > limits.maxEntries) {
        fail(
          new AppError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `${field} holds more than ${limits.maxEntries} files; split it into smaller archives.`,
            { field },
          ),
        );
        return;
      }
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        fail(
          new AppError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `${path} in ${field} is larger than ${Math.round(limits.maxEntryBytes / 1024 / 1024)} MB once unpacked; remove or shrink it.`,
            { field },
          ),
        );
        return;
      }
      totalBytes += entry.uncompressedSize;
      if (totalBytes > limits.maxTotalBytes) {
        fail(
          new AppError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `${field} unpacks to more than ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB; split it into smaller archives.`,
            { field },
          ),
        );
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          fail(badZip(field, error.message));
          return;
        }
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (streamError: Error) => fail(badZip(field, streamError.message)));
        stream.on('end', () => {
          files.push({ path, bytes: new Uint8Array(Buffer.concat(chunks)) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
