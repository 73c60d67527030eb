import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { makeZip } from '../../../test/zip-writer.js';
import type { JobHandler } from '../jobs/job-handler.js';

const logger = pino({ level: 'silent' });

const JOB_QUERY = `query ($id: ID!, $onlyProblems: Boolean, $first: Int) {
  job(id: $id) {
    id kind status attempts label progress { done total fraction } error importSummary { outcome count } errorReportUrl
    items(first: $first, onlyProblems: $onlyProblems) {
      totalCount
      edges { node { index done outcome message line externalId name photo identityId faceId photosEnrolled photosRefused } }
    }
  }
}`;

interface JobShape {
  status: string;
  attempts: number;
  progress: { done: number; total: number; fraction: number };
  importSummary: Array<{ outcome: string; count: number }>;
  errorReportUrl: string;
  items: {
    totalCount: number;
    edges: Array<{
      node: {
        index: number;
        done: boolean;
        outcome: string | null;
        message: string | null;
        externalId: string;
        identityId: string | null;
        faceId: string | null;
        photosEnrolled: number | null;
        photosRefused: number | null;
      };
    }>;
  };
}

/** A PNG without a face. */
function blueSquare(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } } })
    .png()
    .toBuffer();
}

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

async function postImport(
  server: TestServer,
  headers: AuthHeaders,
  galleryId: string,
  csv: string,
  files: { photos?: Array<{ name: string; bytes: Uint8Array }>; archive?: Uint8Array },
  fields: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  form.set('galleryId', galleryId);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('csv', new Blob([csv], { type: 'text/csv' }), 'people.csv');
  for (const photo of files.photos ?? [])
    form.append('photos', new Blob([new Uint8Array(photo.bytes)]), photo.name);
  if (files.archive)
    form.set('archive', new Blob([new Uint8Array(files.archive)], { type: 'application/zip' }), 'photos.zip');
  return fetch(`${server.url}/api/imports`, { method: 'POST', headers, body: form });
}

async function readJob(
  server: TestServer,
  headers: AuthHeaders,
  id: string,
  onlyProblems = false,
): Promise<JobShape> {
  const body = await server.graphql<{ job: JobShape }>(JOB_QUERY, { id, onlyProblems, first: 100 }, headers);
  if (!body.data) throw new Error(`job failed: ${body.errors?.[0]?.message}`);
  return body.data.job;
}

