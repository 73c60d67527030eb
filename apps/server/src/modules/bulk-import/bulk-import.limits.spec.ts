// POST /api/imports at its limits and with input the database cannot store: a zip of large
// compressible photos is unpacked and stored one file at a time; photos past the per-photo or the
// per-import limit, or more photo files than allowed, are 413 naming the limit; a CSV cell with NUL or a lone surrogate is
// 400 naming its line and column before anything is written, and the error report neutralises
// cells a spreadsheet would run as formulas.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { readErrorResponse } from '../../../test/error-response.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { makeZerosZip } from '../../../test/zip-writer.js';

const logger = pino({ level: 'silent' });
const MB = 1024 * 1024;

async function createGallery(server: TestServer, name: string): Promise<string> {
  const body = await server.graphql<{ createGallery: { id: string } }>(
    'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
    { input: { name, matchThreshold: 0.6 } },
    await adminHeaders(server),
  );
  const id = body.data?.createGallery.id;
  if (!id) throw new Error(`createGallery failed: ${body.errors?.[0]?.message}`);
  return id;
}

function postImport(
  server: TestServer,
  headers: AuthHeaders,
  galleryId: string,
  csv: string | Uint8Array,
  files: { photos?: Array<{ name: string; bytes: Uint8Array }>; archive?: Uint8Array } = {},
): Promise<Response> {
  const form = new FormData();
  form.set('galleryId', galleryId);
  form.set('csv', new Blob([typeof csv === 'string' ? csv : new Uint8Array(csv)], { type: 'text/csv' }), 'people.csv');
  for (const photo of files.photos ?? []) form.append('photos', new Blob([new Uint8Array(photo.bytes)]), photo.name);
  if (files.archive)
    form.set('archive', new Blob([new Uint8Array(files.archive)], { type: 'application/zip' }), 'photos.zip');
  return fetch(`${server.url}/api/imports`, { method: 'POST', headers, body: form });
}

function csvOf(rows: ReadonlyArray<readonly [string, string, string]>): string {
  return ['externalId,name,photo', ...rows.map((cells) => cells.join(','))].join('\n');
}

describe.each(TEST_DATABASE_MODES)('bulk import limits on %s', (mode) => {
  let server: TestServer;
  let hr: AuthHeaders;

  beforeAll(async () => {
    server = await startTestServer(mode);
    hr = await createUserAndSignIn(server, 'HR');
  });
  afterAll(async () => server?.close());

  it('stores the photos of a small zip that unpacks to 30 MB (3 x 10 MB) one file at a time', async () => {
    const galleryId = await createGallery(server, `zeros-${mode}`);
    const count = 3;
    const zip = makeZerosZip(count, 10 * MB);
    expect(zip.length).toBeLessThan(1 * MB);
    const csv = csvOf(Array.from({ length: count }, (_, i) => [`Z${i}`, `Zero ${i}`, `z${i}.jpg`] as const));
    const response = await postImport(server, hr, galleryId, csv, { archive: zip });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { jobId: string; rows: number; photos: number; missingPhotos: number };
    expect(started).toMatchObject({ rows: count, photos: count, missingPhotos: 0 });
    const stored = await server.db.prisma.$queryRaw<Array<{ files: number; bytes: number }>>`
      SELECT count(*)::int AS files, COALESCE(sum(length(data)), 0)::float8 AS bytes
      FROM job_files WHERE job_id = ${started.jobId}::uuid`;
    expect(stored[0]).toEqual({ files: count, bytes: count * 10 * MB });
    await server.graphql('mutation ($id: ID!) { cancelJob(id: $id) { status } }', { id: started.jobId }, hr);
  });

  it('refuses a 1 MB zip whose named photos unpack past 100 MB as 413 naming the limit, and stores nothing', async () => {
    const galleryId = await createGallery(server, `zip-bomb-${mode}`);
    const count = 11;
    const zip = makeZerosZip(count, 10 * MB);
    const csv = csvOf(Array.from({ length: count }, (_, i) => [`Z${i}`, `Zero ${i}`, `z${i}.jpg`] as const));
    const refused = await readErrorResponse(await postImport(server, hr, galleryId, csv, { archive: zip }));
    expect(refused).toMatchObject({
      status: 413,
      extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 100 * MB },
    });
    expect(refused.message).toMatch(/more than 100 MB, the limit of one import/);
    expect(await server.db.prisma.job.count({ where: { galleryId } })).toBe(0);
  });

  it('refuses a zip photo that unpacks past 10 MB as 413 naming the limit, and stores nothing', async () => {
    const galleryId = await createGallery(server, `bomb-${mode}`);
    const zip = makeZerosZip(1, 10 * MB + 1);
    const refused = await readErrorResponse(
      await postImport(server, hr, galleryId, csvOf([['B1', 'Bomb', 'z0.jpg']]), { archive: zip }),
    );
    expect(refused).toMatchObject({ status: 413, extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 10 * MB } });
    expect(refused.message).toMatch(/larger than 10 MB once unpacked/);
    expect(await server.db.prisma.job.count({ where: { galleryId } })).toBe(0);
  });

  it('refuses a CSV cell with a NUL character as 400 naming its line and column, before any write', async () => {
    const galleryId = await createGallery(server, `nul-${mode}`);
    const refused = await readErrorResponse(
      await postImport(server, hr, galleryId, csvOf([['N1', 'Fine', 'a.jpg'], ['N2', 'Nul\u0000Name', 'b.jpg']])),
    );
    expect(refused).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_INPUT', field: 'csv', line: 3, column: 'name' },
    });
    expect(refused.message).toMatch(/Line 3, column name .*NUL/);
    expect(await server.db.prisma.job.count({ where: { galleryId } })).toBe(0);
    expect(await server.db.prisma.identity.count({ where: { galleryId } })).toBe(0);
  });

  it('refuses a UTF-16 CSV cell with a lone surrogate as 400 naming its line and column, before any write', async () => {
    const galleryId = await createGallery(server, `surrogate-${mode}`);
    const csv = Buffer.from(`\ufeff${csvOf([['S\ud800', 'Lone', 'c.jpg']])}`, 'utf16le');
    const refused = await readErrorResponse(await postImport(server, hr, galleryId, csv));
    expect(refused).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_INPUT', line: 2, column: 'externalId' },
    });
    expect(refused.message).toMatch(/lone surrogate/);
    expect(await server.db.prisma.job.count({ where: { galleryId } })).toBe(0);
  });

  it('writes errors.csv with cells starting with = + - @ prefixed by a quote', async () => {
    const galleryId = await createGallery(server, `injection-${mode}`);
    const response = await postImport(
      server,
      hr,
      galleryId,
      csvOf([
        ['=1+1', '"=HYPERLINK(""http://example.org"",""x"")"', 'f1.jpg'],
        ['+41', '@SUM(A1)', 'f2.jpg'],
        ['-3', 'Plain Name', '=cmd.jpg'],
      ]),
    );
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    await server.services.jobs.createRunner(logger).runUntilIdle();
    const report = await fetch(`${server.url}/api/imports/${jobId}/errors.csv`, { headers: hr });
    expect(report.status).toBe(200);
    const lines = (await report.text()).trim().split('\n');
    expect(lines.slice(1).map((line) => line.split(',').slice(1, 4))).toEqual([
      ["'=1+1", `"'=HYPERLINK(""http://example.org""`, '""x"")"'],
      ["'+41", "'@SUM(A1)", 'f2.jpg'],
      ["'-3", 'Plain Name', "'=cmd.jpg"],
    ]);
    for (const line of lines.slice(1)) expect(line).toMatch(/,MISSING_PHOTO,/);
  });
});

