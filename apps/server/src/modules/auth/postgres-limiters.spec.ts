import { openDatabase, type Database } from '@faceledger/db';
import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresApiKeyRateLimiter } from './postgres-api-key-rate-limiter.js';
import { PostgresSignInLimiter } from './postgres-sign-in-limiter.js';
import type { SignInAdmission } from './sign-in-limiter.js';

// Two limiters on two connections pools of one PostgreSQL database stand for two server processes.
describe.skipIf(!TEST_DATABASE_MODES.includes('postgres'))('limiters shared through PostgreSQL', () => {
  let db: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    other = await openDatabase({ databaseUrl: db.connectionString, runMigrations: false });
  });
  afterAll(async () => {
    await other?.close();
    await db?.drop();
  });

  describe('API-key buckets', () => {
    const limits = { perMinute: 1, burst: 5 };

    it('two limiters sending at once together allow one burst, and another key has its own', async () => {
      const a = new PostgresApiKeyRateLimiter(db.prisma, limits);
      const b = new PostgresApiKeyRateLimiter(other.prisma, limits);
      const waits = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).take('key-1')));
      expect(waits.filter((w) => w === 0)).toHaveLength(5);
      // At one request a minute the next token is about a minute away.
      for (const wait of waits.filter((w) => w > 0)) expect(wait).toBeGreaterThan(50);
      expect(await b.take('key-2')).toBe(0);
    });

    it('refills by the time since the last request on the database clock', async () => {
      const a = new PostgresApiKeyRateLimiter(db.prisma, limits);
      const b = new PostgresApiKeyRateLimiter(other.prisma, limits);
      for (let i = 0; i < 5; i += 1) expect(await a.take('key-3')).toBe(0);
      expect(await b.take('key-3')).toBeGreaterThan(0);
      // Two minutes pass for this bucket: two tokens, not more.
      await db.prisma.$executeRaw`
        UPDATE api_key_rate_buckets SET updated_at = updated_at - interval '2 minutes' WHERE key_id = 'key-3'`;
      expect([await b.take('key-3'), await a.take('key-3'), await b.take('key-3')].map((w) => w === 0)).toEqual([
        true,
        true,
        false,
      ]);
    });

    it('sweeps buckets that have refilled to the burst', async () => {
      const a = new PostgresApiKeyRateLimiter(db.prisma, limits);
      expect(await a.take('key-4')).toBe(0);
      await db.prisma.$executeRaw`
        UPDATE api_key_rate_buckets SET updated_at = updated_at - interval '1 hour' WHERE key_id = 'key-4'`;
      // A new limiter sweeps on its first request.
      expect(await new PostgresApiKeyRateLimiter(other.prisma, limits).take('key-5')).toBe(0);
      const left = await db.prisma.apiKeyRateBucket.findMany({ select: { keyId: true } });
      expect(left.map((r) => r.keyId)).not.toContain('key-4');
      expect(left.map((r) => r.keyId)).toContain('key-5');
    });
  });

  describe('sign-in windows', () => {
    const limits = { maxFailures: 3, maxSourceFailures: 5, windowMs: 15 * 60_000 };
    const refusal = (a: SignInAdmission) => (a.admitted ? null : { scope: a.scope, report: a.report });

    it('parallel attempts on two limiters admit one email budget; the first refusal is reported once', async () => {
      const a = new PostgresSignInLimiter(db.prisma, limits);
      const b = new PostgresSignInLimiter(other.prisma, limits);
      const admissions = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).begin('ann@example.org', `198.51.100.${i}`)),
      );
      expect(admissions.filter((x) => x.admitted)).toHaveLength(3);
      const refusals = admissions.map(refusal).filter((r) => r !== null);
      expect(refusals.every((r) => r.scope === 'email')).toBe(true);
      expect(refusals.map((r) => r.report).sort()).toEqual([0, 0, 0, 0, 1]);
      const refused = admissions.find((x) => !x.admitted);
      expect(refused && !refused.admitted && refused.retryAfterSeconds).toBeGreaterThan(800);
    });

    it('a right password on one clears the email for the other, and a source counts across emails', async () => {
      const a = new PostgresSignInLimiter(db.prisma, limits);
      const b = new PostgresSignInLimiter(other.prisma, limits);
      const first = await a.begin('bob@example.org', '203.0.113.9');
      await a.begin('bob@example.org', '203.0.113.9');
      await b.begin('bob@example.org', '203.0.113.9');
      expect((await b.begin('bob@example.org', '203.0.113.9')).admitted).toBe(false);
      if (!first.admitted) throw new Error('the first attempt was refused');
      await first.succeeded();
      expect((await b.begin('bob@example.org', '203.0.113.9')).admitted).toBe(true);
      // The source has made 4 attempts (one given back: 3); two more emails fill it to 5.
      expect((await a.begin('cid@example.org', '203.0.113.9')).admitted).toBe(true);
      expect((await b.begin('dee@example.org', '203.0.113.9')).admitted).toBe(true);
      expect(refusal(await a.begin('eve@example.org', '203.0.113.9'))).toEqual({ scope: 'source', report: 1 });
    });

    it('reports the unreported refusals of an expired window and deletes it', async () => {
      const a = new PostgresSignInLimiter(db.prisma, limits);
      const b = new PostgresSignInLimiter(other.prisma, limits);
      for (let i = 0; i < 3; i += 1) await a.begin('fay@example.org', `192.0.2.${i}`);
      for (let i = 0; i < 3; i += 1) expect((await b.begin('fay@example.org', `192.0.2.${10 + i}`)).admitted).toBe(false);
      await db.prisma.$executeRaw`
        UPDATE sign_in_windows SET since = since - interval '1 hour' WHERE key = 'fay@example.org'`;
      // The first refusal was reported at once; the two after it come from the sweep.
      expect(await new PostgresSignInLimiter(other.prisma, limits).takeReports()).toContainEqual({
        scope: 'email',
        key: 'fay@example.org',
        refused: 2,
      });
      const left = await db.prisma.signInWindow.count({ where: { key: 'fay@example.org' } });
      expect(left).toBe(0);
      expect((await a.begin('fay@example.org', '192.0.2.99')).admitted).toBe(true);
    });
  });
});
