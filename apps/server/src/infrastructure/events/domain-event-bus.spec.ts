import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DomainEventBus } from './domain-event-bus.js';
import {
  MAX_ENCODED_EVENT_BYTES,
  decodeDomainEvent,
  encodeDomainEvent,
  type DomainEvent,
  type MatchRecorded,
} from './domain-events.js';
import { InProcessEventTransport } from './event-transport.js';

const match: MatchRecorded = {
  type: 'MatchRecorded',
  eventId: '7a0c1a8e-0d0b-4c2e-9c55-0b7f0a4f1e01',
  kind: 'IDENTIFY',
  decision: 'MATCH',
  galleryId: 'a9e3c3a4-5d8e-4a4c-8f0e-3f1f0b9d2c11',
  galleryName: 'Front door',
  topCandidate: { identityId: 'c1', displayName: 'Colin Powell', externalId: 'E-1', score: 1.0312 },
  createdAt: '2026-12-06T08:00:00.000Z',
};
const erased: DomainEvent = { type: 'IdentityErased', identityId: 'c1', galleryId: 'g1' };
const silent = pino({ level: 'silent' });

describe('DomainEventBus', () => {
  it('runs publisher handlers, then every-process handlers, of the subscribed types only', async () => {
    const bus = new DomainEventBus(new InProcessEventTransport(), silent);
    const seen: string[] = [];
    bus.subscribe((e) => void seen.push(`every:${e.type}`), { scope: 'every-process' });
    bus.subscribe((e) => void seen.push(`publisher:${e.eventId}`), {
      scope: 'publisher',
      types: ['MatchRecorded'],
    });
    await bus.publish([match, erased]);
    expect(seen).toEqual([`publisher:${match.eventId}`, 'every:MatchRecorded', 'every:IdentityErased']);
  });

  it('hands every-process handlers the wire form of the event (equal, not the same object)', async () => {
    const bus = new DomainEventBus(new InProcessEventTransport(), silent);
    const received: DomainEvent[] = [];
    bus.subscribe((e) => void received.push(e), { scope: 'every-process' });
    await bus.publish([match]);
    expect(received).toEqual([match]);
    expect(received[0]).not.toBe(match);
  });

  it('keeps delivering when a handler throws, and publish() itself never throws', async () => {
    const bus = new DomainEventBus(new InProcessEventTransport(), silent);
    const seen: string[] = [];
    bus.subscribe(
      () => {
        throw new Error('handler bug');
      },
      { scope: 'publisher' },
    );
    bus.subscribe((e) => void seen.push(e.type), { scope: 'publisher' });
    bus.subscribe((e) => void seen.push(`every:${e.type}`), { scope: 'every-process' });
    await expect(bus.publish([erased])).resolves.toBeUndefined();
    expect(seen).toEqual(['IdentityErased', 'every:IdentityErased']);
  });

  it('stops calling a handler once it unsubscribed, and every-process handlers once the transport closed', async () => {
    const bus = new DomainEventBus(new InProcessEventTransport(), silent);
    const seen: string[] = [];
    const stop = bus.subscribe((e) => void seen.push(e.type), { scope: 'publisher' });
    bus.subscribe((e) => void seen.push(`every:${e.type}`), { scope: 'every-process' });
    stop();
    await bus.close();
    await bus.publish([erased]);
    expect(seen).toEqual([]);
    expect(bus.subscriberCount('publisher')).toBe(0);
  });
});

describe('the wire form of domain events', () => {
  it('round-trips an event and refuses text that is not one', () => {
    expect(decodeDomainEvent(encodeDomainEvent(match))).toEqual(match);
    expect(() => decodeDomainEvent('{"type":"Nope"}')).toThrow(/Not a domain event/);
    expect(() => decodeDomainEvent('[1]')).toThrow(/Not a domain event/);
  });

  it('refuses an event too large for PostgreSQL NOTIFY', () => {
    const huge: MatchRecorded = {
      ...match,
      topCandidate: {
        identityId: 'c1',
        displayName: 'x'.repeat(MAX_ENCODED_EVENT_BYTES),
        externalId: 'E-1',
        score: 1,
      },
    };
    expect(() => encodeDomainEvent(huge)).toThrow(/over 7500; publish ids/);
  });
});
