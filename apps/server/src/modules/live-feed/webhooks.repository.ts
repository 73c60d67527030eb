// Reads and writes webhooks and their deliveries. Deliveries are claimed with a lease (their
// next_attempt_at moved past the attempt's timeout) under FOR UPDATE SKIP LOCKED, so two workers never
// send the same delivery at once and a worker that dies mid-attempt leaves it due again.
import type { PrismaClient, WebhookDeliveryStatus } from '@faceledger/db';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';

/** A webhook as the API shows it (never the secret). */
export interface WebhookRecord {
  id: string;
  galleryId: string;
  url: string;
  events: string[];
  createdBy: string;
  createdAt: Date;
}

/** A delivery as the API shows it. */
export interface WebhookDeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A delivery claimed for one attempt, with what sending needs. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  /** Attempts made before this one. */
  attempts: number;
  webhookId: string;
  url: string;
  secret: string;
}

/** What one attempt changed. */
export interface AttemptRecord {
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

const WEBHOOK_COLUMNS = {
  id: true,
  galleryId: true,
  url: true,
  events: true,
  createdBy: true,
  createdAt: true,
} as const;

export class WebhooksRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(
    tx: Transaction,
    data: { galleryId: string; url: string; events: string[]; secret: string; createdBy: string },
  ): Promise<WebhookRecord> {
    return tx.webhook.create({ data, select: WEBHOOK_COLUMNS });
  }

  async findById(id: string): Promise<WebhookRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.webhook.findUnique({ where: { id }, select: WEBHOOK_COLUMNS });
  }

  /** The gallery's webhooks, oldest first. */
  async listByGallery(galleryId: string): Promise<WebhookRecord[]> {
    if (!isUuid(galleryId)) return [];
    return this.prisma.webhook.findMany({
      where: { galleryId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: WEBHOOK_COLUMNS,
    });
  }

  /** Deletes the webhook and (by cascade) its deliveries; false when it was gone already. */
  async delete(tx: Transaction, id: string): Promise<boolean> {
    const { count } = await tx.webhook.deleteMany({ where: { id } });
    return count > 0;
  }

  /** The webhook's deliveries, newest first. */
  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    if (!isUuid(webhookId)) return [];
    return this.prisma.webhookDelivery.findMany({
      where: { webhookId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** One pending delivery, due at `dueAt`, for every webhook of the gallery that takes `eventType`; returns how many. */
  async enqueue(
    event: { eventId: string; galleryId: string; eventType: string },
    dueAt: Date,
  ): Promise<number> {
    const hooks = await this.prisma.webhook.findMany({
      where: { galleryId: event.galleryId, events: { has: event.eventType } },
      select: { id: true },
    });
    if (hooks.length === 0) return 0;
    const { count } = await this.prisma.webhookDelivery.createMany({
      data: hooks.map((h) => ({
        webhookId: h.id,
        eventId: event.eventId,
        eventType: event.eventType,
        nextAttemptAt: dueAt,
        createdAt: dueAt,
      })),
      skipDuplicates: true,
    });
    return count;
  }

  /**
   * Queues, due at `now`, the deliveries that were never queued: every gallery match event created
   * since `since` (and after its webhook) whose decision a webhook of its gallery takes, and that has no
   * delivery for that webhook. Safe beside enqueue(): the (webhook, event) unique index drops a second one.
   */
  async enqueueMissed(since: Date, now: Date): Promise<number> {
    return this.prisma.$executeRaw`
      INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
      SELECT gen_random_uuid(), w.id, e.id, e.decision::text, 'PENDING', 0, ${now}::timestamptz, ${now}::timestamptz
      FROM match_events e
      JOIN webhooks w ON w.gallery_id = e.gallery_id
      WHERE e.created_at >= ${since}::timestamptz
        AND e.created_at >= w.created_at
        AND e.decision::text = ANY (w.events)
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.event_id = e.id)
      ON CONFLICT (webhook_id, event_id) DO NOTHING`;
  }

  /** Claims up to `limit` pending deliveries due at `now` until `leaseUntil`, oldest due first. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      UPDATE webhook_deliveries d SET next_attempt_at = ${leaseUntil}::timestamptz
      FROM webhooks w
      WHERE w.id = d.webhook_id
        AND d.id IN (
          SELECT id FROM webhook_deliveries
          WHERE status = 'PENDING' AND next_attempt_at <= ${now}::timestamptz
          ORDER BY next_attempt_at, id
          LIMIT ${limit}::int
          FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.event_id AS "eventId", d.event_type AS "eventType", d.attempts,
                w.id AS "webhookId", w.url, w.secret`;
  }

  /** Stores the outcome of an attempt on a still-pending delivery (nothing when the webhook was deleted meanwhile). */
  async recordAttempt(id: string, attempt: AttemptRecord): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({ where: { id, status: 'PENDING' }, data: attempt });
  }
}
