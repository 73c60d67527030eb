// Identify's calibrated threshold over HTTP GraphQL, on PGlite and on PostgreSQL: it follows the
// gallery's number of ACTIVE identities and its target FPIR, an override replaces it, and the
// estimated FPIR of an override below the calibrated threshold exceeds the target.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { identifyThreshold } from '@faceledger/recognition/identify';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, type AuthHeaders } from '../../../test/auth-helpers.js';
import { addGallery } from '../../../test/graphql-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const GALLERY = `
  query G($id: ID!) {
    gallery(id: $id) {
      matchThreshold identifyTargetFpir identifyThreshold identifyThresholdSource identifyThresholdOverride estimatedFpir
      identityCount
    }
  }`;

interface GalleryBody {
  matchThreshold: number;
  identifyTargetFpir: number;
  identifyThreshold: number | null;
  identifyThresholdSource: string;
  identifyThresholdOverride: number | null;
  estimatedFpir: number | null;
  identityCount: number;
}

describe.each(TEST_DATABASE_MODES)('identify threshold of a gallery on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let added = 0;

  async function read(): Promise<GalleryBody> {
    const body = await server.graphql<{ gallery: GalleryBody }>(GALLERY, { id: galleryId }, admin);
    expect(body.errors).toBeUndefined();
    return body.data!.gallery;
  }

  async function growTo(n: number): Promise<void> {
    const data = [];
    for (; added < n; added++)
      data.push({ galleryId, externalId: `p${added}`, displayName: `Person ${added}` });
    await server.db.prisma.identity.createMany({ data });
  }

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await adminHeaders(server);
    galleryId = await addGallery(server, { name: 'Calibrated' }, admin);
  });

  it('defaults to target FPIR 1e-2 and a calibrated threshold well above the pair threshold', async () => {
    const g = await read();
    expect(g.identifyTargetFpir).toBe(0.01);
    expect(g.identifyThresholdSource).toBe('CALIBRATED');
    expect(g.identifyThresholdOverride).toBeNull();
    expect(g.matchThreshold).toBeCloseTo(0.911, 3);
    expect(g.identifyThreshold!).toBeGreaterThan(g.matchThreshold + 0.04);
    expect(g.estimatedFpir).toBeCloseTo(0.01, 6);
  });

  it('changes with the number of ACTIVE identities as the gallery grows, and erased ones do not count', async () => {
    const seen: number[] = [];
    for (const n of [10, 50, 200, 826, 2000]) {
      await growTo(n);
      const g = await read();
      expect(g.identityCount).toBe(n);
      expect(g.identifyThreshold).toBeCloseTo(identifyThreshold('faceapi-resnet128', 0.01, n), 9);
      seen.push(g.identifyThreshold!);
    }
    expect(new Set(seen.map((t) => t.toFixed(4))).size).toBeGreaterThanOrEqual(4);
    // Past the largest measured size (826) it never falls below the threshold measured there.
    expect(seen[4]).toBeGreaterThanOrEqual(seen[3]!);
    const before = (await read()).identifyThreshold;
    await server.db.prisma.identity.updateMany({
      where: { galleryId, externalId: { in: Array.from({ length: 1950 }, (_, i) => `p${i}`) } },
      data: { status: 'ERASED' },
    });
    const after = await read();
    expect(after.identityCount).toBe(50);
    expect(after.identifyThreshold).toBeCloseTo(identifyThreshold('faceapi-resnet128', 0.01, 50), 9);
    expect(after.identifyThreshold).not.toBeCloseTo(before!, 3);
  });

  it('a stricter target gives a higher threshold; an override below it reports an estimated FPIR above the target', async () => {
    const set = async (input: Record<string, unknown>) => {
      const body = await server.graphql(
        'mutation U($id: ID!, $input: UpdateGalleryInput!) { updateGallery(id: $id, input: $input) { id } }',
        { id: galleryId, input },
        admin,
      );
      return body;
    };
    const loose = (await read()).identifyThreshold!;
    expect((await set({ identifyTargetFpir: 0.001 })).errors).toBeUndefined();
    const strict = await read();
    expect(strict.identifyThreshold!).toBeGreaterThan(loose);
    expect(strict.estimatedFpir).toBeCloseTo(0.001, 6);

    expect((await set({ identifyThresholdOverride: 0.93 })).errors).toBeUndefined();
    const overridden = await read();
    expect(overridden.identifyThresholdSource).toBe('OVERRIDE');
    expect(overridden.identifyThreshold).toBe(0.93);
    expect(overridden.estimatedFpir!).toBeGreaterThan(overridden.identifyTargetFpir);

    // At the default target too: an override looser than the calibrated threshold estimates above it.
    expect((await set({ identifyTargetFpir: 0.01 })).errors).toBeUndefined();
    const looser = await read();
    expect(looser.identifyThreshold).toBe(0.93);
    expect(looser.estimatedFpir!).toBeGreaterThan(0.01);

    expect((await set({ clearIdentifyThresholdOverride: true })).errors).toBeUndefined();
    expect((await read()).identifyThresholdSource).toBe('CALIBRATED');

    const bad = await set({ identifyTargetFpir: 0.0001 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/identifyTargetFpir must be from 0.001/);

    // An override spans what identify's score can reach (1 + 2 x 0.75), as identify's own threshold does.
    expect((await set({ identifyThresholdOverride: 2.4 })).errors).toBeUndefined();
    expect((await read()).identifyThreshold).toBe(2.4);
    const tooHigh = await set({ identifyThresholdOverride: 2.6 });
    expect(tooHigh.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(tooHigh.errors?.[0]?.message).toMatch(/at most 2.5/);
  });
});
