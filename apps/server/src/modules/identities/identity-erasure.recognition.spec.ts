// Erasure with the real engine and real photos, on PGlite and PostgreSQL: every template derived
// from the person (probes of other galleries matching its faces, probes that were its enrolled
// photos, compareFaces), its job rows, uploads and review notes go, and a raw read of the database
// files afterwards finds none of its embedding floats, names or photo hashes.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { scanDatabaseFiles, vectorBytes } from '../../../test/raw-scan.js';
import { lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

const NAME = 'Colin Powell';
const EXTERNAL_ID = 'EMP-CP-4471';
const BADGE = 'badge-cp-90817';

interface EventRow {
  id: string;
  kind: string;
  probe_sha256: string;
  probe_image_key: string | null;
  embedding: string | null;
}

describe.each(TEST_DATABASE_MODES)('erasure of derived data on %s (real engine)', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let staffId: string;
  let visitorsId: string;
  let personId: string;
  let keptId: string;
  const photos = new Map<string, Buffer>();
  const events: Record<'otherPhoto' | 'enrolledPhoto' | 'compare' | 'named' | 'kept', string> = {} as never;

  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const image = (name: string) => ({ base64: photos.get(name)!.toString('base64') });

  async function gql<T>(query: string, variables: Record<string, unknown>, headers: AuthHeaders = admin) {
    const body = await server.graphql<T>(query, variables, headers);
    expect(body.errors).toBeUndefined();
    return body.data!;
  }

  async function createGallery(name: string): Promise<string> {
    return (
      await gql<{ createGallery: { id: string } }>(
        'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
        { input: { name, probeRetentionDays: 7 } },
      )
    ).createGallery.id;
  }

  async function enrolled(galleryId: string, externalId: string, displayName: string, files: string[]) {
    const id = (
      await gql<{ createIdentity: { id: string } }>(
        'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        {
          input: {
            galleryId,
            externalId,
            displayName,
            metadata: { badge: externalId === EXTERNAL_ID ? BADGE : 'other' },
          },
        },
      )
    ).createIdentity.id;
    for (const file of files) {
      const body = await gql<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id, image: image(file) },
      );
      expect(body.enrollFace.__typename).toBe('Enrolled');
    }
    return id;
  }

  async function identify(galleryId: string, file: string) {
    const body = await gql<{
      identify: { faces: Array<{ eventId: string; candidates: Array<{ identity: { id: string } }> }> };
    }>(
      'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { faces { eventId candidates { identity { id } } } } }',
      { g: galleryId, image: image(file) },
    );
    expect(body.identify.faces).toHaveLength(1);
    return body.identify.faces[0]!;
  }

  async function eventRows(): Promise<Map<string, EventRow>> {
    const rows = await server.db.prisma.$queryRaw<EventRow[]>`
      SELECT id::text AS id, kind::text AS kind, probe_sha256, probe_image_key, probe_embedding::text AS embedding
      FROM match_events`;
    return new Map(rows.map((r) => [r.id, r]));
  }

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    admin = await adminHeaders(server);
    for (const [person, n] of [
      ['Colin_Powell', 1],
      ['Colin_Powell', 2],
      ['Colin_Powell', 3],
      ['Colin_Powell', 4],
      ['Laura_Bush', 1],
      ['Laura_Bush', 3],
      ['Jacques_Chirac', 1],
    ] as const) {
      photos.set(`${person}_${n}`, await readFile(lfwImage(person, n)));
    }
    staffId = await createGallery('Staff');
    visitorsId = await createGallery('Visitors');
    personId = await enrolled(staffId, EXTERNAL_ID, NAME, ['Colin_Powell_1', 'Colin_Powell_2']);
    keptId = await enrolled(staffId, 'EMP-LB-2', 'Laura Bush', ['Laura_Bush_1']);
    await enrolled(visitorsId, 'V-JC-1', 'Jacques Chirac', ['Jacques_Chirac_1']);

    // Another gallery, where the person is not enrolled: a new photo of them, and one of their enrolled photos.
    events.otherPhoto = (await identify(visitorsId, 'Colin_Powell_3')).eventId;
    events.enrolledPhoto = (await identify(visitorsId, 'Colin_Powell_1')).eventId;
    events.kept = (await identify(visitorsId, 'Laura_Bush_3')).eventId;
    // Their own gallery: they are the top candidate, and a reviewer rejects (a negative exemplar naming them).
    const named = await identify(staffId, 'Colin_Powell_4');
    expect(named.candidates[0]?.identity.id).toBe(personId);
    events.named = named.eventId;
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    await gql(
      'mutation ($e: ID!) { reviewMatch(eventId: $e, verdict: REJECT, note: "Not colin powell: EMP-CP-4471 was abroad.") { id } }',
      { e: events.named },
      reviewer,
    );
    events.compare = (
      await gql<{ compareFaces: { eventId: string } }>(
        'mutation ($a: ImageInput!, $b: ImageInput!) { compareFaces(imageA: $a, imageB: $b) { eventId } }',
        { a: image('Colin_Powell_1'), b: image('Laura_Bush_1') },
      )
    ).compareFaces.eventId;

    // A bulk import that named them (done) and one still waiting with their photo among its files,
    // and a pending upload of their photo.
    const prisma = server.db.prisma;
    await prisma.job.create({
      data: {
        kind: 'BULK_IMPORT',
        galleryId: staffId,
        label: 'staff.csv',
        createdBy: 'user:00000000-0000-4000-8000-000000000001',
        total: 2,
        items: {
          create: [
            {
              index: 0,
              input: { line: 2, externalId: EXTERNAL_ID, name: NAME, photo: 'cp.jpg' },
              outcome: 'ENROLLED',
              message: 'Enrolled.',
              result: { identityId: personId },
              processedAt: new Date(),
            },
            {
              index: 1,
              input: { line: 3, externalId: 'EMP-LB-2', name: 'Laura Bush', photo: 'lb.jpg' },
              outcome: 'ENROLLED',
              message: 'Enrolled.',
              result: { identityId: keptId },
              processedAt: new Date(),
            },
          ],
        },
        files: {
          create: [
            { name: 'cp.jpg', data: new Uint8Array(photos.get('Colin_Powell_2')!) },
            { name: 'lb.jpg', data: new Uint8Array(photos.get('Laura_Bush_1')!) },
          ],
        },
      },
    });
    // An evaluation whose set held another photo of them (and one of someone else).
    const probes = await eventRows();
    const float32Base64 = (text: string) =>
      Buffer.from(Float32Array.from(text.slice(1, -1).split(','), Number).buffer).toString('base64');
    await prisma.job.create({
      data: {
        kind: 'EVALUATION',
        galleryId: staffId,
        label: 'set.zip',
        createdBy: 'user:00000000-0000-4000-8000-000000000001',
        payload: { galleryId: staffId, modelId: 'faceapi-resnet128', thresholdAtStart: 0.91, pairs: [] },
        status: 'SUCCEEDED',
        total: 2,
        items: {
          create: [
            {
              index: 0,
              input: { path: 'Colin_Powell/Colin_Powell_0003.jpg' },
              outcome: 'EMBEDDED',
              result: { embedding: float32Base64(probes.get(events.otherPhoto)!.embedding!) },
              processedAt: new Date(),
            },
            {
              index: 1,
              input: { path: 'Laura_Bush/Laura_Bush_0003.jpg' },
              outcome: 'EMBEDDED',
              result: { embedding: float32Base64(probes.get(events.kept)!.embedding!) },
              processedAt: new Date(),
            },
          ],
        },
      },
    });
    // Pending uploads: one of their enrolled photos, the probe photo of another gallery, someone else's.
    await prisma.pendingUpload.createMany({
      data: ['Colin_Powell_1', 'Colin_Powell_3', 'Laura_Bush_3'].map((name) => ({
        imageKey: sha(photos.get(name)!),
        owner: 'user:00000000-0000-4000-8000-000000000002',
        expiresAt: new Date(Date.now() + 3_600_000),
      })),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('compareFaces keeps no embedding (and never the images)', async () => {
    const compare = (await eventRows()).get(events.compare)!;
    expect(compare).toMatchObject({
      kind: 'COMPARE',
      embedding: null,
      probe_image_key: null,
      probe_sha256: sha(photos.get('Colin_Powell_1')!),
    });
  });

  it('clears every probe derived from the person in every gallery, their job rows, upload and review note, and nothing of others', async () => {
    const before = await eventRows();
    for (const id of [events.otherPhoto, events.enrolledPhoto, events.named, events.kept]) {
      expect(before.get(id)?.embedding).not.toBeNull();
    }
    expect(before.get(events.otherPhoto)?.probe_image_key).toBe(sha(photos.get('Colin_Powell_3')!));

    const result = await gql<{
      eraseIdentity: { facesDeleted: number; probesCleared: number; imagesDeleted: number };
    }>('mutation ($id: ID!) { eraseIdentity(id: $id) { facesDeleted probesCleared imagesDeleted } }', {
      id: personId,
    });
    // the two Staff probes are not both certain to name them, so only a lower bound for events
    expect(result.eraseIdentity.facesDeleted).toBe(2);
    expect(result.eraseIdentity.probesCleared).toBeGreaterThanOrEqual(4);

    const after = await eventRows();
    for (const id of [events.otherPhoto, events.enrolledPhoto, events.named, events.compare]) {
      expect(after.get(id)).toMatchObject({ embedding: null, probe_image_key: null, probe_sha256: '' });
    }
    expect(after.get(events.kept)).toMatchObject({
      probe_sha256: sha(photos.get('Laura_Bush_3')!),
      probe_image_key: sha(photos.get('Laura_Bush_3')!),
    });
    expect(after.get(events.kept)?.embedding).not.toBeNull();

    const prisma = server.db.prisma;
    const items = await prisma.jobItem.findMany({
      orderBy: { index: 'asc' },
      include: { job: { select: { kind: true } } },
    });
    const itemsOf = (kind: string) => items.filter((i) => i.job.kind === kind);
    expect(itemsOf('BULK_IMPORT').map((i) => [i.input, i.message, i.outcome])).toEqual([
      [{ line: 2 }, null, 'ENROLLED'],
      [{ line: 3, externalId: 'EMP-LB-2', name: 'Laura Bush', photo: 'lb.jpg' }, 'Enrolled.', 'ENROLLED'],
    ]);
    const evaluation = itemsOf('EVALUATION');
    expect(evaluation[0]).toMatchObject({ input: {}, result: null });
    expect(evaluation[1]).toMatchObject({ input: { path: 'Laura_Bush/Laura_Bush_0003.jpg' } });
    expect((evaluation[1]?.result as { embedding?: string }).embedding).toEqual(expect.any(String));
    expect((await prisma.jobFile.findMany()).map((f) => f.name)).toEqual(['lb.jpg']);
    expect((await prisma.pendingUpload.findMany()).map((u) => u.imageKey)).toEqual([
      sha(photos.get('Laura_Bush_3')!),
    ]);
    expect((await prisma.review.findFirst())?.note).toBe('Not [erased]: [erased] was abroad.');

    // Images: their photos and the probes of the cleared events are gone; the kept probe stays.
    for (const name of ['Colin_Powell_1', 'Colin_Powell_2', 'Colin_Powell_3', 'Colin_Powell_4']) {
      expect(await server.imageStore.has(sha(photos.get(name)!))).toBe(false);
    }
    expect(await server.imageStore.has(sha(photos.get('Laura_Bush_3')!))).toBe(true);
  });
});

