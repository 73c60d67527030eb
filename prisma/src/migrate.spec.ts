import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from './migrate.js';
import { createTestDatabase, createTestDatabaseLocation, TEST_DATABASE_MODES, type TestDatabaseLocation } from './testing.js';

const silent = pino({ level: 'silent' });
const CHILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/migrate-child.mjs');

describe.each(TEST_DATABASE_MODES)('migrations on %s', (mode) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('applies every migration once, with Prisma-compatible bookkeeping and the pgvector indexes', async () => {
    const db = await createTestDatabase(mode);
    cleanups.push(() => db.drop());
    const files = await readMigrations();
    expect(db.migrations?.applied).toEqual(files.map((f) => f.name));

    const again = await migrate(db.connectionString, silent);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(files.length);

    const rows = await db.prisma.$queryRaw<Array<{ migration_name: string; checksum: string }>>`
      SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    expect(rows).toEqual(files.map((f) => ({ migration_name: f.name, checksum: f.checksum })));

    const indexes = await db.prisma.$queryRaw<Array<{ indexname: string }>>`
      SELECT indexname::text AS indexname FROM pg_indexes WHERE tablename = 'faces' AND indexdef LIKE '%hnsw%' ORDER BY indexname`;
    expect(indexes.map((i) => i.indexname)).toEqual([
      'faces_embedding_1024_hnsw',
      'faces_embedding_128_hnsw',
      'faces_embedding_256_hnsw',
    ]);
  });

  it('finishes a migration on the next start after the process was killed during it', async () => {
    const location: TestDatabaseLocation = await createTestDatabaseLocation(mode);
    cleanups.push(() => location.remove());
    const migrationsDir = await mkdtemp(path.join(tmpdir(), 'faceledger-migrations-'));
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const slow = path.join(migrationsDir, '29991231000000_slow');
    await mkdir(slow);
    await writeFile(
      path.join(slow, 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\nSELECT pg_sleep(6);\nCREATE TABLE "after_sleep" (id int);\n',
    );

    const child = spawn(process.execPath, [CHILD, location.pgliteDir ?? '', location.databaseUrl ?? '', migrationsDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"migration":"29991231000000_slow","msg":"applying migration"')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}: ${out}`)));
    });
    await new Promise((r) => setTimeout(r, 500));
    const exited = child.exitCode !== null || child.signalCode !== null;
    child.kill('SIGKILL');
    if (!exited) await new Promise((r) => child.once('exit', r));

    const db = await openDatabase({ ...location, migrationsDir, logger: silent });
    try {
      expect(db.migrations?.applied).toEqual(['29991231000000_slow']);
      const tables = await db.prisma.$queryRaw<Array<{ tablename: string }>>`
        SELECT tablename::text AS tablename FROM pg_tables WHERE tablename IN ('half_done', 'after_sleep') ORDER BY tablename`;
      expect(tables.map((t) => t.tablename)).toEqual(['after_sleep', 'half_done']);
    } finally {
      await db.close();
    }
    // Three PGlite starts and the 6 s migration twice: past 60 s on a loaded 2-core machine.
  }, 180_000);
});
