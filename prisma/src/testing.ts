// Test helpers: a throw-away database in either mode. Integration suites run once per mode in
// TEST_DATABASE_MODES, so every repository is checked on PGlite and on a real PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database, type DatabaseMode } from './database.js';

/** Modes the integration suites run in; FACELEDGER_TEST_DB_MODES=pglite narrows it on a machine without PostgreSQL. */
export const TEST_DATABASE_MODES: DatabaseMode[] = (process.env.FACELEDGER_TEST_DB_MODES ?? 'pglite,postgres')
  .split(',')
  .map((m) => m.trim())
  .filter((m): m is DatabaseMode => m === 'pglite' || m === 'postgres');

/** The maintenance database of the test PostgreSQL (trust auth on loopback in dev and CI). */
export const TEST_POSTGRES_URL =
  process.env.FACELEDGER_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A database made for one test file, removed again by `drop()`. */
export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

/** Where a fresh throw-away database lives before it is opened. */
export interface TestDatabaseLocation {
  mode: DatabaseMode;
  databaseUrl?: string;
  pgliteDir?: string;
  remove(): Promise<void>;
}

const silent = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** Creates an empty database (a PostgreSQL database, or a PGlite directory) without opening it. */
export async function createTestDatabaseLocation(mode: DatabaseMode): Promise<TestDatabaseLocation> {
  if (mode === 'pglite') {
    const pgliteDir = await mkdtemp(path.join(tmpdir(), 'faceledger-test-'));
    return { mode, pgliteDir, remove: () => rm(pgliteDir, { recursive: true, force: true }) };
  }
  const name = `faceledger_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    mode,
    databaseUrl: url.toString(),
    async remove() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Creates, opens and migrates a throw-away database in `mode`. */
export async function createTestDatabase(mode: DatabaseMode, logger: Logger = silent): Promise<TestDatabase> {
  const location = await createTestDatabaseLocation(mode);
  const db = await openDatabase({ databaseUrl: location.databaseUrl, pgliteDir: location.pgliteDir, logger });
  return {
    ...db,
    async drop() {
      await db.close();
      await location.remove();
    },
  };
}
