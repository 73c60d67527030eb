// Rejections carry over a model migration, on real LFW photos, on PGlite and on PostgreSQL. A
// reviewer REJECTs Hugo Chavez's match of a probe (his sixth photo, which both models match with his
// first), and another REJECT's probe image is purged by the probe retention (its embedding stays, the
// negative exemplar). The migration to human-mobileface embeds the kept probe with the target beside
// its own embedding and counts the purged one as not carried; after the switch the same probe is still
// not matched to Hugo Chavez, after the rollback neither, and a camera seeing him is not alerted on
// (sightings decide by identify's rule); erasing Hugo Chavez removes the carried embedding with the
// probe.
import { Prisma } from '@faceledger/db';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { emptyFrames, composeFrame, walkPast, FRAME_HEIGHT, FRAME_WIDTH } from '../../../test/lfw-frames.js';
import {
  ABDULLAH_PROBE,
  carriedEmbeddings,
  changeGalleryModel,
  enrollMigrationPeople,
  HUGO_PROBE,
  identifyProbe,
  ORIGINAL,
  rejectMatch,
  TARGET,
  type RejectionsContext,
} from '../../../test/migration-rejections.js';
import { startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { addIdentity } from '../../../test/graphql-helpers.js';
import { lfwInput } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';

describe.each(TEST_DATABASE_MODES)('REJECT reviews across a model migration on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let reviewer: AuthHeaders;
  let galleryId: string;
  let cameraId: string;
  const people = new Map<string, string>();
  let clock = Date.now();
  let sequence = 0;

  const context = (): RejectionsContext => ({ server, galleryId, admin, reviewer });
  const identify = (probe: { person: string; photo: number }) => identifyProbe(context(), probe);
  const reject = (eventId: string) => rejectMatch(context(), eventId);
  const changeModel = (name: 'switchGalleryModel' | 'rollbackGalleryModel') =>
    changeGalleryModel(context(), name);
  const carried = (eventId: string) => carriedEmbeddings(server, eventId);

  async function migration(): Promise<{
    status: string;
    progress: { total: number };
    rejectionsNotCarried: number;
  }> {
    const body = await server.graphql<{
      galleryModelMigration: {
        migration: { status: string; progress: { total: number }; rejectionsNotCarried: number };
      };
    }>(
      'query ($g: ID!) { galleryModelMigration(galleryId: $g) { migration { status progress { total } rejectionsNotCarried } } }',
      { g: galleryId },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.galleryModelMigration.migration;
  }

  /** The camera sees `person` walk past; the sighting it records, with its candidates. */
  async function sightingOf(probe: { person: string; photo: number }): Promise<{
    decision: string;
    identity: { id: string } | null;
    candidates: Array<{ rank: number; score: number; identity: { id: string } }>;
  }> {
    for (const frame of [...walkPast(probe.person, probe.photo, 6), ...emptyFrames(5)])
      await server.services.sightingAnalyzer.analyze({
        cameraId,
        sequence: sequence++,
        capturedAt: new Date((clock += 500)),
        jpeg: await composeFrame(frame),
        width: FRAME_WIDTH,
        height: FRAME_HEIGHT,
      });
    const body = await server.graphql<{
      sightings: {
        edges: Array<{
          node: {
            decision: string;
            identity: { id: string } | null;
            candidates: Array<{ rank: number; score: number; identity: { id: string } }>;
          };
        }>;
      };
    }>(
      'query ($c: ID!) { sightings(cameraId: $c, first: 1) { edges { node { decision identity { id } candidates { rank score identity { id } } } } } }',
      { c: cameraId },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.sightings.edges[0]!.node;
  }

  const alerts = () => server.db.prisma.alert.count({ where: { cameraId } });

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, { name: `rejections-${mode}` }));
    reviewer = await createUserAndSignIn(server, 'REVIEWER');
    for (const [person, id] of await enrollMigrationPeople(context())) people.set(person, id);
    const camera = await server.db.prisma.camera.create({
      data: {
        name: 'Gate',
        sourceUrl: '/dev/null',
        enabled: false,
        createdBy: 'test',
        galleries: { create: [{ galleryId }] },
      },
    });
    cameraId = camera.id;
  }, 600_000);
  afterAll(async () => {
    await server?.close();
  });

  it('carries a REJECT whose probe is kept over the switch and counts one whose probe image was purged', async () => {
    const hugo = people.get('Hugo_Chavez')!;
    const abdullah = people.get('Abdullah_Gul')!;
    // Both probes match before any review; a reviewer rejects both matches.
    const first = await identify(HUGO_PROBE);
    expect(first).toMatchObject({ modelId: ORIGINAL, decision: 'MATCH', identityId: hugo });
    await reject(first.eventId);
    const purged = await identify(ABDULLAH_PROBE);
    expect(purged).toMatchObject({ decision: 'MATCH', identityId: abdullah });
    await reject(purged.eventId);
    // The second probe's retention ends: its image goes, its embedding (the exemplar) stays.
    await server.db.prisma.$executeRaw`
      UPDATE match_events SET created_at = created_at - interval '40 days' WHERE id = ${purged.eventId}::uuid`;
    const purge = await server.services.matching.purgeExpiredProbes({ kind: 'system' }, new Date());
    expect(purge).toMatchObject({ eventsCleared: 1, embeddingsCleared: 0 });

    // identify and the camera apply the REJECT with the original model: Hugo Chavez stays rank 1,
    // above the threshold, but demoted.
    const demoted = await identify(HUGO_PROBE);
    expect(demoted).toMatchObject({ decision: 'UNKNOWN', identityId: null });
    expect(demoted.candidates[0]).toMatchObject({ identityId: hugo, demoted: true });
    expect(demoted.candidates[0]!.score).toBeGreaterThanOrEqual(demoted.threshold);

    const started = await server.graphql<{ startModelMigration: { progress: { total: number } } }>(
      `mutation ($g: ID!) { startModelMigration(galleryId: $g, targetModelId: "${TARGET}") { progress { total } } }`,
      { g: galleryId },
      admin,
    );
    expect(started.errors).toBeUndefined();
    // Four faces and the one REJECTed probe whose image is kept.
    expect(started.data!.startModelMigration.progress.total).toBe(5);
    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    expect(await migration()).toMatchObject({ status: 'SHADOW', rejectionsNotCarried: 1 });
    // The target's embedding of the kept probe sits beside its own; the purged one has none.
    expect(await carried(first.eventId)).toEqual([{ modelId: TARGET, dims: 256 }]);
    expect(await carried(purged.eventId)).toEqual([]);

    await changeModel('switchGalleryModel');
    const entry = await server.db.prisma.auditEntry.findFirst({ where: { action: 'gallery.switchModel' } });
    expect(entry?.payload).toMatchObject({ rejectionsNotCarried: 1 });
    // With the new model the rejected probe is still not Hugo Chavez (the previous code answered MATCH) ...
    const afterSwitch = await identify(HUGO_PROBE);
    expect(afterSwitch).toMatchObject({ modelId: TARGET, decision: 'UNKNOWN', identityId: null });
    expect(afterSwitch.candidates[0]).toMatchObject({ identityId: hugo, demoted: true });
    expect(afterSwitch.candidates[0]!.score).toBeGreaterThanOrEqual(afterSwitch.threshold);
    // ... while the REJECT whose image was purged no longer applies, as rejectionsNotCarried said.
    expect(await identify(ABDULLAH_PROBE)).toMatchObject({
      modelId: TARGET,
      decision: 'MATCH',
      identityId: abdullah,
    });

    // The rollback keeps the original exemplar.
    await changeModel('rollbackGalleryModel');
    expect(await identify(HUGO_PROBE)).toMatchObject({
      modelId: ORIGINAL,
      decision: 'UNKNOWN',
      identityId: null,
    });
  });

  it('a camera sighting decides by identify’s rule: the REJECTed identity is not alerted on, under either model', async () => {
    const hugo = people.get('Hugo_Chavez')!;
    const identifyThreshold = async () =>
      (
        await server.graphql<{ gallery: { identifyThreshold: number } }>(
          'query ($id: ID!) { gallery(id: $id) { identifyThreshold } }',
          { id: galleryId },
          admin,
        )
      ).data!.gallery.identifyThreshold;
    // Back on the original model (rolled back above): Hugo Chavez is the best candidate above the
    // gallery's threshold, yet the REJECT rules him out.
    const seen = await sightingOf(HUGO_PROBE);
    expect(seen.candidates[0]?.identity.id).toBe(hugo);
    expect(seen.candidates[0]!.score).toBeGreaterThanOrEqual(await identifyThreshold());
    expect(seen).toMatchObject({ decision: 'UNKNOWN', identity: null });
    expect(await alerts()).toBe(0);
    // Someone nobody rejected is alerted on by the same camera.
    const tony = await sightingOf({ person: 'Tony_Blair', photo: 1 });
    expect(tony).toMatchObject({ decision: 'MATCH', identity: { id: people.get('Tony_Blair') } });
    expect(await alerts()).toBe(1);
    // Switched to the target again: the camera's crops are embedded with it and the carried
    // exemplar rules Hugo Chavez out there too.
    await changeModel('switchGalleryModel');
    const switched = await sightingOf(HUGO_PROBE);
    expect(switched.candidates[0]?.identity.id).toBe(hugo);
    expect(switched.candidates[0]!.score).toBeGreaterThanOrEqual(await identifyThreshold());
    expect(switched).toMatchObject({ decision: 'UNKNOWN', identity: null });
    expect(await alerts()).toBe(1);
  });

  it('erasing the rejected identity removes the probe’s carried embedding with its own', async () => {
    const hugo = people.get('Hugo_Chavez')!;
    const events = await server.db.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT DISTINCT pe.event_id::text AS id FROM probe_embeddings pe
      JOIN reviews r ON r.event_id = pe.event_id WHERE r.target_identity_id = ${hugo}::uuid`;
    expect(events).toHaveLength(1);
    const erased = await server.graphql(
      'mutation ($id: ID!) { eraseIdentity(id: $id) { facesDeleted } }',
      { id: hugo },
      admin,
    );
    expect(erased.errors).toBeUndefined();
    const left = await server.db.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM probe_embeddings WHERE event_id::text IN (${Prisma.join(events.map((e) => e.id))})`;
    expect(left[0]?.n).toBe(0);
    const probe = await server.db.prisma.$queryRaw<Array<{ kept: boolean }>>`
      SELECT probe_embedding IS NOT NULL AS kept FROM match_events WHERE id = ${events[0]!.id}::uuid`;
    expect(probe).toEqual([{ kept: false }]);
  });
});

