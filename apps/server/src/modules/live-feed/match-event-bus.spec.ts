// The bus, the hook that publishes matching's committed events, and how a socket's credentials are read.
import type http from 'node:http';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { MatchingService } from '../matching/matching.service.js';
import { credentialsOf } from './graphql-ws.server.js';
import { LiveFeedService } from './live-feed.service.js';
import { MatchEventBus, SUBSCRIBER_QUEUE_LIMIT, type LiveMatchEventModel } from './match-event-bus.js';
import { publishCommittedMatchEvents } from './publish-match-events.js';

function event(eventId: string, galleryId = 'g1'): LiveMatchEventModel {
  return {
    eventId,
    kind: 'IDENTIFY',
    decision: 'MATCH',
    galleryId,
    galleryName: 'Staff',
    topCandidate: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('MatchEventBus', () => {
  it('delivers what the filter accepts in order, queues while nobody reads, and detaches on return()', async () => {
    const bus = new MatchEventBus();
    const events = bus.subscribe((e) => e.galleryId === 'g1');
    expect(bus.listenerCount).toBe(1);
    const pending = events.next();
    bus.publish(event('a'));
    bus.publish(event('x', 'g2'));
    bus.publish(event('b'));
    expect((await pending).value).toMatchObject({ eventId: 'a' });
    expect((await events.next()).value).toMatchObject({ eventId: 'b' });
    await events.return?.();
    expect(bus.listenerCount).toBe(0);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a waiting next() when the subscription is returned', async () => {
    const bus = new MatchEventBus();
    const events = bus.subscribe(() => true);
    const pending = events.next();
    await events.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('keeps at most SUBSCRIBER_QUEUE_LIMIT events for a slow subscriber, dropping the oldest', async () => {
    const bus = new MatchEventBus();
    const events = bus.subscribe(() => true);
    for (let i = 0; i <= SUBSCRIBER_QUEUE_LIMIT; i++) bus.publish(event(String(i)));
    expect((await events.next()).value).toMatchObject({ eventId: '1' });
    await events.return?.();
  });
});

describe('publishCommittedMatchEvents', () => {
  it('publishes the events of identify and verify after they return', async () => {
    const matching = {
      identify: vi.fn(async () => ({ faces: [{ eventId: 'e1' }, { eventId: 'e2' }] })),
      verify: vi.fn(async () => ({ eventId: 'e3' })),
    } as unknown as MatchingService;
    const publishCommitted = vi.fn(async () => undefined);
    const wrapped = publishCommittedMatchEvents(matching, { publishCommitted });
    await wrapped.identify({ kind: 'system' }, { galleryId: 'g', image: {} });
    await wrapped.verify({ kind: 'system' }, { identityId: 'i', image: {} });
    expect(publishCommitted.mock.calls).toEqual([[['e1', 'e2']], [['e3']]]);
  });
});

describe('LiveFeedService.publishCommitted', () => {
  it('queues webhook deliveries before publishing, and never throws', async () => {
    const bus = new MatchEventBus();
    const order: string[] = [];
    bus.listen((e) => order.push(`published ${e.eventId}`));
    const service = new LiveFeedService({
      events: { findLiveEvents: async (ids) => ids.map((id) => event(id)) },
      galleries: { findById: async () => null },
      webhooks: {
        enqueue: async (e) => {
          order.push(`queued ${e.eventId}`);
          if (e.eventId === 'bad') throw new Error('database gone');
          return 1;
        },
      },
      bus,
      logger: pino({ level: 'silent' }),
    });
    await service.publishCommitted(['a', 'bad']);
    expect(order).toEqual(['queued a', 'published a', 'queued bad', 'published bad']);

    const failing = new LiveFeedService({
      events: {
        findLiveEvents: () => Promise.reject(new Error('database gone')),
      },
      galleries: { findById: async () => null },
      webhooks: { enqueue: async () => 0 },
      bus,
      logger: pino({ level: 'silent' }),
    });
    await expect(failing.publishCommitted(['a'])).resolves.toBeUndefined();
  });
});

describe('credentialsOf', () => {
  const request = (headers: http.IncomingHttpHeaders) => ({ headers }) as http.IncomingMessage;

  it('takes connectionParams.authorization over the cookie', () => {
    expect(credentialsOf({ authorization: 'Bearer k' }, request({ cookie: 'faceledger_session=t' }))).toEqual(
      {
        authorization: 'Bearer k',
        sessionToken: undefined,
      },
    );
  });

  it('takes the session cookie without an Origin or from the same host, not from another site', () => {
    const cookie = 'faceledger_session=t; other=1';
    expect(credentialsOf(undefined, request({ cookie, host: 'api.local:4000' })).sessionToken).toBe('t');
    expect(
      credentialsOf(undefined, request({ cookie, host: 'api.local:4000', origin: 'http://api.local:4000' }))
        .sessionToken,
    ).toBe('t');
    // another port of the same host is another origin (http/origin-check.spec.ts has every rule)
    expect(
      credentialsOf(undefined, request({ cookie, host: 'api.local:4000', origin: 'http://api.local:3000' }))
        .sessionToken,
    ).toBeUndefined();
    expect(
      credentialsOf(undefined, request({ cookie, host: 'api.local:4000', origin: 'https://evil.example' }))
        .sessionToken,
    ).toBeUndefined();
  });
});