// Counting files needs no database beyond who is calling.
describe.each(TEST_DATABASE_MODES.slice(0, 1))('bulk import file count (%s)', (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(mode);
  });
  afterAll(async () => server?.close());

  it('answers 5,003 photo files with 413 PAYLOAD_TOO_LARGE naming the limit of 5000', async () => {
    const galleryId = await createGallery(server, 'many-photos');
    const photos = Array.from({ length: 5_003 }, (_, i) => ({ name: `p${i}.jpg`, bytes: new Uint8Array(8) }));
    const refused = await readErrorResponse(
      await postImport(server, await adminHeaders(server), galleryId, csvOf([['P1', 'P', 'p1.jpg']]), { photos }),
    );
    expect(refused).toMatchObject({
      status: 413,
      extensions: { code: 'PAYLOAD_TOO_LARGE', field: 'photos', limitFiles: 5_000 },
    });
    expect(refused.message).toMatch(/More than 5000 files .*"photos"/);
  });

  it('refuses named photo files that come to more than 100 MB, or one over 10 MB, as 413 naming the limit', async () => {
    const galleryId = await createGallery(server, 'heavy-photos');
    const admin = await adminHeaders(server);
    const photo = new Uint8Array(10 * MB);
    const photos = Array.from({ length: 11 }, (_, i) => ({ name: `h${i}.jpg`, bytes: photo }));
    const csv = csvOf(photos.map((p, i) => [`H${i}`, `Heavy ${i}`, p.name] as const));
    const total = await readErrorResponse(await postImport(server, admin, galleryId, csv, { photos }));
    expect(total).toMatchObject({
      status: 413,
      extensions: { code: 'PAYLOAD_TOO_LARGE', field: 'photos', limitBytes: 100 * MB },
    });
    expect(total.message).toMatch(/more than 100 MB, the limit of one import/);
    const one = await readErrorResponse(
      await postImport(server, admin, galleryId, csvOf([['O1', 'One', 'big.jpg']]), {
        photos: [{ name: 'big.jpg', bytes: new Uint8Array(10 * MB + 1) }],
      }),
    );
    expect(one).toMatchObject({
      status: 413,
      extensions: { code: 'PAYLOAD_TOO_LARGE', field: 'photos', limitBytes: 10 * MB },
    });
    expect(one.message).toMatch(/larger than 10 MB, the limit per file/);
  });
});
