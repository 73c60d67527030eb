import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractZip, readZip } from '../../shared/read-zip.js';
import { makeZip } from '../../../test/zip-writer.js';
import { neutralizeCsvCell, parseImportCsv, photoKey, photoNames } from './import-csv.js';

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

  it('refuses a NUL or a lone surrogate in a kept cell as BAD_INPUT naming line and column', () => {
    expect(() => parseImportCsv(encode('externalId,name,photo\nE1,A,a.jpg\n\nE2,B,b\u0000.jpg\n'))).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: { field: 'csv', line: 4, column: 'photo' } }),
    );
    const utf16 = Buffer.from('\ufeffexternalId,name,photo\nE1,\udc00x,a.jpg\n', 'utf16le');
    expect(() => parseImportCsv(utf16)).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: { field: 'csv', line: 2, column: 'name' } }),
    );
    // A surrogate pair is a character (an emoji), and unkept columns are not looked at.
    expect(
      parseImportCsv(encode('externalId,name,photo,note\nE1,Ann \u{1F600},a.jpg,x\u0000\n')),
    ).toHaveLength(1);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(['=1+1', '+4', '-2', '@SUM(A1)', '\tx', 'Ann', '', "'=x"].map(neutralizeCsvCell)).toEqual([
      "'=1+1",
      "'+4",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      'Ann',
      '',
      "'=x",
    ]);
  });

  it('takes a photos column instead of photo, and keeps a cell of several file names as written', () => {
    expect(parseImportCsv(encode('externalId,name,photos\nE1,Ann,a.jpg;b.jpg\n'))).toEqual([
      { line: 2, externalId: 'E1', name: 'Ann', photo: 'a.jpg;b.jpg' },
    ]);
    // With both, photo is the one read (an old CSV with an unrelated "photos" column keeps working).
    expect(parseImportCsv(encode('photos,externalId,name,photo\nx,E1,Ann,a.jpg\n'))[0]?.photo).toBe('a.jpg');
  });

  it('splits a photo cell at ; into file names, dropping blanks and a name given twice', () => {
    expect(photoNames('a.jpg')).toEqual(['a.jpg']);
    expect(photoNames(' a.jpg ;dir/B.JPG;; b.jpg ;c, d.png;')).toEqual(['a.jpg', 'dir/B.JPG', 'c, d.png']);
    expect(photoNames(' ; ')).toEqual([]);
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

describe('extractZip', () => {
  it('writes only the chosen files, one by one, with entries counted over all files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'extract-zip-'));
    try {
      const zipFile = path.join(dir, 'a.zip');
      await writeFile(
        zipFile,
        makeZip(
          [
            { path: 'a/one.jpg', bytes: new Uint8Array(10).fill(1) },
            { path: '__MACOSX/a/._one.jpg', bytes: new Uint8Array(5) },
            { path: 'two.jpg', bytes: new Uint8Array(20).fill(2) },
            { path: 'three.jpg', bytes: new Uint8Array(30).fill(3) },
          ],
          { deflate: true },
        ),
      );
      const limits = { maxEntries: 3, maxTotalBytes: 40, maxEntryBytes: 30 };
      const chosen = (p: string) => (p.endsWith('three.jpg') ? null : path.join(dir, path.basename(p)));
      const written = await extractZip(zipFile, limits, 'archive', chosen);
      expect(written.map((e) => [e.path, e.size])).toEqual([
        ['a/one.jpg', 10],
        ['two.jpg', 20],
      ]);
      expect(await readFile(path.join(dir, 'two.jpg'))).toEqual(Buffer.alloc(20, 2));
      await expect(
        extractZip(zipFile, { ...limits, maxTotalBytes: 25 }, 'archive', chosen),
      ).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        details: { limit: 'maxTotalBytes', limitBytes: 25 },
      });
      await expect(
        extractZip(zipFile, { ...limits, maxEntryBytes: 15 }, 'archive', chosen),
      ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 'maxEntryBytes' } });
      await expect(
        extractZip(zipFile, { ...limits, maxEntries: 2 }, 'archive', chosen),
      ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 'maxEntries' } });
      await writeFile(path.join(dir, 'bad.zip'), 'not a zip');
      await expect(extractZip(path.join(dir, 'bad.zip'), limits, 'archive', chosen)).rejects.toMatchObject({
        code: 'BAD_INPUT',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
