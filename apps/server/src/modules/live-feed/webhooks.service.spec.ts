// WebhooksService with its repositories faked: the retry schedule, giving up, signing, and the
// permission checks that come first.
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, REVIEWER } from '../../../test/recognition-fakes.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import type { LiveMatchEventModel } from './match-event-bus.js';
import { isValidWebhookSignature } from './webhook-signature.js';
import type { SendOutcome, WebhookSender } from './webhook-sender.js';
import type { AttemptRecord, ClaimedDelivery, WebhooksRepository } from './webhooks.repository.js';
import { DEFAULT_WEBHOOK_SETTINGS, WebhooksService } from './webhooks.service.js';

const EVENT: LiveMatchEventModel = {
  eventId: '00000000-0000-4000-8000-0000000000e1',
  kind: 'IDENTIFY',
  decision: 'MATCH',
  galleryId: '00000000-0000-4000-8000-0000000000a1',
  galleryName: 'Staff',
  topCandidate: {
    identityId: '00000000-0000-4000-8000-0000000000b1',
    displayName: 'Ada',
    externalId: 'e1',
    score: 0.93,
  },
  createdAt: '2026-01-01T00:00:00.000Z',
};

function claimed(attempts: number): ClaimedDelivery {
  return {
    id: '00000000-0000-4000-8000-0000000000d1',
    eventId: EVENT.eventId,
    eventType: 'MATCH',
    attempts,
    webhookId: '00000000-0000-4000-8000-0000000000c1',
    url: 'http://127.0.0.1:9/hook',
    secret: 'whsec_test',
  };
}

function setup(options: { attempts?: number; outcome?: SendOutcome; eventGone?: boolean } = {}) {
  const recorded: AttemptRecord[] = [];
  const sent: Array<{ headers: Record<string, string>; body: string }> = [];
  const webhooks = {
    claimDue: vi.fn(async () => [claimed(options.attempts ?? 0)]),
    recordAttempt: vi.fn(async (_id: string, attempt: AttemptRecord) => {
      recorded.push(attempt);
    }),
  };
  const sender: WebhookSender = {
    send: vi.fn(async (request) => {
      sent.push({ headers: request.headers, body: request.body });
      return options.outcome ?? { statusCode: 200 };
    }),
  };
  const service = new WebhooksService({
    webhooks: webhooks as unknown as WebhooksRepository,
    events: { findLiveEvents: async () => (options.eventGone ? [] : [EVENT]) },
    galleries: { findById: async () => null },
    uow: recordingUnitOfWork().uow,
    sender,
    logger: pino({ level: 'silent' }),
  });
  return { service, recorded, sent, webhooks };
}

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('WebhooksService.deliverDue', () => {
  it('signs timestamp + "." + body with the secret and marks a 2xx SUCCEEDED', async () => {
    const { service, recorded, sent } = setup();
    expect(await service.deliverDue(NOW)).toEqual({ attempted: 1, succeeded: 1, retrying: 0, failed: 0 });
    const [request] = sent;
    expect(request?.headers['x-faceledger-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(
      isValidWebhookSignature(
        'whsec_test',
        request!.headers['x-faceledger-timestamp']!,
        request!.body,
        request!.headers['x-faceledger-signature']!,
      ),
    ).toBe(true);
    expect(recorded[0]).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      nextAttemptAt: null,
      deliveredAt: NOW,
    });
  });

  it.each([
    [0, 10_000],
    [1, 60_000],
    [2, 300_000],
    [3, 1_800_000],
    [4, 7_200_000],
  ])('after %i earlier attempts, retries a failure %i ms later', async (attempts, delay) => {
    const { service, recorded } = setup({ attempts, outcome: { statusCode: 503 } });
    await service.deliverDue(NOW);
    expect(recorded[0]).toMatchObject({
      status: 'PENDING',
      attempts: attempts + 1,
      nextAttemptAt: new Date(NOW.getTime() + delay),
      lastStatusCode: 503,
      lastError: 'answered HTTP 503',
    });
  });

  it('gives up after the last delay of the schedule', async () => {
    const { service, recorded } = setup({
      attempts: DEFAULT_WEBHOOK_SETTINGS.retryDelaysMs.length,
      outcome: { error: 'connect ECONNREFUSED' },
    });
    expect(await service.deliverDue(NOW)).toMatchObject({ failed: 1 });
    expect(recorded[0]).toMatchObject({
      status: 'FAILED',
      attempts: 6,
      nextAttemptAt: null,
      lastStatusCode: null,
      lastError: 'connect ECONNREFUSED',
    });
  });

  it('fails a delivery whose event is gone without sending anything', async () => {
    const { service, recorded, sent } = setup({ eventGone: true });
    await service.deliverDue(NOW);
    expect(sent).toEqual([]);
    expect(recorded[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
  });

  it('claims with a lease longer than the attempt timeout', async () => {
    const { service, webhooks } = setup();
    await service.deliverDue(NOW);
    expect(webhooks.claimDue).toHaveBeenCalledWith(NOW, new Date(NOW.getTime() + 15_000), 20);
  });
});

describe('WebhooksService management', () => {
  it('is ADMIN only, checked before anything is read', async () => {
    const { service } = setup();
    await expect(
      service.create(REVIEWER, { galleryId: EVENT.galleryId, url: 'https://x.org', events: ['MATCH'] }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(service.list({ kind: 'anonymous' }, EVENT.galleryId)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it.each([
    ['ftp://example.org/hook', 'url'],
    ['not a url', 'url'],
    ['https://example.org/hook', 'events'],
    // Destinations only the server itself could reach (checked before anything is connected to).
    ['http://127.0.0.1/hook', 'url'],
    ['http://0.0.0.0:4000/', 'url'],
    ['http://2130706433/', 'url'],
    ['http://[::1]/', 'url'],
    ['http://[::ffff:127.0.0.1]/', 'url'],
    ['http://10.1.2.3/', 'url'],
    ['http://192.168.0.10/', 'url'],
    ['http://169.254.169.254/latest/meta-data/', 'url'],
    ['http://localhost:4000/', 'url'],
    ['https://admin:secret@example.org/hook', 'url'],
  ])('refuses %s with BAD_INPUT on %s', async (url, field) => {
    const { service } = setup();
    const events = field === 'events' ? [] : ['MATCH'];
    await expect(service.create(ADMIN, { galleryId: EVENT.galleryId, url, events })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: { field },
    });
  });
});