// A probe of someone in no identity of the gallery, REJECTed (its rank 1 named) and carried to the
// target, and that person enrolled later in a gallery of the target model only: the carried
// embedding is the only one of a model the person has templates of, so the erasure must find the
// probe by it (the previous erasure compared only the probe's own embedding, of the other model).
describe.each(TEST_DATABASE_MODES)('erasing a person whose probe a model migration carried on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let reviewer: AuthHeaders;
  let galleryId: string;
  /** Colin Powell's second photo, the probe; his first is enrolled later. */
  const COLIN_PROBE = { person: 'Colin_Powell', photo: 2 } as const;

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, { name: `carried-erasure-${mode}` }));
    reviewer = await createUserAndSignIn(server, 'REVIEWER');
    for (const person of ['Tony_Blair', 'Abdullah_Gul']) {
      const id = await addIdentity(
        server,
        { galleryId, externalId: person, displayName: person.replace('_', ' ') },
        admin,
      );
      const body = await server.graphql<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image, face: { index: 0 }) { __typename } }',
        { id, image: await lfwInput(person, 1) },
        admin,
      );
      expect(body.data?.enrollFace.__typename).toBe('Enrolled');
    }
  }, 600_000);
  afterAll(async () => {
    await server?.close();
  });

  it('clears a probe that only its carried embedding shows to be theirs, with that embedding', async () => {
    const identified = await server.graphql<{
      identify: { modelId: string; faces: Array<{ eventId: string }> };
    }>(
      'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { modelId faces { eventId } } }',
      { g: galleryId, image: await lfwInput(COLIN_PROBE.person, COLIN_PROBE.photo) },
      admin,
    );
    expect(identified.errors).toBeUndefined();
    expect(identified.data!.identify.modelId).toBe(ORIGINAL);
    const eventId = identified.data!.identify.faces[0]!.eventId;
    const rejected = await server.graphql(
      'mutation ($e: ID!) { reviewMatch(eventId: $e, verdict: REJECT) { id } }',
      { e: eventId },
      reviewer,
    );
    expect(rejected.errors).toBeUndefined();
    const started = await server.graphql(
      `mutation ($g: ID!) { startModelMigration(galleryId: $g, targetModelId: "${TARGET}") { id } }`,
      { g: galleryId },
      admin,
    );
    expect(started.errors).toBeUndefined();
    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    const carried = () =>
      server.db.prisma.$queryRaw<Array<{ modelId: string }>>`
        SELECT model_id AS "modelId" FROM probe_embeddings WHERE event_id = ${eventId}::uuid`;
    expect(await carried()).toEqual([{ modelId: TARGET }]);

    // Colin Powell is enrolled afterwards with his first photo, in a gallery of the target model.
    const other = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: `target-${mode}`, embeddingModelId: TARGET } },
      admin,
    );
    expect(other.errors).toBeUndefined();
    const colin = await addIdentity(
      server,
      { galleryId: other.data!.createGallery.id, externalId: 'Colin_Powell', displayName: 'Colin Powell' },
      admin,
    );
    const enrolled = await server.graphql<{ enrollFace: { __typename: string } }>(
      'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image, face: { index: 0 }) { __typename } }',
      { id: colin, image: await lfwInput(COLIN_PROBE.person, 1) },
      admin,
    );
    expect(enrolled.data?.enrollFace.__typename).toBe('Enrolled');

    const erased = await server.graphql(
      'mutation ($id: ID!) { eraseIdentity(id: $id) { facesDeleted } }',
      { id: colin },
      admin,
    );
    expect(erased.errors).toBeUndefined();
    // Nothing of his probe is left: neither its own embedding (of the original model) nor the carried one.
    const probe = await server.db.prisma.$queryRaw<Array<{ kept: boolean; image: boolean }>>`
      SELECT probe_embedding IS NOT NULL AS kept, probe_image_key IS NOT NULL AS image
      FROM match_events WHERE id = ${eventId}::uuid`;
    expect(probe).toEqual([{ kept: false, image: false }]);
    expect(await carried()).toEqual([]);
  });
});