describe.each(TEST_DATABASE_MODES)('bulk import on %s', (mode) => {
  let server: TestServer;
  let hr: AuthHeaders;

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    hr = await createUserAndSignIn(server, 'HR');
    expect((await server.recognition.whenSettled()).state).toBe('READY');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('imports a CSV with photos into per-row results, a progress of 100 % and an error report', async () => {
    const galleryId = await createGallery(server, `import-${mode}`);
    const noFace = await blueSquare();
    const powell = await readFile(lfwImage('Colin_Powell', 1));
    const csv = [
      'externalId,name,photo',
      'E1,Colin Powell,powell1.jpg',
      'E2,Tony Blair,Tony_Blair_0002.jpg',
      'E3,Hugo Chavez,chavez.jpg',
      'E4,Nobody,missing.jpg',
      'E5,Blue Square,blue.png',
      ',No Id,powell1.jpg',
      'E6,Copy Of Powell,copy.jpg',
    ].join('\n');
    const response = await postImport(server, hr, galleryId, csv, {
      photos: [
        { name: 'powell1.jpg', bytes: powell },
        { name: 'Tony_Blair_0002.jpg', bytes: await readFile(lfwImage('Tony_Blair', 2)) },
        { name: 'chavez.jpg', bytes: await readFile(lfwImage('Hugo_Chavez', 1)) },
        { name: 'blue.png', bytes: noFace },
        { name: 'copy.jpg', bytes: powell },
      ],
    });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { jobId: string; rows: number; missingPhotos: number };
    expect(started).toMatchObject({ rows: 7, missingPhotos: 1 });

    const queued = await readJob(server, hr, started.jobId);
    expect(queued).toMatchObject({ status: 'QUEUED', progress: { done: 0, total: 7 } });

    await server.services.jobs.createRunner(logger).runUntilIdle();

    const job = await readJob(server, hr, started.jobId);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.progress).toEqual({ done: 7, total: 7, fraction: 1 });
    expect(job.items.edges.map((e) => e.node.outcome)).toEqual([
      'ENROLLED',
      'ENROLLED',
      'ENROLLED',
      'MISSING_PHOTO',
      'NO_FACE',
      'INVALID_ROW',
      'DUPLICATE',
    ]);
    for (const { node } of job.items.edges) expect(node.message, node.outcome ?? '').toBeTruthy();
    expect(job.items.edges[0]?.node.faceId).toBeTruthy();
    expect(job.importSummary).toContainEqual({ outcome: 'ENROLLED', count: 3 });

    const problems = await readJob(server, hr, started.jobId, true);
    expect(problems.items.totalCount).toBe(4);

    const report = await fetch(`${server.url}${job.errorReportUrl}`, { headers: hr });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toContain('text/csv');
    const lines = (await report.text()).trim().split('\n');
    expect(lines[0]).toBe('line,externalId,name,photo,outcome,message,photosEnrolled,photosRefused');
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual([
      'MISSING_PHOTO',
      'NO_FACE',
      'INVALID_ROW',
      'DUPLICATE',
    ]);

    const identities = await server.db.prisma.identity.findMany({
      where: { galleryId },
      include: { _count: { select: { faces: true } } },
    });
    expect(identities.map((i) => i.externalId).sort()).toEqual(['E1', 'E2', 'E3', 'E5', 'E6']);
    expect(
      identities
        .filter((i) => i._count.faces === 1)
        .map((i) => i.externalId)
        .sort(),
    ).toEqual(['E1', 'E2', 'E3']);
  });

  it('enrolls several photos per row (photos column, ; between names), counting enrolled and refused photos per row', async () => {
    const galleryId = await createGallery(server, `import-multi-${mode}`);
    const blue = await blueSquare();
    const photoCells = {
      M1: 'Colin Powell,Colin_Powell_0001.jpg;Colin_Powell_0002.jpg; Colin_Powell_0003.jpg',
      M2: 'Tony Blair,tb.jpg;blue.png;not-sent.jpg',
      M3: 'Hugo Chavez,chavez.jpg',
    };
    const csv = `externalId,name,photos\n${Object.entries(photoCells)
      .map((cells) => cells.join(','))
      .join('\n')}`;
    const response = await postImport(server, hr, galleryId, csv, {
      photos: [
        { name: 'blue.png', bytes: blue },
        { name: 'tb.jpg', bytes: await readFile(lfwImage('Tony_Blair', 3)) },
        { name: 'chavez.jpg', bytes: await readFile(lfwImage('Hugo_Chavez', 2)) },
      ],
      archive: makeZip(
        await Promise.all(
          [1, 2, 3].map(async (n) => ({
            path: `x/Colin_Powell_000${n}.jpg`,
            bytes: await readFile(lfwImage('Colin_Powell', n)),
          })),
        ),
      ),
    });
    expect(response.status).toBe(202);
    const started = (await response.json()) as {
      jobId: string;
      rows: number;
      photos: number;
      missingPhotos: number;
    };
    expect(started).toMatchObject({ rows: 3, photos: 6, missingPhotos: 1 });
    await server.services.jobs.createRunner(logger).runUntilIdle();

    const job = await readJob(server, hr, started.jobId);
    expect(job.status).toBe('SUCCEEDED');
    const [m1, m2, m3] = job.items.edges.map((e) => e.node);
    expect(m1).toMatchObject({ outcome: 'ENROLLED', photosEnrolled: 3, photosRefused: 0 });
    expect(m2).toMatchObject({ outcome: 'PARTIALLY_ENROLLED', photosEnrolled: 1, photosRefused: 2 });
    expect(m2?.message).toMatch(/^Enrolled 1 of 3 photos\. /);
    expect(m2?.message).toContain('blue.png: No face was found');
    expect(m2?.message).toContain('not-sent.jpg: No uploaded file is named not-sent.jpg');
    // One good photo is fewer than recommended: the row says what to add.
    expect(m2?.message).toMatch(/[01] of 3 recommended photos.*: add [23] photos/);
    expect(m3).toMatchObject({ outcome: 'ENROLLED', photosEnrolled: 1, photosRefused: 0 });
    expect(job.importSummary).toEqual([
      { outcome: 'ENROLLED', count: 2 },
      { outcome: 'PARTIALLY_ENROLLED', count: 1 },
    ]);

    const faces = await server.db.prisma.face.groupBy({
      by: ['identityId'],
      where: { identity: { galleryId } },
      _count: true,
    });
    const byIdentity = new Map(faces.map((f) => [f.identityId, f._count]));
    expect([m1, m2, m3].map((m) => byIdentity.get(m?.identityId ?? ''))).toEqual([3, 1, 1]);

    // The identity's template strength counts its good faces (quality score at least 0.75).
    const strength = await server.graphql<{
      identity: {
        templateStrength: { level: string; faces: number; goodFaces: number; hint: string | null };
      };
    }>(
      'query ($id: ID!) { identity(id: $id) { templateStrength { level faces goodFaces hint } } }',
      { id: m1?.identityId },
      hr,
    );
    const stored = await server.db.prisma.face.findMany({ where: { identityId: m1?.identityId ?? '' } });
    const scores = stored.map((f) => (f.quality as { score: number }).score);
    const good = scores.filter((score) => score >= 0.75).length;
    expect(strength.data?.identity.templateStrength).toMatchObject({ faces: 3, goodFaces: good });
    expect(scores.length).toBe(3);

    const report = await fetch(`${server.url}${job.errorReportUrl}`, { headers: hr });
    const lines = (await report.text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^3,M2,Tony Blair,blue\.png; not-sent\.jpg,PARTIALLY_ENROLLED,".*",1,2$/);
  });

  it('enrolls the clearly largest face of a photo with a bystander only when the import asks (largestFaceIfClear)', async () => {
    const galleryId = await createGallery(server, `import-largest-${mode}`);
    // Carlos_Ghosn_0002: the subject and a bystander 3.1x smaller; Colin_Powell_0068: only 1.2x smaller.
    const csv = 'externalId,name,photo\nG1,Carlos Ghosn,ghosn.jpg\nG2,Colin Powell,powell.jpg\n';
    const photos = [
      { name: 'ghosn.jpg', bytes: await readFile(lfwImage('Carlos_Ghosn', 2)) },
      { name: 'powell.jpg', bytes: await readFile(lfwImage('Colin_Powell', 68)) },
    ];
    const outcomes = async (fields: Record<string, string>) => {
      const response = await postImport(server, hr, galleryId, csv, { photos }, fields);
      expect(response.status).toBe(202);
      const { jobId } = (await response.json()) as { jobId: string };
      await server.services.jobs.createRunner(logger).runUntilIdle();
      return (await readJob(server, hr, jobId)).items.edges.map((e) => e.node.outcome);
    };
    expect(await outcomes({})).toEqual(['MULTIPLE_FACES', 'MULTIPLE_FACES']);
    expect(await outcomes({ largestFaceIfClear: 'true' })).toEqual(['ENROLLED', 'MULTIPLE_FACES']);
    const bad = await postImport(server, hr, galleryId, csv, { photos }, { largestFaceIfClear: 'yes' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_INPUT', field: 'largestFaceIfClear' } }],
    });
  });

  it('refuses a CSV without the required columns, and roles without imports.run', async () => {
    const galleryId = await createGallery(server, `import-refusals-${mode}`);
    const bad = await postImport(server, hr, galleryId, 'id,fullName\n1,x\n', {});
    expect(bad.status).toBe(400);
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    const forbidden = await postImport(
      server,
      reviewer,
      galleryId,
      'externalId,name,photo\nE1,A,a.jpg\n',
      {},
    );
    expect(forbidden.status).toBe(403);
  });

  it('resumes a job after a crash: every row is processed exactly once and no identity is duplicated', async () => {
    const galleryId = await createGallery(server, `import-restart-${mode}`);
    const people = [
      ['Colin_Powell', 3],
      ['Tony_Blair', 2],
      ['Hugo_Chavez', 2],
      ['Jacques_Chirac', 1],
      ['Laura_Bush', 1],
    ] as const;
    const zip = makeZip(
      await Promise.all(
        people.map(async ([name, n]) => ({
          path: `photos/${name}_${n}.jpg`,
          bytes: await readFile(lfwImage(name, n)),
        })),
      ),
    );
    const csv = [
      'externalId,name,photo',
      ...people.map(([name, n], i) => `R${i},${name.replace('_', ' ')},${name}_${n}.jpg`),
    ].join('\n');
    const response = await postImport(server, hr, galleryId, csv, { archive: zip });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };

    // The first runner enrolls row 2 and "crashes" before recording it: the lease is left to expire.
    let processed = 0;
    const crashing = server.services.jobs.createRunner(logger, { leaseMs: 1_000 }, (handler): JobHandler => ({
      kind: handler.kind,
      permission: handler.permission,
      successOutcomes: handler.successOutcomes,
      describe: (record) => handler.describe(record),
      finish: (job) => handler.finish(job),
      processItem: async (job, item) => {
        const outcome = await handler.processItem(job, item);
        if (++processed === 3) {
          crashing.abandon();
          throw new Error('simulated crash');
        }
        return outcome;
      },
    }));
    await crashing.runUntilIdle();

    const halfway = await readJob(server, hr, jobId);
    expect(halfway).toMatchObject({ status: 'RUNNING', attempts: 1, progress: { done: 2, total: 5 } });
    expect(await server.db.prisma.identity.count({ where: { galleryId } })).toBe(3);

    // A new runner cannot take the job while the lease holds, and resumes it once it expired.
    const resumed = server.services.jobs.createRunner(logger, { leaseMs: 1_000 });
    expect(await resumed.runOne()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await resumed.runUntilIdle();

    const job = await readJob(server, hr, jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 2, progress: { done: 5, total: 5 } });
    expect(job.items.edges.map((e) => [e.node.index, e.node.outcome])).toEqual([
      [0, 'ENROLLED'],
      [1, 'ENROLLED'],
      [2, 'ENROLLED'],
      [3, 'ENROLLED'],
      [4, 'ENROLLED'],
    ]);
    const identities = await server.db.prisma.identity.findMany({
      where: { galleryId },
      include: { _count: { select: { faces: true } } },
    });
    expect(identities.map((i) => i.externalId).sort()).toEqual(['R0', 'R1', 'R2', 'R3', 'R4']);
    expect(identities.every((i) => i._count.faces === 1)).toBe(true);
    const itemRows = await server.db.prisma.jobItem.count({ where: { jobId } });
    expect(itemRows).toBe(5);
    const faceIds = job.items.edges.map((e) => e.node.faceId);
    expect(new Set(faceIds).size).toBe(5);
    expect(await server.db.prisma.jobFile.count({ where: { jobId } })).toBe(0);
  });
});
