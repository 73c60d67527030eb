// The bus, the live feed's push of committed events, and how a socket's credentials are read.
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { MatchRecorded } from '../../infrastructure/events/domain-events.js';
import { credentialsOf } from './graphql-ws.server.js';
import { LiveFeedService } from './live-feed.service.js';
import { MatchEventBus, SUBSCRIBER_QUEUE_LIMIT, type LiveMatchEventModel } from './match-event-bus.js';

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

describe('LiveFeedService.push', () => {
  const recorded = (eventId: string, galleryId: string | null): MatchRecorded => ({
    type: 'MatchRecorded',
    eventId,
    kind: galleryId ? 'IDENTIFY' : 'COMPARE',
    decision: 'MATCH',
    galleryId,
    galleryName: galleryId ? 'Staff' : null,
    topCandidate: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  it("pushes a gallery's committed event to this process's subscribers as it came, and no event without a gallery", async () => {
    const bus = new MatchEventBus();
    const pushed: LiveMatchEventModel[] = [];
    bus.listen((e) => pushed.push(e));
    const service = new LiveFeedService({ galleries: { findById: async () => null }, bus });
    service.push(recorded('a', 'g1'));
    service.push(recorded('compare', null));
    expect(pushed).toEqual([event('a')]);
    // The payload's fields in the order webhooks have always serialised them.
    expect(Object.keys(pushed[0] ?? {})).toEqual([
      'eventId',
      'kind',
      'decision',
      'galleryId',
      'galleryName',
      'topCandidate',
      'createdAt',
    ]);
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
