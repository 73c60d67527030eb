// A wrong photo can be removed: deleteFace and replaceFace over HTTP GraphQL on PGlite and PostgreSQL
// with real photos. Colin Powell's photo enrolled under another person is warned about (and the
// warning stays on that identity until resolved); deleting it is audited, purges the photo when
// nothing else uses it (kept while a match event's probe still does), and takes the face out of
// identify. replaceFace swaps a face in one audited transaction; a refusal keeps the old one.
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthHeaders } from '../../../test/auth-helpers.js';
import { createTestIdentity, startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { lfwImage } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';

const ENROLL = `
  mutation Enroll($identityId: ID!, $image: ImageInput!) {
    enrollFace(identityId: $identityId, image: $image) {
      __typename
      ... on Enrolled { face { id imageKey } warnings { code score identity { id } } }
    }
  }`;

const REPLACE = `
  mutation Replace($faceId: ID!, $image: ImageInput!) {
    replaceFace(faceId: $faceId, image: $image) {
      __typename
      ... on Enrolled { face { id imageKey } warnings { code } }
      ... on NoFace { message }
    }
  }`;

const DELETE = `
  mutation Delete($faceId: ID!) {
    deleteFace(faceId: $faceId) { faceId imageDeleted identity { id faceCount } }
  }`;

const WARNINGS = `
  query W($identityId: ID!) { faceWarnings(identityId: $identityId) { faceId code score message identity { id } } }`;

const IDENTIFY = `
  mutation Identify($galleryId: ID!, $image: ImageInput!) {
    identify(galleryId: $galleryId, image: $image, topK: 5) {
      faces { decision identity { id } candidates { score identity { id } face { id } } }
    }
  }`;

interface IdentifyBody {
  identify: {
    faces: Array<{
      decision: string;
      identity: { id: string } | null;
      candidates: Array<{ score: number; identity: { id: string }; face: { id: string } | null }>;
    }>;
  };
}

type Enrolled = {
  __typename: string;
  face: { id: string; imageKey: string };
  warnings: Array<Record<string, unknown>>;
};

async function photo(name: string, n: number): Promise<{ base64: string }> {
  return { base64: (await readFile(lfwImage(name, n))).toString('base64') };
}

describe.each(TEST_DATABASE_MODES)('deleting and replacing a wrong face on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let powell: string;
  let chavez: string;

  async function gql<T>(query: string, variables: Record<string, unknown>) {
    return server.graphql<T>(query, variables, admin);
  }

  async function enroll(identityId: string, image: { base64: string }): Promise<Enrolled> {
    const body = await gql<{ enrollFace: Enrolled }>(ENROLL, { identityId, image });
    expect(body.errors).toBeUndefined();
    expect(body.data?.enrollFace.__typename).toBe('Enrolled');
    return body.data!.enrollFace;
  }

  const createIdentity = (externalId: string, displayName: string) =>
    createTestIdentity(server, admin, { galleryId, externalId, displayName });

  async function identifyPowell() {
    const body = await gql<IdentifyBody>(IDENTIFY, { galleryId, image: await photo('Colin_Powell', 3) });
    expect(body.errors).toBeUndefined();
    return body.data!.identify.faces[0]!;
  }

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, {
      name: 'Staff',
      matchThreshold: 0.9,
      probeRetentionDays: 7,
    }));
    powell = await createIdentity('powell', 'Colin Powell');
    chavez = await createIdentity('chavez', 'Hugo Chavez');
    await enroll(powell, await photo('Colin_Powell', 1));
    await enroll(chavez, await photo('Hugo_Chavez', 1));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('keeps the looks-like warning on the identity until the wrong face is deleted; the delete is audited, the photo purged and the face gone from identify', async () => {
    const wrong = await enroll(chavez, await photo('Colin_Powell', 2));
    expect(wrong.warnings).toEqual([
      expect.objectContaining({ code: 'LIKELY_SAME_AS', identity: { id: powell } }),
    ]);

    const warnings = await gql<{ faceWarnings: Array<Record<string, unknown>> }>(WARNINGS, {
      identityId: chavez,
    });
    expect(warnings.errors).toBeUndefined();
    expect(warnings.data?.faceWarnings).toEqual([
      expect.objectContaining({ faceId: wrong.face.id, code: 'LIKELY_SAME_AS', identity: { id: powell } }),
    ]);
    expect(String(warnings.data?.faceWarnings[0]?.message)).toMatch(
      /^This photo looked like Colin Powell \(score 0\.9\d\d\)/,
    );

    const before = await identifyPowell();
    expect(before.candidates.some((c) => c.face?.id === wrong.face.id)).toBe(true);
    expect(await server.imageStore.has(wrong.face.imageKey)).toBe(true);

    const deleted = await gql<{
      deleteFace: { faceId: string; imageDeleted: boolean; identity: { id: string; faceCount: number } };
    }>(DELETE, { faceId: wrong.face.id });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteFace).toEqual({
      faceId: wrong.face.id,
      imageDeleted: true,
      identity: { id: chavez, faceCount: 1 },
    });
    expect(await server.db.prisma.face.count({ where: { id: wrong.face.id } })).toBe(0);
    expect(await server.imageStore.has(wrong.face.imageKey)).toBe(false);
    const entries = await server.db.prisma.auditEntry.findMany({ where: { action: 'face.delete' } });
    expect(entries.map((e) => ({ subject: e.subject, payload: e.payload }))).toEqual([
      { subject: `face:${wrong.face.id}`, payload: { identityId: chavez, galleryId } },
    ]);

    const after = await identifyPowell();
    expect(after.candidates.some((c) => c.face?.id === wrong.face.id)).toBe(false);
    expect(after.identity?.id).toBe(powell);
    expect(
      (await gql<{ faceWarnings: unknown[] }>(WARNINGS, { identityId: chavez })).data?.faceWarnings,
    ).toEqual([]);

    const again = await gql(DELETE, { faceId: wrong.face.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('keeps the photo of a deleted face while a match event still uses it as its probe', async () => {
    const wrong = await enroll(chavez, await photo('Colin_Powell', 2));
    // The same bytes probed: the gallery keeps probe images for 7 days.
    const probed = await gql<IdentifyBody>(IDENTIFY, { galleryId, image: await photo('Colin_Powell', 2) });
    expect(probed.errors).toBeUndefined();
    const deleted = await gql<{ deleteFace: { imageDeleted: boolean } }>(DELETE, { faceId: wrong.face.id });
    expect(deleted.data?.deleteFace.imageDeleted).toBe(false);
    expect(await server.imageStore.has(wrong.face.imageKey)).toBe(true);
    expect(await server.db.prisma.face.count({ where: { id: wrong.face.id } })).toBe(0);
  });

  it('replaces a face in one audited step, purging the old photo; a refused replacement keeps the old face', async () => {
    const wrong = await enroll(chavez, await photo('Colin_Powell', 4));
    expect(wrong.warnings).toHaveLength(1);

    const refused = await gql<{ replaceFace: { __typename: string } }>(REPLACE, {
      faceId: wrong.face.id,
      image: await photo('Tony_Blair', 1), // two faces in this photo
    });
    expect(refused.errors).toBeUndefined();
    expect(refused.data?.replaceFace.__typename).toBe('MultipleFaces');
    expect(await server.db.prisma.face.count({ where: { id: wrong.face.id } })).toBe(1);

    const replaced = await gql<{ replaceFace: Enrolled }>(REPLACE, {
      faceId: wrong.face.id,
      image: await photo('Hugo_Chavez', 2),
    });
    expect(replaced.errors).toBeUndefined();
    expect(replaced.data?.replaceFace).toMatchObject({ __typename: 'Enrolled', warnings: [] });
    const fresh = replaced.data!.replaceFace.face;
    expect(await server.db.prisma.face.count({ where: { id: wrong.face.id } })).toBe(0);
    expect(
      (await server.db.prisma.face.findMany({ where: { identityId: chavez }, select: { id: true } }))
        .map((f) => f.id)
        .sort(),
    ).toHaveLength(2);
    expect(await server.db.prisma.face.count({ where: { id: fresh.id, identityId: chavez } })).toBe(1);
    expect(await server.imageStore.has(wrong.face.imageKey)).toBe(false);
    const entry = await server.db.prisma.auditEntry.findFirst({ where: { action: 'face.replace' } });
    expect(entry?.subject).toBe(`face:${fresh.id}`);
    expect(entry?.payload).toMatchObject({ replacedFaceId: wrong.face.id, identityId: chavez, galleryId });
    expect(
      (await gql<{ faceWarnings: unknown[] }>(WARNINGS, { identityId: chavez })).data?.faceWarnings,
    ).toEqual([]);
  });

  it('resolveFaceWarning keeps the face, clears the warning and is audited', async () => {
    const lookalike = await enroll(chavez, await photo('Colin_Powell', 5));
    expect(lookalike.warnings).toHaveLength(1);
    const resolved = await gql<{ resolveFaceWarning: boolean }>(
      'mutation R($faceId: ID!) { resolveFaceWarning(faceId: $faceId) }',
      { faceId: lookalike.face.id },
    );
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data?.resolveFaceWarning).toBe(true);
    expect(
      (await gql<{ faceWarnings: unknown[] }>(WARNINGS, { identityId: chavez })).data?.faceWarnings,
    ).toEqual([]);
    expect(await server.db.prisma.face.count({ where: { id: lookalike.face.id } })).toBe(1);
    expect(await server.db.prisma.auditEntry.count({ where: { action: 'face.resolveWarning' } })).toBe(1);
  });
});
