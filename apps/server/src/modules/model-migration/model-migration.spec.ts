// Acceptance of model migration on real LFW photos, on PGlite and on PostgreSQL: a gallery of a few
// people moves from the default model to human-mobileface (a registered model of another width):
// the job re-embeds each face from its stored photo and lists the one whose photo is gone, shadow
// mode scores identify's probe with both models, the switch changes model and thresholds, identify
// answers MATCH with the new model, the rollback goes back and identify answers with the original;
// erasing a person then leaves none of its kept embeddings' bytes in the database files.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { addGallery, addIdentity, errorCodeOf } from '../../../test/graphql-helpers.js';
import { scanDatabaseFiles, vectorBytes } from '../../../test/raw-scan.js';
import { lfwInput } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const TARGET = 'human-mobileface';
/** Two photos each of three people; Ann Veneman's one photo is removed from the image store. */
const PEOPLE = ['Colin_Powell', 'Tony_Blair', 'Hugo_Chavez'] as const;
const PROBE = { person: 'Colin_Powell', photo: 3 } as const;

const MIGRATION_FIELDS = `id status fromModelId toModelId jobId jobStatus progress { done total }
  jobError missingFaces { faceId identityId reason message } missingFaceCount
  shadow { probes sameDecision sameTopIdentity currentMatches targetMatches }
  targetMatchThreshold targetIdentifyThreshold targetIdentifyThresholdSource switchedAt rolledBackAt`;

interface MigrationShape {
  id: string;
  status: string;
  fromModelId: string;
  toModelId: string;
  jobId: string | null;
  jobStatus: string | null;
  progress: { done: number; total: number };
  missingFaces: Array<{ faceId: string; identityId: string; reason: string; message: string }>;
  missingFaceCount: number;
  shadow: {
    probes: number;
    sameDecision: number;
    sameTopIdentity: number;
    currentMatches: number;
    targetMatches: number;
  };
  targetMatchThreshold: number;
  targetIdentifyThreshold: number;
  targetIdentifyThresholdSource: string;
  errorRates?: Array<{
    modelId: string;
    threshold: number | null;
    matedSearches: number;
    nonMatedSearches: number;
    fnir: number | null;
    fpir: number | null;
    facesWithoutEmbedding: number;
  }>;
}

