import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createUser,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { errorCodeOf } from '../../../test/graphql-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

/** A random unit vector of 128 dimensions in pgvector's text form. */
function randomEmbedding(): string {
  const values = Array.from({ length: 128 }, () => Math.random() - 0.5);
  const norm = Math.hypot(...values);
  return `[${values.map((v) => (v / norm).toFixed(6)).join(',')}]`;
}

interface ErasureShape {
  identity: {
    id: string;
    status: string;
    displayName: string;
    externalId: string;
    metadata: unknown;
    faceCount: number;
  };
  facesDeleted: number;
  matchCandidatesDeleted: number;
  probesCleared: number;
  imagesDeleted: number;
}

const ERASE = `mutation ($id: ID!) { eraseIdentity(id: $id) {
  identity { id status displayName externalId metadata consentGivenAt consentGivenBy faceCount }
  facesDeleted matchCandidatesDeleted probesCleared imagesDeleted } }`;

describe.each(TEST_DATABASE_MODES)('eraseIdentity on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let hr: AuthHeaders;
  let galleryId: string;
  let erasedId: string;
  let keptId: string;
  const images: Record<'a1' | 'shared' | 'b1' | 'p1' | 'p2' | 'p3', string> = {} as never;
  const embeddings: Record<'a1' | 'a2' | 'probe1' | 'probe3', string> = {} as never;
  const events: Record<'e1' | 'e2' | 'e3', string> = {} as never;

  async function insertFace(identityId: string, imageKey: string, embedding: string): Promise<string> {
    const rows = await server.db.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO faces (id, identity_id, image_key, box, landmarks, quality, model_id, embedding)
      VALUES (gen_random_uuid(), ${identityId}::uuid, ${imageKey},
              '{"x":10,"y":10,"width":80,"height":80}'::jsonb, '[[30,40],[70,40],[50,60],[35,75],[65,75]]'::jsonb,
              '{"score":0.9}'::jsonb, 'faceapi-resnet128', ${embedding}::vector)
      RETURNING id::text AS id`;
    return rows[0]!.id;
  }

  async function insertEvent(probeImageKey: string, embedding: string): Promise<string> {
    const rows = await server.db.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO match_events (id, kind, gallery_id, probe_image_key, probe_sha256, threshold, model_id, decision, latency_ms, probe_embedding)
      VALUES (gen_random_uuid(), 'IDENTIFY'::"MatchKind", ${galleryId}::uuid, ${probeImageKey}, ${probeImageKey}, 0.6,
              'faceapi-resnet128', 'MATCH'::"MatchDecision", 12, ${embedding}::vector)
      RETURNING id::text AS id`;
    return rows[0]!.id;
  }

  async function storeImage(name: string, n: number): Promise<string> {
    return server.imageStore.put(await readFile(lfwImage(name, n)));
  }

  async function storedKeys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of server.imageStore.keys()) keys.push(key);
    return keys.sort();
  }

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await adminHeaders(server);
    hr = await createUserAndSignIn(server, 'HR');
    galleryId = (
      await server.graphql<{ createGallery: { id: string } }>(
        'mutation { createGallery(input: { name: "Erasure", matchThreshold: 0.6 }) { id } }',
        {},
        admin,
      )
    ).data!.createGallery.id;
    const create = async (externalId: string, displayName: string) =>
      (
        await server.graphql<{ createIdentity: { id: string } }>(
          'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
          {
            input: {
              galleryId,
              externalId,
              displayName,
              metadata: { badge: `${externalId}-badge`, note: `${displayName} works nights` },
              consentGivenAt: '2026-02-01T08:00:00Z',
              consentGivenBy: `${displayName} (signed)`,
            },
          },
          admin,
        )
      ).data!.createIdentity.id;
    erasedId = await create('EMP-ERASE-77', 'Colin Powell');
    keptId = await create('EMP-KEEP-12', 'Laura Bush');

    images.a1 = await storeImage('Colin_Powell', 1);
    images.shared = await storeImage('Colin_Powell', 2); // a photo where both people were enrolled
    images.b1 = await storeImage('Laura_Bush', 1);
    images.p1 = await storeImage('Colin_Powell', 3);
    images.p2 = await storeImage('Laura_Bush', 2);
    images.p3 = await storeImage('Colin_Powell', 4);
    await server.imageStore.thumbnail(images.a1, 64);

    embeddings.a1 = randomEmbedding();
    embeddings.a2 = randomEmbedding();
    embeddings.probe1 = randomEmbedding();
    embeddings.probe3 = randomEmbedding();
    const faceA1 = await insertFace(erasedId, images.a1, embeddings.a1);
    await insertFace(erasedId, images.shared, embeddings.a2);
    const faceB1 = await insertFace(keptId, images.b1, randomEmbedding());
    await insertFace(keptId, images.shared, randomEmbedding());

    // e1: the erased person came first and the kept one second; e2 named only the kept one;
    // e3 named the kept one, but a reviewer reassigned it to the erased person.
    events.e1 = await insertEvent(images.p1, embeddings.probe1);
    events.e2 = await insertEvent(images.p2, randomEmbedding());
    events.e3 = await insertEvent(images.p3, embeddings.probe3);
    await server.db.prisma.matchCandidate.createMany({
      data: [
        { eventId: events.e1, identityId: erasedId, faceId: faceA1, score: 0.81, rank: 1 },
        { eventId: events.e1, identityId: keptId, faceId: faceB1, score: 0.42, rank: 2 },
        { eventId: events.e2, identityId: keptId, faceId: faceB1, score: 0.77, rank: 1 },
        { eventId: events.e3, identityId: keptId, faceId: faceB1, score: 0.61, rank: 1 },
      ],
    });
    const reviewer = await createUser(server, 'REVIEWER');
    await server.db.prisma.review.create({
      data: { eventId: events.e3, reviewerId: reviewer.id, verdict: 'REASSIGN', targetIdentityId: erasedId },
    });
  });

  it('is refused to roles and keys without identities.erase', async () => {
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    expect((await server.graphql(ERASE, { id: erasedId }, reviewer)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const key = await createApiKey(server, ['enroll', 'read']);
    expect((await server.graphql(ERASE, { id: erasedId }, key)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const missing = await server.graphql(ERASE, { id: '00000000-0000-4000-8000-000000000000' }, hr);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await server.db.prisma.face.count({ where: { identityId: erasedId } })).toBe(2);
  });

  it('leaves no biometric or personal data of the erased identity, and the other identity intact', async () => {
    const keptBefore = await server.db.prisma.identity.findUnique({ where: { id: keptId } });
    const body = await server.graphql<{ eraseIdentity: ErasureShape }>(ERASE, { id: erasedId }, hr);
    expect(body.errors).toBeUndefined();
    expect(body.data!.eraseIdentity).toEqual({
      identity: {
        id: erasedId,
        status: 'ERASED',
        displayName: '[erased]',
        externalId: `erased:${erasedId}`,
        metadata: {},
        consentGivenAt: null,
        consentGivenBy: null,
        faceCount: 0,
      },
      facesDeleted: 2,
      matchCandidatesDeleted: 1,
      probesCleared: 2,
      imagesDeleted: 3,
    });

    const prisma = server.db.prisma;
    // faces and embeddings
    expect(await prisma.face.count({ where: { identityId: erasedId } })).toBe(0);
    for (const embedding of [embeddings.a1, embeddings.a2, embeddings.probe1, embeddings.probe3]) {
      const [hits] = await prisma.$queryRaw<Array<{ faces: number; probes: number }>>`
        SELECT (SELECT count(*)::int FROM faces WHERE embedding = ${embedding}::vector) AS faces,
               (SELECT count(*)::int FROM match_events WHERE probe_embedding = ${embedding}::vector) AS probes`;
      expect(hits).toEqual({ faces: 0, probes: 0 });
    }
    expect(await prisma.face.count({ where: { identityId: keptId } })).toBe(2);
    // match candidates and probes
    expect(await prisma.matchCandidate.count({ where: { identityId: erasedId } })).toBe(0);
    expect(await prisma.matchCandidate.count({ where: { identityId: keptId } })).toBe(3);
    const probes = await prisma.$queryRaw<
      Array<{ id: string; probe_image_key: string | null; has_embedding: boolean }>
    >`
      SELECT id::text AS id, probe_image_key, probe_embedding IS NOT NULL AS has_embedding FROM match_events`;
    const probeOf = (id: string) => probes.find((p) => p.id === id);
    expect(probeOf(events.e1)).toMatchObject({ probe_image_key: null, has_embedding: false });
    expect(probeOf(events.e3)).toMatchObject({ probe_image_key: null, has_embedding: false });
    expect(probeOf(events.e2)).toMatchObject({ probe_image_key: images.p2, has_embedding: true });
    // the tombstone row holds nothing about the person
    const [row] = await prisma.$queryRaw<
      Array<Record<string, unknown>>
    >`SELECT * FROM identities WHERE id = ${erasedId}::uuid`;
    expect(row).toMatchObject({
      status: 'ERASED',
      display_name: '[erased]',
      metadata: {},
      consent_given_at: null,
      consent_given_by: null,
    });
    expect(JSON.stringify(row)).not.toMatch(/Colin|Powell|EMP-ERASE-77|badge|nights|signed/);
    expect(await prisma.identity.findUnique({ where: { id: keptId } })).toEqual(keptBefore);
    // the image store: only images another face or match event still uses
    expect(await storedKeys()).toEqual([images.shared, images.b1, images.p2].sort());
    for (const key of [images.a1, images.p1, images.p3]) expect(await server.imageStore.get(key)).toBeNull();
    expect(await server.imageStore.thumbnail(images.a1, 64)).toBeNull();
    // the audit trail keeps the id and the counts, never the person
    const entry = await prisma.auditEntry.findFirst({
      where: { subject: `identity:${erasedId}`, action: 'identity.erase' },
    });
    expect(entry?.payload).toEqual({
      galleryId,
      alreadyErased: false,
      facesDeleted: 2,
      faceEmbeddingsDeleted: 0,
      matchCandidatesDeleted: 1,
      probesCleared: 2,
      reviewNotesRedacted: 0,
      jobItemsCleared: 0,
      jobFilesDeleted: 0,
      uploadsDeleted: 0,
      sightingsCleared: 0,
      clustersCleared: 0,
      imagesToDelete: 3,
    });
    const ledger = await prisma.auditEntry.findMany();
    expect(
      JSON.stringify(ledger, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ).not.toMatch(/Colin|Powell|EMP-ERASE-77|badge/);
  });

  it('keeps the tombstone out of default lists, frees its externalId, and refuses changes to it', async () => {
    const list = await server.graphql<{ identities: { edges: Array<{ node: { id: string } }> } }>(
      'query ($g: ID!) { identities(galleryId: $g) { edges { node { id } } } }',
      { g: galleryId },
      admin,
    );
    expect(list.data?.identities.edges.map((e) => e.node.id)).toEqual([keptId]);
    const again = await server.graphql(
      'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      { input: { galleryId, externalId: 'EMP-ERASE-77', displayName: 'Re-enrolled later' } },
      admin,
    );
    expect(again.errors).toBeUndefined();
    const update = await server.graphql(
      'mutation ($id: ID!) { updateIdentity(id: $id, input: { displayName: "Back" }) { id } }',
      { id: erasedId },
      admin,
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    const reactivate = 'mutation ($id: ID!) { reactivateIdentity(id: $id) { id } }';
    expect(await errorCodeOf(server, reactivate, { id: erasedId }, admin)).toBe('BAD_INPUT');
  });

  it('erasing again changes nothing, reports zero and is audited', async () => {
    const body = await server.graphql<{ eraseIdentity: ErasureShape }>(ERASE, { id: erasedId }, admin);
    expect(body.data?.eraseIdentity).toMatchObject({
      facesDeleted: 0,
      matchCandidatesDeleted: 0,
      probesCleared: 0,
      imagesDeleted: 0,
    });
    const entries = await server.db.prisma.auditEntry.findMany({
      where: { subject: `identity:${erasedId}`, action: 'identity.erase' },
    });
    expect(entries.map((e) => (e.payload as { alreadyErased: boolean }).alreadyErased)).toEqual([
      false,
      true,
    ]);
  });
});
