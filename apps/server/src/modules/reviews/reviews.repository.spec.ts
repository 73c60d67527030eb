// A match event's needs-review flag and its reviews come from one snapshot. Read apart, a review
// committed between the two reads answered needsReview: true next to the review itself (the flaky
// "a reviewer rejects ..." e2e journey). Reads race review writes here on both databases.
import { TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/test-database.js';
import { ReviewsRepository } from './reviews.repository.js';

describe.each(TEST_DATABASE_MODES)('match events read while reviews commit, on %s', (mode) => {
  let db: TestDatabase;
  useTestDatabase(mode, (created) => (db = created));

  it('never shows a review together with needsReview: true, nor no review with false', async () => {
    const prisma = db.prisma;
    const gallery = await prisma.gallery.create({
      data: { name: 'race', matchThreshold: 0.9, embeddingModelId: 'faceapi-resnet128' },
    });
    const identity = await prisma.identity.create({
      data: { galleryId: gallery.id, externalId: 'x', displayName: 'X' },
    });
    const reviewer = await prisma.user.create({
      data: { email: 'reviewer@example.org', passwordHash: 'unused', role: 'REVIEWER' },
    });
    const repository = new ReviewsRepository(prisma);
    const inconsistent: string[] = [];
    for (let round = 0; round < 40; round += 1) {
      // Flagged: the top candidate reached the threshold but the decision is not MATCH.
      const event = await prisma.matchEvent.create({
        data: {
          kind: 'IDENTIFY',
          galleryId: gallery.id,
          probeSha256: `sha-${round}`,
          threshold: 0.9,
          modelId: 'faceapi-resnet128',
          decision: 'NO_MATCH',
          latencyMs: 1,
          candidates: { create: { identityId: identity.id, score: 0.95, rank: 1 } },
        },
      });
      const review = prisma.review.create({
        data: {
          eventId: event.id,
          reviewerId: reviewer.id,
          verdict: 'REJECT',
          targetIdentityId: identity.id,
        },
      });
      const reads = Array.from({ length: 6 }, () => repository.findById(event.id));
      const [, ...records] = await Promise.all([review, ...reads]);
      for (const record of records) {
        const reviewed = (record?.reviews.length ?? 0) > 0;
        if (record?.needsReview === reviewed) inconsistent.push(`round ${round}: reviewed ${reviewed}`);
      }
    }
    expect(inconsistent).toEqual([]);
  });
});
