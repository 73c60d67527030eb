// Applies prisma/migrations/*/migration.sql in name order, each in its own transaction, recording
// them in Prisma's `_prisma_migrations` table so the Prisma CLI sees the same history.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';

/** Where the SQL migrations ship: prisma/migrations beside this package's dist/ or src/. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

/** Any constant; the same key Prisma Migrate uses, so the CLI and the app never migrate at once. */
const ADVISORY_LOCK_KEY = 72707369;

/** One migration folder on disk. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** What a migrate run did, for logs and the health query. */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
  total: number;
  latest: string | null;
}

/** Reads every migration folder, sorted by name (the timestamp prefix). */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

const BOOKKEEPING_SQL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Brings the database at `connectionString` up to date. Idempotent; a run killed half-way leaves
 * its transaction rolled back, so the next run applies that migration again from the start.
 */
export async function migrate(
  connectionString: string,
  logger: Logger,
  dir = MIGRATIONS_DIR,
): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    await client.query(BOOKKEEPING_SQL);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const doneByName = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const previousChecksum = doneByName.get(migration.name);
      if (previousChecksum !== undefined) {
        if (previousChecksum !== migration.checksum) {
          logger.warn({ migration: migration.name }, 'applied migration was edited afterwards; leaving it as applied');
        }
        continue;
      }
      const started = Date.now();
      logger.info({ migration: migration.name }, 'applying migration');
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count, started_at)
           VALUES ($1, $2, now(), $3, 1, $4)`,
          [randomUUID(), migration.checksum, migration.name, new Date(started)],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(
          `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}. ` +
            'Fix the database or the migration, then start again.',
          { cause: error },
        );
      }
      logger.info({ migration: migration.name, ms: Date.now() - started }, 'migration applied');
      applied.push(migration.name);
    }
    return {
      applied,
      alreadyApplied: migrations.length - applied.length,
      total: migrations.length,
      latest: migrations.at(-1)?.name ?? null,
    };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
