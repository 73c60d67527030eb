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
import type { TestServer } from '../../../test/test-server.js';

describe.each(TEST_DATABASE_MODES)('REJECTs given during a model migration on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let reviewer: AuthHeaders;
  let galleryId: string;
  const people = new Map<string, string>();

  const context = (): RejectionsContext => ({ server, galleryId, admin, reviewer });
  const identify = (probe: { person: string; photo: number }) => identifyProbe(context(), probe);
  const reject = (eventId: string) => rejectMatch(context(), eventId);
  const changeModel = (name: 'switchGalleryModel' | 'rollbackGalleryModel') =>
    changeGalleryModel(context(), name);
  const carried = (eventId: string) => carriedEmbeddings(server, eventId);

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
    for (const [person, id] of await enrollMigrationPeople(context())) people.set(person, id);
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
