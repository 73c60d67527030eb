// Webhooks: admins register per-gallery endpoints (audited). enqueue() turns each committed
// MatchRecorded into persisted deliveries, in the process that committed it (from the event, no
// read-back); deliverDue(), which the worker (webhook-worker.ts) runs and tests call with a fake
// clock, POSTs them signed and retries with exponential backoff. It reads each event when it sends
// (a delivery may wait hours for a retry, in any process), so it sends the event as it is then.
import type { MatchDecision } from '@faceledger/db';
import type { MatchRecorded } from '../../infrastructure/events/domain-events.js';
import type { Webhook, WebhookDelivery, WebhookEvent } from '@faceledger/schema';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import { parseInput } from '../../shared/parse-input.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { actorRef, type Actor } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { LiveFeedRepository } from './live-feed.repository.js';
import type { LiveMatchEventModel } from './match-event-bus.js';
import { WebhookDestinationError, WebhookDestinationPolicy } from './webhook-destination.js';
import { generateWebhookSecret, signWebhookBody } from './webhook-signature.js';
import type { SendOutcome, WebhookSender } from './webhook-sender.js';
import type { WebhookDeliveryRecord, WebhookRecord, WebhooksRepository } from './webhooks.repository.js';

/** Event types a webhook can take: the decisions of match events. */
export const WEBHOOK_EVENTS = ['MATCH', 'NO_MATCH', 'UNKNOWN'] as const satisfies readonly MatchDecision[];

/** X-FaceLedger-Event of each event type. */
export const WEBHOOK_EVENT_NAMES: Record<WebhookEvent, string> = {
  MATCH: 'matchEvent.match',
  NO_MATCH: 'matchEvent.noMatch',
  UNKNOWN: 'matchEvent.unknown',
};

/** Delivery tunables; the defaults are what the API documents. */
export interface WebhookSettings {
  /** Wait before each retry: after the 1st failed attempt the 1st delay, and so on. Attempts = delays + 1. */
  retryDelaysMs: readonly number[];
  /** Deadline of one attempt. */
  attemptTimeoutMs: number;
  /** Deliveries claimed by one deliverDue() call (sent concurrently). */
  batchSize: number;
  /** How far back recoverMissed() looks by default for match events whose deliveries were never queued. */
  recoveryWindowMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: Readonly<WebhookSettings> = Object.freeze({
  retryDelaysMs: [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000],
  attemptTimeoutMs: 10_000,
  batchSize: 20,
  recoveryWindowMs: 24 * 3_600_000,
});

/** What one deliverDue() call did. */
export interface DeliveryRun {
  attempted: number;
  succeeded: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Deliveries given up after their last attempt (or whose event is gone). */
  failed: number;
}

export interface WebhooksDependencies {
  webhooks: WebhooksRepository;
  events: Pick<LiveFeedRepository, 'findLiveEvents'>;
  galleries: Pick<GalleriesRepository, 'findById'>;
  uow: Pick<UnitOfWork, 'transaction'>;
  sender: WebhookSender;
  /** Where webhooks may point (checked at creation; the sender checks again at each delivery). Default: public addresses only. */
  destinations?: Pick<WebhookDestinationPolicy, 'checkUrl'>;
  logger: Logger;
}

const createSchema = z.object({
  url: z
    .string()
    .trim()
    .max(2000, 'url must be at most 2000 characters.')
    .refine((value) => {
      try {
        const { protocol } = new URL(value);
        return protocol === 'http:' || protocol === 'https:';
      } catch {
        return false;
      }
    }, 'url must be an absolute http:// or https:// URL, such as https://example.org/faceledger.'),
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, 'events must name at least one of MATCH, NO_MATCH, UNKNOWN.')
    .transform((events) => [...new Set(events)]),
});

function toWebhook(record: WebhookRecord): Webhook {
  return {
    id: record.id,
    galleryId: record.galleryId,
    url: record.url,
    events: record.events.filter((e): e is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(e)),
    createdAt: record.createdAt.toISOString(),
  };
}

function toDelivery(record: WebhookDeliveryRecord): WebhookDelivery {
  return {
    id: record.id,
    webhookId: record.webhookId,
    eventId: record.eventId,
    event: record.eventType as WebhookEvent,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: record.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: record.lastStatusCode,
    lastError: record.lastError,
    deliveredAt: record.deliveredAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
  };
}