describe.each(TEST_DATABASE_MODES)('model migration on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started), { recognition: true });
  let admin: AuthHeaders;
  let galleryId: string;
  const identities = new Map<string, string>();
  let missingFaceId: string;

  async function enroll(
    identityId: string,
    person: string,
    photo: number,
  ): Promise<{ id: string; imageKey: string }> {
    const body = await server.graphql<{
      enrollFace: { __typename: string; face?: { id: string; imageKey: string } };
    }>(
      // The largest face: some LFW photos show bystanders too (re-embedding finds it again by its box).
      'mutation ($identityId: ID!, $image: ImageInput!) { enrollFace(identityId: $identityId, image: $image, face: { index: 0 }) { __typename ... on Enrolled { face { id imageKey } } } }',
      { identityId, image: await lfwInput(person, photo) },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.enrollFace.__typename).toBe('Enrolled');
    return body.data!.enrollFace.face!;
  }

  async function identify(): Promise<{
    modelId: string;
    decision: string;
    identityId: string | null;
    score: number | null;
  }> {
    const body = await server.graphql<{
      identify: {
        modelId: string;
        faces: Array<{ decision: string; score: number | null; identity: { id: string } | null }>;
      };
    }>(
      'mutation ($galleryId: ID!, $image: ImageInput!) { identify(galleryId: $galleryId, image: $image) { modelId faces { decision score identity { id } } } }',
      { galleryId, image: await lfwInput(PROBE.person, PROBE.photo) },
      admin,
    );
    expect(body.errors).toBeUndefined();
    const face = body.data!.identify.faces[0]!;
    return {
      modelId: body.data!.identify.modelId,
      decision: face.decision,
      identityId: face.identity?.id ?? null,
      score: face.score,
    };
  }

  async function state(
    withRates = false,
  ): Promise<{ currentModelId: string; availableModelIds: string[]; migration: MigrationShape | null }> {
    const body = await server.graphql<{
      galleryModelMigration: {
        currentModelId: string;
        availableModelIds: string[];
        migration: MigrationShape | null;
      };
    }>(
      `query ($galleryId: ID!) { galleryModelMigration(galleryId: $galleryId) { currentModelId availableModelIds
        migration { ${MIGRATION_FIELDS} ${withRates ? 'errorRates { modelId threshold matedSearches nonMatedSearches fnir fpir facesWithoutEmbedding }' : ''} } } }`,
      { galleryId },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.galleryModelMigration;
  }

  async function gallery(): Promise<{
    embeddingModelId: string;
    matchThreshold: number;
    identifyThreshold: number | null;
    identifyThresholdOverride: number | null;
  }> {
    const body = await server.graphql<{
      gallery: {
        embeddingModelId: string;
        matchThreshold: number;
        identifyThreshold: number | null;
        identifyThresholdOverride: number | null;
      };
    }>(
      'query ($id: ID!) { gallery(id: $id) { embeddingModelId matchThreshold identifyThreshold identifyThresholdOverride } }',
      { id: galleryId },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.gallery;
  }

  const mutate = (name: 'switchGalleryModel' | 'rollbackGalleryModel', acceptMissingFaces?: boolean) =>
    server.graphql<Record<string, MigrationShape>>(
      `mutation ($galleryId: ID!, $accept: Boolean) { ${name}(galleryId: $galleryId, acceptMissingFaces: $accept) { ${MIGRATION_FIELDS} } }`,
      { galleryId, accept: acceptMissingFaces ?? null },
      admin,
    );

  beforeAll(async () => {
    admin = await adminHeaders(server);
    galleryId = await addGallery(server, { name: `migration-${mode}` }, admin);
    for (const person of PEOPLE) {
      const id = await addIdentity(
        server,
        { galleryId, externalId: person, displayName: person.replace('_', ' ') },
        admin,
      );
      identities.set(person, id);
      await enroll(id, person, 1);
      await enroll(id, person, 2);
    }
    const ann = await addIdentity(
      server,
      { galleryId, externalId: 'Ann_Veneman', displayName: 'Ann Veneman' },
      admin,
    );
    const lost = await enroll(ann, 'Ann_Veneman', 1);
    missingFaceId = lost.id;
    await server.imageStore.delete(lost.imageKey);
  });

  it('refuses a HR user, an unknown model and the model the gallery already uses', async () => {
    const hr = await createUserAndSignIn(server, 'HR');
    const start =
      'mutation ($galleryId: ID!, $model: String!) { startModelMigration(galleryId: $galleryId, targetModelId: $model) { id } }';
    expect(await errorCodeOf(server, start, { galleryId, model: TARGET }, hr)).toBe('FORBIDDEN');
    expect(await errorCodeOf(server, start, { galleryId, model: 'no-such-model' }, admin)).toBe('BAD_INPUT');
    expect(await errorCodeOf(server, start, { galleryId, model: 'faceapi-resnet128' }, admin)).toBe(
      'BAD_INPUT',
    );
    expect((await mutate('switchGalleryModel')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await mutate('rollbackGalleryModel')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('migrates to another model, shadows, switches, identifies, rolls back and identifies again', async () => {
    const before = await gallery();
    expect(before.embeddingModelId).toBe('faceapi-resnet128');
    const original = await identify();
    expect(original).toMatchObject({
      modelId: 'faceapi-resnet128',
      decision: 'MATCH',
      identityId: identities.get(PROBE.person),
    });
    expect((await state()).availableModelIds).toContain(TARGET);

    const started = await server.graphql<{ startModelMigration: MigrationShape }>(
      `mutation ($galleryId: ID!) { startModelMigration(galleryId: $galleryId, targetModelId: "${TARGET}") { ${MIGRATION_FIELDS} } }`,
      { galleryId },
      admin,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.startModelMigration).toMatchObject({
      status: 'RE_EMBEDDING',
      fromModelId: 'faceapi-resnet128',
      toModelId: TARGET,
      jobStatus: 'QUEUED',
      progress: { done: 0, total: 7 },
    });
    // Not switchable while re-embedding.
    expect((await mutate('switchGalleryModel', true)).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    const shadowing = (await state()).migration!;
    expect((shadowing as unknown as { jobError: string | null }).jobError).toBeNull();
    expect(shadowing).toMatchObject({
      status: 'SHADOW',
      jobStatus: 'SUCCEEDED',
      progress: { done: 7, total: 7 },
      missingFaceCount: 1,
    });
    expect(shadowing.missingFaces).toEqual([
      expect.objectContaining({ faceId: missingFaceId, reason: 'IMAGE_MISSING' }),
    ]);
    // The new embeddings sit beside the old ones: 6 kept, of the target's width; faces are unchanged.
    const kept = await server.db.prisma.$queryRaw<Array<{ n: number; dims: number }>>`
      SELECT count(*)::int AS n, max(vector_dims(embedding))::int AS dims FROM face_embeddings WHERE model_id = ${TARGET}`;
    expect(kept[0]).toEqual({ n: 6, dims: 256 });
    expect(await server.db.prisma.face.count({ where: { modelId: 'faceapi-resnet128' } })).toBe(7);

    // Shadow mode: identify answers from the current model and scores the probe with the target too.
    const shadowed = await identify();
    expect(shadowed).toMatchObject({
      modelId: 'faceapi-resnet128',
      decision: 'MATCH',
      identityId: identities.get(PROBE.person),
    });
    const agreement = await state(true);
    expect(agreement.migration!.shadow).toEqual({
      probes: 1,
      sameDecision: 1,
      sameTopIdentity: 1,
      currentMatches: 1,
      targetMatches: 1,
    });
    const rates = agreement.migration!.errorRates!;
    expect(rates.map((r) => r.modelId)).toEqual(['faceapi-resnet128', TARGET]);
    // 7 faces of 4 people: 6 mated searches (the three pairs), 7 non-mated; Ann has no target embedding.
    expect(rates[0]).toMatchObject({ matedSearches: 6, nonMatedSearches: 7, facesWithoutEmbedding: 0 });
    expect(rates[1]).toMatchObject({ matedSearches: 6, nonMatedSearches: 6, facesWithoutEmbedding: 1 });
    for (const r of rates) {
      expect(r.fnir).toBeGreaterThanOrEqual(0);
      expect(r.fpir).toBeGreaterThanOrEqual(0);
    }
    const audit = await server.db.prisma.auditEntry.findFirst({
      where: { action: 'faces.identify' },
      orderBy: { seq: 'desc' },
    });
    expect(
      (
        audit?.payload as {
          shadow?: { modelId: string; faces: Array<{ decision: string; topScore: number }> };
        }
      ).shadow,
    ).toMatchObject({
      modelId: TARGET,
      faces: [{ decision: 'MATCH', topIdentityId: identities.get(PROBE.person) }],
    });

    // The switch: refused while a face has no target embedding, unless accepted.
    const refused = await mutate('switchGalleryModel');
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/1 faces .* acceptMissingFaces/);
    const switched = await mutate('switchGalleryModel', true);
    expect(switched.errors).toBeUndefined();
    expect(switched.data!.switchGalleryModel).toMatchObject({
      status: 'SWITCHED',
      targetIdentifyThresholdSource: 'OVERRIDE',
    });
    const after = await gallery();
    expect(after).toMatchObject({
      embeddingModelId: TARGET,
      matchThreshold: 0.17,
      identifyThresholdOverride: 0.17,
    });
    const withTarget = await identify();
    expect(withTarget).toMatchObject({
      modelId: TARGET,
      decision: 'MATCH',
      identityId: identities.get(PROBE.person),
    });
    expect(withTarget.score).not.toBeCloseTo(original.score!, 3);
    expect(
      await server.db.prisma.auditEntry.count({
        where: { action: 'gallery.switchModel', subject: `gallery:${galleryId}` },
      }),
    ).toBe(1);

    // The rollback: the original model, its thresholds and the same answer as before the migration.
    const rolledBack = await mutate('rollbackGalleryModel');
    expect(rolledBack.errors).toBeUndefined();
    expect(rolledBack.data?.rollbackGalleryModel?.status).toBe('SHADOW');
    expect(await gallery()).toEqual(before);
    const again = await identify();
    expect(again).toMatchObject({
      modelId: 'faceapi-resnet128',
      decision: 'MATCH',
      identityId: identities.get(PROBE.person),
    });
    expect(again.score).toBeCloseTo(original.score!, 5);
    expect(await server.db.prisma.auditEntry.count({ where: { action: 'gallery.rollbackModel' } })).toBe(1);
  });

  it('erasing a person removes its kept embeddings, with no bytes left in the database files', async () => {
    const colin = identities.get('Colin_Powell')!;
    const kept = await server.db.prisma.$queryRaw<Array<{ embedding: string }>>`
      SELECT fe.embedding::text AS embedding FROM face_embeddings fe JOIN faces f ON f.id = fe.face_id
      WHERE f.identity_id = ${colin}::uuid`;
    expect(kept).toHaveLength(2);
    const body = await server.graphql<{ eraseIdentity: { facesDeleted: number } }>(
      'mutation ($id: ID!) { eraseIdentity(id: $id) { facesDeleted } }',
      { id: colin },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.eraseIdentity.facesDeleted).toBe(2);
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { action: 'identity.erase', subject: `identity:${colin}` },
    });
    expect(entry?.payload).toMatchObject({ faceEmbeddingsDeleted: 2 });
    const needles = Object.fromEntries(kept.map((k, i) => [`kept-${i}`, vectorBytes(k.embedding)]));
    expect(await scanDatabaseFiles(server.db.prisma, needles)).toEqual([]);
  });
});
