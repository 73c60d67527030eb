import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

// PostgreSQL serves the pool with up to 10 connections, so these transactions really interleave;
// on PGlite (one connection) they queue, which must give the same chain.
describe.each(TEST_DATABASE_MODES)('concurrent appends on %s', (mode) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(mode);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps one gapless chain when 50 transactions append at once', async () => {
    const ledger = new AuditRepository(db.prisma);
    const uow = new UnitOfWork(db.prisma, ledger, { publish: async () => undefined });
    let open = 0;
    let mostOpen = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        // Each transaction does other work before appending, as a real mutation would.
        uow.transaction(async (tx) => {
          open += 1;
          mostOpen = Math.max(mostOpen, open);
          await tx.db.$executeRaw`SELECT pg_sleep(${(i % 5) / 1000})`;
          open -= 1;
          await tx.audit({ actor: 'system', action: 'test.concurrent', subject: `thing:${i}`, payload: { i } });
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // On PostgreSQL several transactions were open at once; PGlite runs them one after another.
    if (mode === 'postgres') expect(mostOpen).toBeGreaterThan(1);
    else expect(mostOpen).toBe(1);

    const rows = await db.prisma.auditEntry.findMany({
      orderBy: { seq: 'asc' },
      select: { seq: true, payload: true },
    });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i + 1)));
    expect(new Set(rows.map((r) => (r.payload as { i: number }).i)).size).toBe(50);
    const report = await new AuditService(ledger, { batchSize: 16 }).verifyChain({ kind: 'system' });
    expect(report).toMatchObject({ ok: true, checked: 50, headSeq: '50' });
  });
});
