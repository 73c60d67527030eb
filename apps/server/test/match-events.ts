// Committed match events for the live-feed and webhook tests, without the recognition engine: the
// rows matching writes (an identity, the event, its rank-1 candidate), then the MatchRecorded that
// matching's unit of work publishes after the commit, through the server's own event bus.
import { randomUUID } from 'node:crypto';
import type { MatchDecision } from '@faceledger/db';
import type { TestServer } from './test-server.js';

/** Records a committed IDENTIFY event of `galleryId` scoring 0.91 for a new identity, publishes it, returns its id. */
export async function commitMatchEvent(
  server: Pick<TestServer, 'db' | 'services'>,
  galleryId: string,
  decision: MatchDecision = 'MATCH',
): Promise<string> {
  const { prisma } = server.db;
  const gallery = await prisma.gallery.findUniqueOrThrow({ where: { id: galleryId }, select: { name: true } });
  const identity = await prisma.identity.create({
    data: { galleryId, externalId: `emp-${randomUUID()}`, displayName: 'Ada Lovelace' },
  });
  const score = 0.91;
  const event = await prisma.matchEvent.create({
    data: {
      kind: 'IDENTIFY',
      galleryId,
      probeSha256: 'a'.repeat(64),
      threshold: 0.6,
      modelId: 'faceapi-resnet128',
      decision,
      latencyMs: 12,
      candidates: { create: [{ identityId: identity.id, score, rank: 1 }] },
    },
  });
  await server.services.events.publish([
    {
      type: 'MatchRecorded',
      eventId: event.id,
      kind: event.kind,
      decision: event.decision,
      galleryId,
      galleryName: gallery.name,
      topCandidate: {
        identityId: identity.id,
        displayName: identity.displayName,
        externalId: identity.externalId,
        score,
      },
      createdAt: event.createdAt.toISOString(),
    },
  ]);
  return event.id;
}
