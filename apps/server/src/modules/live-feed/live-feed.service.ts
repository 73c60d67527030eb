// The live feed: committed match events of galleries go out to subscriptions (watchlist alerts) and
// become webhook deliveries. publishCommitted() is called after the matching transaction commits.
import type { MatchDecision } from '@faceledger/db';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { LiveFeedRepository } from './live-feed.repository.js';
import type { LiveMatchEventModel, MatchEventBus } from './match-event-bus.js';
import type { WebhooksService } from './webhooks.service.js';

export interface LiveFeedDependencies {
  events: Pick<LiveFeedRepository, 'findLiveEvents'>;
  galleries: Pick<GalleriesRepository, 'findById'>;
  webhooks: Pick<WebhooksService, 'enqueue'>;
  bus: MatchEventBus;
  logger: Logger;
  /** The clock deliveries are scheduled by; tests pass a fake one. */
  now?: () => Date;
}

export class LiveFeedService {
  constructor(private readonly deps: LiveFeedDependencies) {}

  /**
   * Reads the committed events among `eventIds` that belong to a gallery, queues their webhook
   * deliveries and publishes them on the bus. Never throws: the call that made the events has
   * succeeded already, so a failure here is logged and the live feed misses those events.
   */
  async publishCommitted(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    try {
      const events = await this.deps.events.findLiveEvents(eventIds);
      const now = this.deps.now?.() ?? new Date();
      for (const event of events) {
        try {
          await this.deps.webhooks.enqueue(event, now);
        } catch (error) {
          this.deps.logger.error(
            { err: error, eventId: event.eventId },
            'could not queue webhook deliveries',
          );
        }
        this.deps.bus.publish(event);
      }
    } catch (error) {
      this.deps.logger.error({ err: error, eventIds }, 'could not publish committed match events');
    }
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
    authorizeGallery(actor, args.galleryId);
    const gallery = await this.deps.galleries.findById(args.galleryId);
    if (!gallery) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `No gallery has id ${args.galleryId}; list galleries to find its id.`,
        {
          id: args.galleryId,
        },
      );
    }
    const decisions = args.decisions && args.decisions.length > 0 ? new Set(args.decisions) : null;
    return this.deps.bus.subscribe(
      (event) => event.galleryId === gallery.id && (decisions === null || decisions.has(event.decision)),
    );
  }
}
