// REJECTs given while a gallery migrates, on real LFW photos with the real engine, on PGlite and on
// PostgreSQL. The migration job carries the REJECTs it lists; these are given after it listed its
// work: one in SHADOW (Hugo Chavez's match), which reviewMatch embeds with the target so that it
// still applies after the switch, and one while SWITCHED (Abdullah Gul's match, recorded with the
// target), which reviewMatch embeds with the previous model so that it still applies after the
// rollback. Before, the first counted as not carried and the second stopped applying on rollback.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { addIdentity } from '../../../test/graphql-helpers.js';
import { startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { lfwInput } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';

const ORIGINAL = 'faceapi-resnet128';
const TARGET = 'human-mobileface';
/** Hugo Chavez's sixth photo: both models match it with his first. */
const HUGO_PROBE = { person: 'Hugo_Chavez', photo: 6 } as const;
/** Abdullah Gul's second photo: both models match it with his first. */
const ABDULLAH_PROBE = { person: 'Abdullah_Gul', photo: 2 } as const;

interface Answer {
  modelId: string;
  eventId: string;
  decision: string;
  identityId: string | null;
  candidates: Array<{ identityId: string; score: number; demoted: boolean }>;
  threshold: number;
}

describe.each(TEST_DATABASE_MODES)('REJECTs given during a model migration on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let reviewer: AuthHeaders;
  let galleryId: string;
  const people = new Map<string, string>();

  async function identify(probe: { person: string; photo: number }): Promise<Answer> {
    const body = await server.graphql<{
      identify: {
        modelId: string;
        threshold: number;
        faces: Array<{
          eventId: string;
          decision: string;
          identity: { id: string } | null;
          candidates: Array<{ identity: { id: string }; score: number; demoted: boolean }>;
        }>;
      };
    }>(
      `mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { modelId threshold
        faces { eventId decision identity { id } candidates { identity { id } score demoted } } } }`,
      { g: galleryId, image: await lfwInput(probe.person, probe.photo) },
      admin,
    );
    expect(body.errors).toBeUndefined();
    const face = body.data!.identify.faces[0]!;
    return {
      modelId: body.data!.identify.modelId,
      threshold: body.data!.identify.threshold,
      eventId: face.eventId,
      decision: face.decision,
      identityId: face.identity?.id ?? null,
      candidates: face.candidates.map((c) => ({
        identityId: c.identity.id,
        score: c.score,
        demoted: c.demoted,
      })),
    };
  }

  async function reject(eventId: string): Promise<void> {
    const body = await server.graphql(
      'mutation ($e: ID!) { reviewMatch(eventId: $e, verdict: REJECT, note: "not him") { id } }',
      { e: eventId },
      reviewer,
    );
    expect(body.errors).toBeUndefined();
  }

  async function migration(): Promise<{ status: string; rejectionsNotCarried: number }> {
    const body = await server.graphql<{
      galleryModelMigration: { migration: { status: string; rejectionsNotCarried: number } };
    }>(
      'query ($g: ID!) { galleryModelMigration(galleryId: $g) { migration { status rejectionsNotCarried } } }',
      { g: galleryId },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.galleryModelMigration.migration;
  }

  async function changeModel(name: 'switchGalleryModel' | 'rollbackGalleryModel'): Promise<void> {
    const body = await server.graphql(
      `mutation ($g: ID!) { ${name}(galleryId: $g) { status } }`,
      { g: galleryId },
      admin,
    );
    expect(body.errors).toBeUndefined();
  }

  /** The probe embeddings kept for event `eventId` under other models than its own: model and width. */
  async function carried(eventId: string): Promise<Array<{ modelId: string; dims: number }>> {
    return server.db.prisma.$queryRaw<Array<{ modelId: string; dims: number }>>`
      SELECT model_id AS "modelId", vector_dims(embedding)::int AS dims FROM probe_embeddings
      WHERE event_id = ${eventId}::uuid ORDER BY model_id`;
  }

  /** The payload of the audit entry of the latest review of event `eventId`. */
  async function reviewAudit(eventId: string): Promise<unknown> {
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { action: 'matchEvent.review', subject: `matchEvent:${eventId}` },
      orderBy: { seq: 'desc' },
    });
    return entry?.payload;
  }

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, {
      name: `review-migration-${mode}`,
    }));
    reviewer = await createUserAndSignIn(server, 'REVIEWER');
    for (const person of ['Hugo_Chavez', 'Abdullah_Gul', 'Tony_Blair', 'Adam_Sandler']) {
      const id = await addIdentity(
        server,
        { galleryId, externalId: person, displayName: person.replace('_', ' ') },
        admin,
      );
      people.set(person, id);
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

  it('carries a REJECT given in SHADOW, after the job finished, to the target: it applies after the switch', async () => {
    const hugo = people.get('Hugo_Chavez')!;
    const started = await server.graphql(
      `mutation ($g: ID!) { startModelMigration(galleryId: $g, targetModelId: "${TARGET}") { id } }`,
      { g: galleryId },
      admin,
    );
    expect(started.errors).toBeUndefined();
    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    expect(await migration()).toMatchObject({ status: 'SHADOW', rejectionsNotCarried: 0 });

    // The job is done; Hugo Chavez's match is rejected now.
    const matched = await identify(HUGO_PROBE);
    expect(matched).toMatchObject({ modelId: ORIGINAL, decision: 'MATCH', identityId: hugo });
    await reject(matched.eventId);
    // Embedded with the target in the review's transaction (the previous code counted it as not carried).
    expect(await carried(matched.eventId)).toEqual([{ modelId: TARGET, dims: 256 }]);
    expect(await migration()).toMatchObject({ status: 'SHADOW', rejectionsNotCarried: 0 });
    expect(await reviewAudit(matched.eventId)).toMatchObject({ verdict: 'REJECT', carriedTo: [TARGET] });

    await changeModel('switchGalleryModel');
    // With the target the probe is still not Hugo Chavez: rank 1 above the threshold, but demoted.
    const afterSwitch = await identify(HUGO_PROBE);
    expect(afterSwitch).toMatchObject({ modelId: TARGET, decision: 'UNKNOWN', identityId: null });
    expect(afterSwitch.candidates[0]).toMatchObject({ identityId: hugo, demoted: true });
    expect(afterSwitch.candidates[0]!.score).toBeGreaterThanOrEqual(afterSwitch.threshold);
  });

  it('carries a REJECT given while SWITCHED to the previous model: it applies after the rollback', async () => {
    const abdullah = people.get('Abdullah_Gul')!;
    expect(await migration()).toMatchObject({ status: 'SWITCHED' });
    const matched = await identify(ABDULLAH_PROBE);
    expect(matched).toMatchObject({ modelId: TARGET, decision: 'MATCH', identityId: abdullah });
    await reject(matched.eventId);
    // Its own embedding is the target's; the previous model's sits beside it.
    expect(await carried(matched.eventId)).toEqual([{ modelId: ORIGINAL, dims: 128 }]);
    expect(await reviewAudit(matched.eventId)).toMatchObject({ verdict: 'REJECT', carriedTo: [ORIGINAL] });
    expect(await identify(ABDULLAH_PROBE)).toMatchObject({ modelId: TARGET, decision: 'UNKNOWN' });

    await changeModel('rollbackGalleryModel');
    // Back on the original model the REJECT still applies (the previous code answered MATCH).
    const afterRollback = await identify(ABDULLAH_PROBE);
    expect(afterRollback).toMatchObject({ modelId: ORIGINAL, decision: 'UNKNOWN', identityId: null });
    expect(afterRollback.candidates[0]).toMatchObject({ identityId: abdullah, demoted: true });
    expect(afterRollback.candidates[0]!.score).toBeGreaterThanOrEqual(afterRollback.threshold);
    // Hugo Chavez's REJECT, recorded with the original model, applies too.
    expect(await identify(HUGO_PROBE)).toMatchObject({ modelId: ORIGINAL, decision: 'UNKNOWN' });
  });
});
