// The bulk import CSV: a header with externalId, name and photo (any order, any case, more columns
// ignored), then one person and photo per row. Parsing checks the shape only; each row's values are
// checked when the job processes it, so one bad row becomes INVALID_ROW instead of failing all.
import { parse } from 'csv-parse/sync';
import { AppError, ErrorCode } from '../../shared/app-error.js';

/** Most rows one import may have. */
export const MAX_IMPORT_ROWS = 10_000;

/** One data row of the CSV; `line` is its line number in the file (the header is line 1). */
export interface ImportRow {
  line: number;
  externalId: string;
  name: string;
  photo: string;
}

const REQUIRED = ['externalid', 'name', 'photo'] as const;

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
  const at = REQUIRED.map((name) => columns.indexOf(name));
  if (at.some((index) => index < 0)) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      'The CSV needs a header line with the columns externalId, name and photo (the photo file name).',
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
  return rows.map(({ record, info }) => ({
    line: info.lines,
    externalId: record[externalIdAt] ?? '',
    name: record[nameAt] ?? '',
    photo: record[photoAt] ?? '',
  }));
}

/** How a photo is looked up: its file name without folders, in lower case. */
export function photoKey(name: string): string {
  return (name.split(/[\\/]/).at(-1) ?? '').trim().toLowerCase();
}
