// Reads committed match events in the shape the live feed pushes, for the webhook sender: a delivery
// is sent later than the event was published, possibly by another process. The event, its gallery's
// name and its top candidate; never probe images or embeddings.
import type { PrismaClient } from '@faceledger/db';
import { isUuid } from '../../shared/uuid.js';
import type { LiveMatchEventModel } from './match-event-bus.js';

export class LiveFeedRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The events among `ids` that belong to a gallery, in the order of `ids`; unknown ids are left out. */
  async findLiveEvents(ids: readonly string[]): Promise<LiveMatchEventModel[]> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await this.prisma.matchEvent.findMany({
      where: { id: { in: valid }, galleryId: { not: null } },
      select: {
        id: true,
        kind: true,
        decision: true,
        galleryId: true,
        createdAt: true,
        gallery: { select: { name: true } },
        candidates: {
          orderBy: { rank: 'asc' },
          take: 1,
          select: { score: true, identity: { select: { id: true, displayName: true, externalId: true } } },
        },
      },
    });
    const byId = new Map<string, LiveMatchEventModel>();
    for (const row of rows) {
      if (!row.galleryId || !row.gallery) continue;
      const top = row.candidates[0];
      byId.set(row.id, {
        eventId: row.id,
        kind: row.kind,
        decision: row.decision,
        galleryId: row.galleryId,
        galleryName: row.gallery.name,
        topCandidate: top
          ? {
              identityId: top.identity.id,
              displayName: top.identity.displayName,
              externalId: top.identity.externalId,
              score: top.score,
            }
          : null,
        createdAt: row.createdAt.toISOString(),
      });
    }
    return valid.flatMap((id) => {
      const event = byId.get(id);
      return event ? [event] : [];
    });
  }
}