describe.each(TEST_DATABASE_MODES)('the database files after an erasure on %s (real engine)', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let personId: string;
  const needles: Record<string, Uint8Array> = {};

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    admin = await adminHeaders(server);
    const galleryId = (
      await server.graphql<{ createGallery: { id: string } }>(
        'mutation { createGallery(input: { name: "Scan", probeRetentionDays: 7 }) { id } }',
        {},
        admin,
      )
    ).data!.createGallery.id;
    const identity = await server.graphql<{ createIdentity: { id: string } }>(
      'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      {
        input: {
          galleryId,
          externalId: EXTERNAL_ID,
          displayName: NAME,
          metadata: { badge: BADGE },
          consentGivenBy: `${NAME} (signed)`,
          consentGivenAt: '2026-02-01T08:00:00Z',
        },
      },
      admin,
    );
    personId = identity.data!.createIdentity.id;
    for (const n of [1, 2]) {
      const enroll = await server.graphql<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id: personId, image: { base64: (await readFile(lfwImage('Colin_Powell', n))).toString('base64') } },
        admin,
      );
      expect(enroll.data?.enrollFace.__typename).toBe('Enrolled');
    }
    const probe = await server.graphql<{ identify: { faces: Array<{ eventId: string }> } }>(
      'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { faces { eventId } } }',
      { g: galleryId, image: { base64: (await readFile(lfwImage('Colin_Powell', 3))).toString('base64') } },
      admin,
    );
    expect(probe.errors).toBeUndefined();
    // A review note and a bulk-import row that name them.
    const reviewed = await server.graphql(
      'mutation ($e: ID!) { reviewMatch(eventId: $e, verdict: CONFIRM, note: "Colin Powell, EMP-CP-4471, at gate 3") { id } }',
      { e: probe.data!.identify.faces[0]!.eventId },
      admin,
    );
    expect(reviewed.errors).toBeUndefined();
    await server.db.prisma.job.create({
      data: {
        kind: 'BULK_IMPORT',
        galleryId,
        createdBy: 'user:00000000-0000-4000-8000-000000000001',
        total: 1,
        items: {
          create: [{ index: 0, input: { line: 2, externalId: EXTERNAL_ID, name: NAME, photo: 'cp.jpg' } }],
        },
      },
    });

    const prisma = server.db.prisma;
    const templates = await prisma.$queryRaw<Array<{ embedding: string }>>`
      SELECT embedding::text AS embedding FROM faces WHERE identity_id = ${personId}::uuid
      UNION ALL SELECT probe_embedding::text FROM match_events WHERE probe_embedding IS NOT NULL`;
    expect(templates).toHaveLength(3);
    templates.forEach((t, i) => (needles[`embedding ${i}`] = vectorBytes(t.embedding)));
    // The probe as a model migration carries it to another model (probe_embeddings, kept for a REJECT).
    const halves = templates[2]!.embedding.replace(/[[\]]/g, '').split(',').map((v) => Math.fround(Number(v) / 2));
    const carried = `[${halves.join(',')}]`;
    await prisma.$executeRaw`
      INSERT INTO probe_embeddings (event_id, model_id, embedding)
      VALUES (${probe.data!.identify.faces[0]!.eventId}::uuid, 'human-mobileface', ${carried}::vector)`;
    needles['carried probe embedding'] = vectorBytes(carried);
    const keys = await prisma.face.findMany({ where: { identityId: personId }, select: { imageKey: true } });
    keys.forEach((k, i) => (needles[`photo sha256 ${i}`] = Buffer.from(k.imageKey)));
    needles.name = Buffer.from(NAME);
    needles.externalId = Buffer.from(EXTERNAL_ID);
    needles.metadata = Buffer.from(BADGE);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds the person in the files before, and none of their floats, names or photo hashes after', async () => {
    // As autovacuum's auto-analyze would: statistics must not copy their values into pg_statistic.
    await server.db.prisma.$executeRawUnsafe('ANALYZE');
    const before = new Set((await scanDatabaseFiles(server.db.prisma, needles)).map((h) => h.needle));
    expect([...before].sort()).toEqual(Object.keys(needles).sort());

    const erased = await server.graphql(
      'mutation ($id: ID!) { eraseIdentity(id: $id) { facesDeleted } }',
      { id: personId },
      admin,
    );
    expect(erased.errors).toBeUndefined();
    expect(await scanDatabaseFiles(server.db.prisma, needles)).toEqual([]);
  });
});
