// The live feed: the committed match events of galleries, pushed to this process's matchEvents
// subscriptions (watchlist alerts). services.ts subscribes push() to MatchRecorded in every server
// process, so a subscriber sees the events committed by any process; it reads nothing back.
import type { MatchDecision } from '@faceledger/db';
import type { MatchRecorded } from '../../infrastructure/events/domain-events.js';
import type { Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import { toLiveMatchEvent, type LiveMatchEventModel, type MatchEventBus } from './match-event-bus.js';

export interface LiveFeedDependencies {
  galleries: Pick<GalleriesRepository, 'findById'>;
  /** This process's subscribers. */
  bus: MatchEventBus;
}

export class LiveFeedService {
  constructor(private readonly deps: LiveFeedDependencies) {}

  /** Pushes a committed match event of a gallery to this process's subscribers (compare and detect have none). */
  push(event: MatchRecorded): void {
    const live = toLiveMatchEvent(event);
    if (live) this.deps.bus.publish(live);
  }

  /** Open subscriptions and listeners on the bus (for diagnostics and tests). */
  get listenerCount(): number {
    return this.deps.bus.listenerCount;
  }

  /** Calls `listener` after each published event (the webhook worker's cue); returns its removal. */
  onPublished(listener: () => void): () => void {
    return this.deps.bus.listen(() => listener());
  }

  /**
   * The gallery's match events from now on (only `decisions` when given), for the matchEvents
   * subscription. Authorizes first; NOT_FOUND for an unknown gallery.
   */
  async subscribe(
    actor: Actor,
    args: { galleryId: string; decisions?: readonly MatchDecision[] | null },
  ): Promise<AsyncIterableIterator<LiveMatchEventModel>> {
    authorize(actor, 'matchEvents.subscribe');
    const gallery = await requireGallery(actor, args.galleryId, (id) => this.deps.galleries.findById(id));
    const decisions = args.decisions && args.decisions.length > 0 ? new Set(args.decisions) : null;
    return this.deps.bus.subscribe(
      (event) => event.galleryId === gallery.id && (decisions === null || decisions.has(event.decision)),
    );
  }
}
