import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository, type Transaction } from './audit.repository.js';
import { AuditService } from './audit.service.js';

// The ledger is append-only in the database itself (migration audit_entries_append_only): whatever
// the application's role sends, rows are only ever inserted.
describe.each(TEST_DATABASE_MODES)('the audit ledger refuses rewrites on %s', (mode) => {
  let db: TestDatabase;
  let ledger: AuditRepository;

  beforeAll(async () => {
    db = await createTestDatabase(mode);
    ledger = new AuditRepository(db.prisma);
    for (let i = 1; i <= 3; i += 1) {
      await ledger.appendAlone({
        actor: 'system',
        action: 'test.entry',
        subject: `thing:${i}`,
        payload: { i },
      });
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  const rows = () => db.prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
  // In a transaction, as the application writes: outside one, pg's pool drops the connection of a
  // failed query, and PGlite's single-connection socket may refuse the next one while it closes.
  const inTransaction = <T>(work: (tx: Transaction) => Promise<T>) => db.prisma.$transaction(work);

  it.each([
    ['UPDATE', `UPDATE audit_entries SET actor = 'user:mallory' WHERE seq = 2`],
    ['UPDATE', `UPDATE audit_entries SET payload = '{"i":99}'::jsonb, hash = repeat('0', 64)`],
    ['DELETE', 'DELETE FROM audit_entries WHERE seq = 3'],
    ['DELETE', 'DELETE FROM audit_entries'],
    ['TRUNCATE', 'TRUNCATE audit_entries'],
  ])('refuses %s (%s) and leaves every row as it was', async (operation, sql) => {
    const before = await rows();
    await expect(inTransaction((tx) => tx.$executeRawUnsafe(sql))).rejects.toThrow(
      new RegExp(`audit_entries is append-only: ${operation} is not allowed`),
    );
    expect(await rows()).toEqual(before);
  });

  it('refuses rewrites through the Prisma client too', async () => {
    const before = await rows();
    await expect(
      inTransaction((tx) => tx.auditEntry.update({ where: { seq: 1n }, data: { subject: 'thing:x' } })),
    ).rejects.toThrow(/append-only/);
    await expect(inTransaction((tx) => tx.auditEntry.deleteMany({}))).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(before);
  });

  it('still appends, and the chain verifies up to a head an operator can anchor', async () => {
    const appended = await ledger.appendAlone({
      actor: 'system',
      action: 'test.entry',
      subject: 'thing:4',
      payload: {},
    });
    const report = await new AuditService(ledger).verifyChain({ kind: 'system' });
    expect(report).toEqual({
      ok: true,
      checked: 4,
      firstBrokenSeq: null,
      reason: null,
      headSeq: '4',
      headHash: appended.hash,
    });
    await expect(
      new AuditService(ledger).verifyChain({ kind: 'system' }, { seq: '4', hash: appended.hash }),
    ).resolves.toMatchObject({ ok: true });
  });
});
