import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, IdentityErased, MatchRecorded } from './domain-events.js';
import { PgNotifyTransport } from './pg-notify-transport.js';

const logger = pino({ level: 'silent' });

/** A transport and what its handler received, for one simulated server process. */
async function startProcess(db: TestDatabase) {
  const transport = await PgNotifyTransport.start(db.connectionString, logger, { firstMs: 50, maxMs: 400 });
  const received: DomainEvent[] = [];
  const waiters: Array<() => void> = [];
  transport.onReceive(async (event) => {
    received.push(event);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    transport,
    received,
    /** Resolves once `count` events have arrived. */
    async waitFor(count: number): Promise<DomainEvent[]> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
  };
}

/** Resolves once `check` holds, asking every 50 ms. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const erased = (n: number): IdentityErased => ({
  type: 'IdentityErased',
  identityId: `00000000-0000-4000-8000-00000000000${n}`,
  galleryId: '00000000-0000-4000-8000-0000000000aa',
});

const matchRecorded = (eventId: string, fields: Partial<MatchRecorded>): MatchRecorded => ({
  type: 'MatchRecorded',
  eventId,
  kind: 'IDENTIFY',
  decision: 'MATCH',
  galleryId: '00000000-0000-4000-8000-0000000000aa',
  galleryName: 'Lobby',
  topCandidate: null,
  createdAt: '2026-12-06T08:00:00.000Z',
  ...fields,
});

describe.skipIf(!TEST_DATABASE_MODES.includes('postgres'))('PgNotifyTransport (postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('hands an event sent by one process to every process once, the sender included', async () => {
    const a = await startProcess(db);
    const b = await startProcess(db);
    const match = matchRecorded('00000000-0000-4000-8000-000000000001', {
      topCandidate: { identityId: 'i-1', displayName: 'Zoë “Ann” O’Neil', externalId: 'E-1', score: 0.93 },
    });
    await a.transport.send(match);
    await a.transport.send(erased(2));
    expect(await b.waitFor(2)).toEqual([match, erased(2)]);
    // The sender's own copy came directly; its notifications are not delivered a second time.
    await b.transport.send(erased(3));
    expect(await a.waitFor(3)).toEqual([match, erased(2), erased(3)]);
    expect(b.received).toEqual([match, erased(2), erased(3)]);
    await Promise.all([a.transport.close(), b.transport.close()]);
  });

  it('listens again after its connection is killed, and receives what is sent afterwards', async () => {
    const a = await startProcess(db);
    const b = await startProcess(db);
    const listeners = () =>
      db.prisma.$queryRaw<Array<{ pid: number }>>`
        SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN faceledger_events'`;
    expect(await listeners()).toHaveLength(2);
    await db.prisma.$queryRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query = 'LISTEN faceledger_events'`;
    await until(() => !a.transport.isListening && !b.transport.isListening);
    await until(() => a.transport.isListening && b.transport.isListening);
    await a.transport.send(erased(4));
    expect(await b.waitFor(1)).toEqual([erased(4)]);
    await Promise.all([a.transport.close(), b.transport.close()]);
    expect(await listeners()).toHaveLength(0);
  });

  it('keeps an event too large for NOTIFY in its own process and says so; close() stops both directions', async () => {
    const a = await startProcess(db);
    const b = await startProcess(db);
    const large = matchRecorded('00000000-0000-4000-8000-000000000005', { galleryName: 'x'.repeat(8000) });
    await expect(a.transport.send(large)).rejects.toThrow(/over 7500/);
    expect(a.received).toEqual([large]);
    await a.transport.send(erased(6));
    expect(await b.waitFor(1)).toEqual([erased(6)]);
    await b.transport.close();
    await expect(b.transport.send(erased(7))).rejects.toThrow(/closed/);
    await a.transport.send(erased(8));
    expect(await a.waitFor(3)).toEqual([large, erased(6), erased(8)]);
    expect(b.received).toEqual([erased(6)]);
    await a.transport.close();
  });
});
