import { describe, expect, it } from 'vitest';
import { readZip } from '../../shared/read-zip.js';
import { makeZip } from '../../../test/zip-writer.js';
import { parseImportCsv, photoKey } from './import-csv.js';

const encode = (text: string) => new TextEncoder().encode(text);

describe('the import CSV', () => {
  it('reads the three columns in any order and case, with quotes, a BOM and extra columns', () => {
    const rows = parseImportCsv(
      encode('\uFEFFPhoto,Name,dept,External_ID\r\n"a, b.jpg","Doe, Jane",HR,E1\n\nb.jpg,Bob,,E2\n'),
    );
    expect(rows).toEqual([
      { line: 2, externalId: 'E1', name: 'Doe, Jane', photo: 'a, b.jpg' },
      { line: 4, externalId: 'E2', name: 'Bob', photo: 'b.jpg' },
    ]);
  });

  it('refuses a CSV without the columns or without rows', () => {
    expect(() => parseImportCsv(encode('id,name\n1,x\n'))).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(() => parseImportCsv(encode('externalId,name,photo\n'))).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('looks photos up by file name without folders, ignoring case', () => {
    expect(photoKey('photos/Sub/IMG_01.JPG')).toBe('img_01.jpg');
    expect(photoKey('C:\\x\\a.png ')).toBe('a.png');
  });
});

describe('readZip', () => {
  const zip = makeZip([
    { path: 'a/one.jpg', bytes: new Uint8Array(10) },
    { path: '__MACOSX/a/._one.jpg', bytes: new Uint8Array(5) },
    { path: 'two.jpg', bytes: new Uint8Array(20) },
  ]);

  it('reads the files, skipping resource forks', async () => {
    const files = await readZip(zip, { maxEntries: 10, maxTotalBytes: 1000, maxEntryBytes: 100 });
    expect(files.map((f) => [f.path, f.bytes.length])).toEqual([
      ['a/one.jpg', 10],
      ['two.jpg', 20],
    ]);
  });

  it('stops at the limits on entries, total and per-file size, and refuses what is not a zip', async () => {
    await expect(
      readZip(zip, { maxEntries: 1, maxTotalBytes: 1000, maxEntryBytes: 100 }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      readZip(zip, { maxEntries: 10, maxTotalBytes: 25, maxEntryBytes: 100 }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      readZip(zip, { maxEntries: 10, maxTotalBytes: 1000, maxEntryBytes: 15 }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      readZip(encode('not a zip'), { maxEntries: 10, maxTotalBytes: 1000, maxEntryBytes: 100 }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
