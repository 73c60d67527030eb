// The ledger hashes exactly what it stores and reads back. Prisma's own Json write keeps 16
// significant digits, so an entry holding 0.30000000000000004 used to be reported as tampered for
// ever after. Property test on both databases: awkward numbers, strings and nesting, then the
// chain verifies; and the ordinary call that first showed it (createGallery with a 17-digit
// threshold) keeps verifyAuditChain ok.
import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndSignIn } from '../../../test/auth-helpers.js';
import { startTestServer } from '../../../test/test-server.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

const SYSTEM = { kind: 'system' } as const;

/** Numbers that lose digits or sign in a careless round trip. */
const awkwardNumber = fc.oneof(
  fc.constantFrom(0.30000000000000004, 0.47834642726892124, 1e-7, -0, 2 ** 53 + 1, 1e300, -1e-300, 5e-324, 1.7976931348623157e308, 123456789012345680000),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
/** Text without NUL (input refuses it): surrogate pairs, right-to-left script, quotes, escapes. */
const awkwardString = fc.oneof(
  fc.constantFrom('😀 emoji', 'שלום עולם', 'مرحبا\u200f', 'a "quote" \\ back\nslash\t', '\u2028\u2029', 'é vs é'),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000')),
);
const payload = fc.dictionary(
  awkwardString,
  fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, awkwardNumber, awkwardString, fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(awkwardString, tie('value'), { maxKeys: 4 }),
  })).value,
  { maxKeys: 6 },
);

describe.each(TEST_DATABASE_MODES)('ledger stored form on %s', (mode) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(mode, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('verifies after entries with awkward numbers, strings and nesting', async () => {
    const ledger = new AuditRepository(db.prisma);
    const entries = fc.sample(payload, { numRuns: 120, seed: 20261206 });
    for (const [i, p] of entries.entries()) {
      await ledger.appendAlone({ actor: 'system', action: 'test.awkward', subject: `thing:${i}`, payload: p });
    }
    const report = await new AuditService(ledger, { batchSize: 37 }).verifyChain(SYSTEM);
    expect(report).toMatchObject({ ok: true, checked: entries.length, firstBrokenSeq: null });
  });

  it('keeps every digit of a 17-digit number and stores unstorable text readably', async () => {
    const ledger = new AuditRepository(db.prisma);
    const { seq } = await ledger.appendAlone({
      actor: 'system',
      action: 'test.exact',
      subject: 'thing:exact',
      payload: { threshold: 0.30000000000000004, lone: 'a\ud800b', nul: 'x\u0000y' },
    });
    const row = await db.prisma.auditEntry.findUniqueOrThrow({ where: { seq } });
    expect(row.payload).toEqual({ threshold: 0.30000000000000004, lone: 'a\ufffdb', nul: 'x\ufffdy' });
    const report = await new AuditService(ledger).verifyChain(SYSTEM);
    expect(report.ok).toBe(true);
  });
});

describe.each(TEST_DATABASE_MODES)('verifyAuditChain after ordinary calls on %s', (mode) => {
  it('stays ok after createGallery stores a 17-digit threshold', async () => {
    const server = await startTestServer(mode);
    try {
      const admin = await createUserAndSignIn(server, 'ADMIN');
      const created = await server.graphql(
        'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { matchThreshold } }',
        { input: { name: 'P', matchThreshold: 0.30000000000000004 } },
        admin,
      );
      expect(created.errors).toBeUndefined();
      const auditor = await createUserAndSignIn(server, 'AUDITOR');
      const verified = await server.graphql<{ verifyAuditChain: { ok: boolean; reason: string | null } }>(
        '{ verifyAuditChain { ok reason } }',
        {},
        auditor,
      );
      expect(verified.data?.verifyAuditChain).toEqual({ ok: true, reason: null });
    } finally {
      await server.close();
    }
  });
});
