import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../modules/audit/audit.repository.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { DomainEvent, JobFinished } from '../events/domain-events.js';
import { InProcessEventTransport } from '../events/event-transport.js';
import { UnauditedWriteError, UnitOfWork, type TransactionScope } from './unit-of-work.js';

const entry = (name: string) => ({
  actor: 'system',
  action: 'gallery.create',
  subject: `gallery:${name}`,
  payload: { name },
});
const finished = (jobId: string): JobFinished => ({
  type: 'JobFinished',
  jobId,
  kind: 'test',
  status: 'SUCCEEDED',
});

describe.each(TEST_DATABASE_MODES)('UnitOfWork on %s', (mode) => {
  let db: TestDatabase;
  let uow: UnitOfWork;
  /** What each scope's handlers received, and whether the gallery row was visible to them. */
  let delivered: Array<{ scope: string; event: DomainEvent; committed: boolean }>;

  const createGallery = (tx: TransactionScope, name: string) =>
    tx.db.gallery.create({ data: { name, matchThreshold: 0.5, embeddingModelId: 'test-model' } });
  const galleryExists = async (name: string) => (await db.prisma.gallery.count({ where: { name } })) === 1;
  const ledgerLength = () => db.prisma.auditEntry.count();

  beforeAll(async () => {
    db = await createTestDatabase(mode);
    const bus = new DomainEventBus(new InProcessEventTransport(), pino({ level: 'silent' }));
    for (const scope of ['publisher', 'every-process'] as const) {
      bus.subscribe(
        async (event) => {
          delivered.push({ scope, event, committed: await galleryExists(event.jobId) });
        },
        { scope, types: ['JobFinished'] },
      );
    }
    uow = new UnitOfWork(db.prisma, new AuditRepository(db.prisma), bus);
  });
  beforeEach(() => {
    delivered = [];
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('commits the write with its ledger entry, then delivers the events to both scopes, publisher first', async () => {
    const before = await ledgerLength();
    const id = await uow.transaction(async (tx) => {
      const gallery = await createGallery(tx, 'committed');
      await tx.audit(entry('committed'));
      tx.publish(finished('committed'));
      // Nothing is delivered while the transaction is open.
      expect(delivered).toEqual([]);
      return gallery.id;
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await galleryExists('committed')).toBe(true);
    expect(await ledgerLength()).toBe(before + 1);
    // Each handler ran once, after the commit (it saw the row from outside the transaction).
    expect(delivered).toEqual([
      { scope: 'publisher', event: finished('committed'), committed: true },
      { scope: 'every-process', event: finished('committed'), committed: true },
    ]);
  });

  it('rolls back a write that appended no ledger entry, with a programming error, and delivers nothing', async () => {
    const before = await ledgerLength();
    await expect(
      uow.transaction(async (tx) => {
        await createGallery(tx, 'unaudited');
        tx.publish(finished('unaudited'));
      }),
    ).rejects.toBeInstanceOf(UnauditedWriteError);
    expect(await galleryExists('unaudited')).toBe(false);
    expect(await ledgerLength()).toBe(before);
    expect(delivered).toEqual([]);
  });

  it('drops the events and the entry of a transaction that throws', async () => {
    const before = await ledgerLength();
    await expect(
      uow.transaction(async (tx) => {
        await createGallery(tx, 'thrown');
        await tx.audit(entry('thrown'));
        tx.publish(finished('thrown'));
        throw new Error('refused after the write');
      }),
    ).rejects.toThrow('refused after the write');
    expect(await galleryExists('thrown')).toBe(false);
    expect(await ledgerLength()).toBe(before);
    expect(delivered).toEqual([]);
  });

  it('commits an unaudited maintenance write only when it says why', async () => {
    const before = await ledgerLength();
    await uow.transaction(async (tx) => createGallery(tx, 'maintenance'), {
      unaudited: 'test: system purge',
    });
    expect(await galleryExists('maintenance')).toBe(true);
    expect(await ledgerLength()).toBe(before);
    await expect(
      uow.transaction(async (tx) => createGallery(tx, 'no-reason'), { unaudited: ' ' }),
    ).rejects.toThrow(/needs the reason/);
    expect(await galleryExists('no-reason')).toBe(false);
  });

  it('refuses audit() and publish() on a scope whose transaction ended', async () => {
    let kept: TransactionScope | undefined;
    await uow.transaction(async (tx) => {
      kept = tx;
      await tx.audit(entry('kept'));
    });
    expect(() => kept?.publish(finished('late'))).toThrow(/after its transaction ended/);
    await expect(kept?.audit(entry('late'))).rejects.toThrow(/after its transaction ended/);
    expect(delivered).toEqual([]);
  });
});
