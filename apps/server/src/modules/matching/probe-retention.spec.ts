// The retention purge on PGlite and PostgreSQL: probe embeddings end with the probe image, in every
// gallery (also at probeRetentionDays 0 and for events without a gallery); only the embedding of a
// standing REJECT review (a negative exemplar) stays.
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUser } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

const DAY = 86_400_000;

/** A random unit vector of 128 dimensions in pgvector's text form. */
function randomEmbedding(): string {
  const values = Array.from({ length: 128 }, () => Math.random() - 0.5);
  const norm = Math.hypot(...values);
  return `[${values.map((v) => (v / norm).toFixed(6)).join(',')}]`;
}

describe.each(TEST_DATABASE_MODES)('probe retention on %s', (mode) => {
  let server: TestServer;
  const now = new Date('2026-06-01T12:00:00Z');
  const ids: Record<'expired' | 'exemplar' | 'overturned' | 'fresh' | 'zeroDays' | 'compare', string> =
    {} as never;
  let freshImage: string;

  async function insertEvent(
    galleryId: string | null,
    kind: string,
    ageDays: number,
    imageKey: string | null,
  ): Promise<string> {
    const rows = await server.db.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO match_events (id, kind, gallery_id, probe_image_key, probe_sha256, threshold, model_id, decision,
                                latency_ms, probe_embedding, created_at)
      VALUES (gen_random_uuid(), ${kind}::"MatchKind", ${galleryId}::uuid, ${imageKey}, ${'f'.repeat(64)}, 0.9,
              'faceapi-resnet128', 'UNKNOWN'::"MatchDecision", 10, ${randomEmbedding()}::vector,
              ${new Date(now.getTime() - ageDays * DAY)}::timestamptz)
      RETURNING id::text AS id`;
    return rows[0]!.id;
  }

  beforeAll(async () => {
    server = await startTestServer(mode);
    const admin = await adminHeaders(server);
    const gallery = async (name: string, days: number) =>
      (
        await server.graphql<{ createGallery: { id: string } }>(
          'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
          { input: { name, matchThreshold: 0.9, probeRetentionDays: days } },
          admin,
        )
      ).data!.createGallery.id;
    const week = await gallery('Week', 7);
    const none = await gallery('None', 0);
    const identity = (
      await server.graphql<{ createIdentity: { id: string } }>(
        'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        { input: { galleryId: week, externalId: 'X-1', displayName: 'Rejected Candidate' } },
        admin,
      )
    ).data!.createIdentity.id;

    const oldImage = await server.imageStore.put(await readFile(lfwImage('Colin_Powell', 1)));
    freshImage = await server.imageStore.put(await readFile(lfwImage('Laura_Bush', 1)));
    ids.expired = await insertEvent(week, 'IDENTIFY', 10, oldImage);
    ids.exemplar = await insertEvent(week, 'IDENTIFY', 10, null);
    ids.overturned = await insertEvent(week, 'VERIFY', 10, null);
    ids.fresh = await insertEvent(week, 'IDENTIFY', 1, freshImage);
    // Written before embeddings followed retention: a 0-day gallery, and a compareFaces event.
    ids.zeroDays = await insertEvent(none, 'IDENTIFY', 0.01, null);
    ids.compare = await insertEvent(null, 'COMPARE', 0.01, null);

    const reviewer = await createUser(server, 'REVIEWER');
    const review = (eventId: string, verdict: 'REJECT' | 'CONFIRM', at: number) =>
      server.db.prisma.review.create({
        data: {
          eventId,
          reviewerId: reviewer.id,
          verdict,
          targetIdentityId: identity,
          createdAt: new Date(now.getTime() - at * DAY),
        },
      });
    await review(ids.exemplar, 'REJECT', 9);
    await review(ids.overturned, 'REJECT', 9);
    await review(ids.overturned, 'CONFIRM', 8);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('clears expired probe embeddings with the images, keeping only a standing negative exemplar', async () => {
    const result = await server.services.matching.purgeExpiredProbes({ kind: 'system' }, now);
    expect(result).toEqual({ eventsCleared: 4, embeddingsCleared: 4, imagesDeleted: 1 });

    const rows = await server.db.prisma.$queryRaw<
      Array<{ id: string; probe_image_key: string | null; has_embedding: boolean }>
    >`SELECT id::text AS id, probe_image_key, probe_embedding IS NOT NULL AS has_embedding FROM match_events`;
    const state = Object.fromEntries(
      Object.entries(ids).map(([name, id]) => {
        const row = rows.find((r) => r.id === id)!;
        return [name, [row.probe_image_key !== null, row.has_embedding]];
      }),
    );
    expect(state).toEqual({
      expired: [false, false],
      exemplar: [false, true],
      overturned: [false, false],
      fresh: [true, true],
      zeroDays: [false, false],
      compare: [false, false],
    });
    expect(await server.imageStore.has(freshImage)).toBe(true);
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { action: 'matchEvents.purgeProbes' },
    });
    expect(entry?.payload).toMatchObject({ eventsCleared: 4, embeddingsCleared: 4, images: 1 });

    // Nothing is left to purge at the same instant: the exemplar does not count as expired.
    expect(await server.services.matching.purgeExpiredProbes({ kind: 'system' }, now)).toEqual({
      eventsCleared: 0,
      embeddingsCleared: 0,
      imagesDeleted: 0,
    });
  });
});
