// A statement the server refuses leaves the connection in use: the next query works (on PGlite it
// failed with "Connection terminated unexpectedly", the pool having closed the only connection)
// and, on PostgreSQL, runs in the same backend instead of a new connection.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from './testing.js';

describe.each(TEST_DATABASE_MODES)('a refused statement on %s', (mode) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(mode, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps the connection: the next query succeeds in the same session', async () => {
    const pid = async () => (await db.prisma.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`)[0]?.pid;
    const before = await pid();
    for (let i = 0; i < 3; i += 1) {
      await expect(db.prisma.$queryRawUnsafe('SELECT 1/0')).rejects.toThrow(/division by zero/);
      await expect(db.prisma.$queryRawUnsafe('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    }
    if (mode === 'postgres') expect(await pid()).toBe(before);
  });
});