/** The JSON body POSTed for one delivery. */
export function webhookBody(deliveryId: string, event: LiveMatchEventModel): string {
  const type = WEBHOOK_EVENT_NAMES[event.decision];
  return JSON.stringify({ id: deliveryId, type, createdAt: event.createdAt, data: event });
}

export class WebhooksService {
  private readonly settings: WebhookSettings;

  constructor(
    private readonly deps: WebhooksDependencies,
    settings: Partial<WebhookSettings> = {},
  ) {
    this.settings = { ...DEFAULT_WEBHOOK_SETTINGS, ...settings };
  }

  /** Registers a webhook; the secret is returned here and never again. */
  async create(
    actor: Actor,
    args: { galleryId: string; url: string; events: readonly string[] },
  ): Promise<{ webhook: Webhook; secret: string }> {
    authorize(actor, 'webhooks.manage');
    const input = parseInput(createSchema, { url: args.url, events: args.events });
    await this.requireAllowedDestination(input.url);
    await this.requireGallery(args.galleryId);
    const secret = generateWebhookSecret();
    const created = await this.deps.uow.transaction(async (tx) => {
      const record = await this.deps.webhooks.create(tx.db, {
        galleryId: args.galleryId,
        url: input.url,
        events: input.events,
        secret,
        createdBy: actorRef(actor),
      });
      await tx.audit({
        actor: actorRef(actor),
        action: 'webhook.create',
        subject: `webhook:${record.id}`,
        // The origin only: a path or query may carry the receiver's own token.
        payload: { galleryId: record.galleryId, origin: new URL(record.url).origin, events: record.events },
      });
      return record;
    });
    return { webhook: toWebhook(created), secret };
  }

  /** The gallery's webhooks. */
  async list(actor: Actor, galleryId: string): Promise<Webhook[]> {
    authorize(actor, 'webhooks.manage');
    await this.requireGallery(galleryId);
    return (await this.deps.webhooks.listByGallery(galleryId)).map(toWebhook);
  }

