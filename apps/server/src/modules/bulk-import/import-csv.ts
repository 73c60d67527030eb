// The bulk import CSV: a header with externalId, name and photo (or photos; any order, any case, more
// columns ignored), then one person per row with one photo file name, or several separated by `;`
// (PHOTO_SEPARATOR). Parsing checks the shape, and that every cell the job keeps can be stored as text
// (no NUL, no lone surrogate); each row's values are checked when the job processes it, so one bad row
// becomes INVALID_ROW instead of failing all.
import { parse } from 'csv-parse/sync';
import { AppError, ErrorCode } from '../../shared/app-error.js';

/** Most rows one import may have. */
export const MAX_IMPORT_ROWS = 10_000;

/** Separates several photo file names in one cell of the photo column. */
export const PHOTO_SEPARATOR = ';';

/** Most photos one row may name. */
export const MAX_PHOTOS_PER_ROW = 10;

/** One data row of the CSV; `line` is its line number in the file (the header is line 1). */
export interface ImportRow {
  line: number;
  externalId: string;
  name: string;
  /** The photo cell as written: one file name, or several separated by PHOTO_SEPARATOR. */
  photo: string;
}

/** The header names (lower case, without spaces, _ and -) of each kept column; `photo` before `photos`. */
const REQUIRED = [['externalid'], ['name'], ['photo', 'photos']] as const;
const COLUMN_NAMES = ['externalId', 'name', 'photo'] as const;

/** A character PostgreSQL text cannot hold (NUL) or that is no character at all (a lone UTF-16 surrogate). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** How an unstorable character is named in a message. */
function describeUnstorable(text: string): string {
  const found = UNSTORABLE.exec(text)?.[0] ?? '';
  return found === '\u0000'
    ? 'a NUL character (\\u0000)'
    : `a lone surrogate (\\u${found.charCodeAt(0).toString(16)})`;
}

/** The rows of the CSV; BAD_INPUT when it is not CSV or lacks a required column. */
export function parseImportCsv(bytes: Uint8Array): ImportRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof records;
  } catch (error) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `The CSV could not be read (${error instanceof Error ? error.message : String(error)}); save it as comma-separated UTF-8 text.`,
      { field: 'csv' },
    );
  }
  const [header, ...rows] = records;
  const columns = (header?.record ?? []).map((name) => name.toLowerCase().replace(/[\s_-]/g, ''));
  const at = REQUIRED.map(
    (names) => names.map((name) => columns.indexOf(name)).find((index) => index >= 0) ?? -1,
  );
  if (at.some((index) => index < 0)) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `The CSV needs a header line with the columns externalId, name and photo (the photo file name, or several separated by ${PHOTO_SEPARATOR}).`,
      { field: 'csv' },
    );
  }
  if (rows.length === 0)
    throw new AppError(ErrorCode.BAD_INPUT, 'The CSV has a header but no rows; add one row per photo.', {
      field: 'csv',
    });
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new AppError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The CSV has more than ${MAX_IMPORT_ROWS} rows; split it into smaller imports.`,
      {
        field: 'csv',
      },
    );
  }
  const [externalIdAt, nameAt, photoAt] = at as [number, number, number];
  // info.lines is the line the record ends on (the header is line 1; blank lines count).
  const parsed = rows.map(({ record, info }) => ({
    line: info.lines,
    externalId: record[externalIdAt] ?? '',
    name: record[nameAt] ?? '',
    photo: record[photoAt] ?? '',
  }));
  for (const row of parsed) {
    for (const column of COLUMN_NAMES) {
      if (UNSTORABLE.test(row[column])) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          `Line ${row.line}, column ${column} of the CSV holds ${describeUnstorable(row[column])}; remove it, save the CSV as UTF-8 text and import again.`,
          { field: 'csv', line: row.line, column },
        );
      }
    }
  }
  return parsed;
}

/**
 * A cell for a CSV a person opens in a spreadsheet: text starting with =, +, -, @ (or a tab or
 * carriage return) is prefixed with ' so it is shown as text, never run as a formula (CSV injection).
 */
export function neutralizeCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** How a photo is looked up: its file name without folders, in lower case. */
export function photoKey(name: string): string {
  return (name.split(/[\\/]/).at(-1) ?? '').trim().toLowerCase();
}

/**
 * The photo file names of a photo cell, in order: split at PHOTO_SEPARATOR, blanks dropped, a name
 * given twice (same photoKey) kept once.
 */
export function photoNames(cell: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const part of cell.split(PHOTO_SEPARATOR)) {
    const name = part.trim();
    const key = photoKey(name);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    names.push(name);
  }
  return names;
}
