// A throw-away database (PGlite or PostgreSQL) for the tests of one describe block.
import type { DatabaseMode } from '@faceledger/db';
import { createTestDatabase, type TestDatabase } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';

/**
 * Creates a database before the tests of the describe block that calls it and drops it after
 * them; `use` receives it: `let db: TestDatabase; useTestDatabase(mode, (created) => (db = created));`
 */
export function useTestDatabase(mode: DatabaseMode, use: (db: TestDatabase) => void): void {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(mode, pino({ level: 'silent' }));
    use(db);
  });
  afterAll(async () => {
    await db?.drop();
  });
}