  /** The webhook's latest deliveries (at most 100). */
  async deliveries(
    actor: Actor,
    webhookId: string,
    first: number | null | undefined,
  ): Promise<WebhookDelivery[]> {
    authorize(actor, 'webhooks.manage');
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new AppError(ErrorCode.BAD_INPUT, 'first must be a whole number from 1 to 100.', {
        field: 'first',
      });
    }
    const webhook = await this.deps.webhooks.findById(webhookId);
    if (!webhook) throw notFound('webhook', webhookId);
    return (await this.deps.webhooks.listDeliveries(webhook.id, limit)).map(toDelivery);
  }

  /** Deletes the webhook with its deliveries; returns its id. */
  async delete(actor: Actor, id: string): Promise<string> {
    authorize(actor, 'webhooks.manage');
    const webhook = await this.deps.webhooks.findById(id);
    if (!webhook) throw notFound('webhook', id);
    await this.deps.uow.transaction(async (tx) => {
      if (!(await this.deps.webhooks.delete(tx.db, webhook.id))) throw notFound('webhook', id);
      await tx.audit({
        actor: actorRef(actor),
        action: 'webhook.delete',
        subject: `webhook:${webhook.id}`,
        payload: { galleryId: webhook.galleryId, origin: new URL(webhook.url).origin },
      });
    });
    return webhook.id;
  }

  /**
   * Persists, due at `now`, one pending delivery per webhook of the event's gallery that takes its
   * decision (none for compare and detect, which have no gallery); returns how many. services.ts
   * runs it in the committing process for each MatchRecorded.
   */
  async enqueue(event: MatchRecorded, now: Date = new Date()): Promise<number> {
    if (event.galleryId === null) return 0;
    return this.deps.webhooks.enqueue(
      { eventId: event.eventId, galleryId: event.galleryId, eventType: event.decision },
      now,
    );
  }

  /**
   * Queues the deliveries of recent events that were never queued: enqueue() runs after the matching
   * transaction commits, so a crash (or a failed enqueue) in between would lose them. Looks at events since `since`
   * (default: recoveryWindowMs before `now`); returns how many it queued.
   */
  async recoverMissed(now: Date, since?: Date): Promise<number> {
    return this.deps.webhooks.enqueueMissed(
      since ?? new Date(now.getTime() - this.settings.recoveryWindowMs),
      now,
    );
  }

  /**
   * Sends the deliveries due at `now` (one batch, concurrently), then records each outcome: 2xx is
   * SUCCEEDED; anything else is retried after the next delay of the schedule, or FAILED after the last.
   */
  async deliverDue(now: Date): Promise<DeliveryRun> {
    const { attemptTimeoutMs, batchSize } = this.settings;
    // The lease outlasts the attempt, so a worker that dies mid-attempt leaves the delivery due again.
    const leaseUntil = new Date(now.getTime() + attemptTimeoutMs + 5_000);
    const claimed = await this.deps.webhooks.claimDue(now, leaseUntil, batchSize);
    const run: DeliveryRun = { attempted: claimed.length, succeeded: 0, retrying: 0, failed: 0 };
    if (claimed.length === 0) return run;
    const events = new Map(
      (await this.deps.events.findLiveEvents(claimed.map((d) => d.eventId))).map((e) => [e.eventId, e]),
    );
    const timestamp = String(Math.floor(now.getTime() / 1000));
    await Promise.all(
      claimed.map(async (delivery) => {
        const event = events.get(delivery.eventId);
        let outcome: SendOutcome = { error: 'the match event no longer exists (its gallery was deleted)' };
        if (event) {
          const body = webhookBody(delivery.id, event);
          outcome = await this.deps.sender.send({
            url: delivery.url,
            body,
            headers: this.headers(delivery.id, delivery.secret, timestamp, body, event),
            timeoutMs: attemptTimeoutMs,
          });
        }
        const attempts = delivery.attempts + 1;
        const succeeded = 'statusCode' in outcome && outcome.statusCode >= 200 && outcome.statusCode < 300;
        const delay = this.settings.retryDelaysMs[attempts - 1];
        const retry = !succeeded && event !== undefined && delay !== undefined;
        await this.deps.webhooks.recordAttempt(delivery.id, {
          status: succeeded ? 'SUCCEEDED' : retry ? 'PENDING' : 'FAILED',
          attempts,
          nextAttemptAt: retry ? new Date(now.getTime() + delay) : null,
          lastAttemptAt: now,
          lastStatusCode: 'statusCode' in outcome ? outcome.statusCode : null,
          lastError: succeeded
            ? null
            : 'error' in outcome
              ? outcome.error
              : `answered HTTP ${outcome.statusCode}`,
          deliveredAt: succeeded ? now : null,
        });
        if ('detail' in outcome && outcome.detail !== undefined) {
          this.deps.logger.warn(
            { deliveryId: delivery.id, webhookId: delivery.webhookId, detail: outcome.detail },
            'webhook receiver unreachable',
          );
        }
        if (succeeded) run.succeeded += 1;
        else if (retry) run.retrying += 1;
        else run.failed += 1;
        this.deps.logger.debug(
          { deliveryId: delivery.id, webhookId: delivery.webhookId, attempts, succeeded, retry },
          'webhook attempt',
        );
      }),
    );
    return run;
  }

  private headers(
    deliveryId: string,
    secret: string,
    timestamp: string,
    body: string,
    event: LiveMatchEventModel,
  ): Record<string, string> {
    return {
      'content-type': 'application/json',
      'user-agent': 'FaceLedger-Webhook/1',
      'x-faceledger-event': WEBHOOK_EVENT_NAMES[event.decision],
      'x-faceledger-delivery': deliveryId,
      'x-faceledger-timestamp': timestamp,
      'x-faceledger-signature': signWebhookBody(secret, timestamp, body),
    };
  }

  /** BAD_INPUT on url unless every address of its host may receive webhooks (and it has no user:password). */
  private async requireAllowedDestination(url: string): Promise<void> {
    try {
      await (this.deps.destinations ?? new WebhookDestinationPolicy()).checkUrl(new URL(url));
    } catch (error) {
      if (!(error instanceof WebhookDestinationError)) throw error;
      throw new AppError(ErrorCode.BAD_INPUT, error.message, { field: 'url' });
    }
  }

  private async requireGallery(galleryId: string): Promise<void> {
    if (!(await this.deps.galleries.findById(galleryId))) throw notFound('gallery', galleryId);
  }
}
