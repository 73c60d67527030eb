// Opens the one database FaceLedger uses: PostgreSQL through DATABASE_URL, or else an embedded
// PGlite (with pgvector) served on a loopback socket, so both modes share one code path (pg + Prisma).
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from 'pino';
import { PrismaClient } from './generated/prisma/client.js';
import { defaultLogger } from './logger.js';
import { migrate, type MigrationReport } from './migrate.js';
import { createQueryPool } from './query-pool.js';

/** Which database a running FaceLedger talks to. */
export type DatabaseMode = 'pglite' | 'postgres';

/** How to open the database. */
export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (created when missing); `memory://` keeps everything in memory. */
  pgliteDir?: string | undefined;
  /** Apply pending migrations before returning (the server always does). */
  runMigrations?: boolean | undefined;
  logger?: Logger | undefined;
  /** Folder of migrations to apply; tests point it elsewhere. */
  migrationsDir?: string | undefined;
}

/** An open database: the Prisma client plus what the health query reports. */
export interface Database {
  mode: DatabaseMode;
  prisma: PrismaClient;
  /** A pg connection string that reaches this database (the loopback socket for PGlite). */
  connectionString: string;
  migrations: MigrationReport | null;
  close(): Promise<void>;
}

interface EmbeddedServer {
  connectionString: string;
  close(): Promise<void>;
}

/** Modes of the embedded database's files: only the server's own user may read or write them. */
export const OWNER_ONLY_DIR_MODE = 0o700;
export const OWNER_ONLY_FILE_MODE = 0o600;

/**
 * Takes every group and other permission off `root` and everything under it (directories 0700 at
 * most, files 0600 at most; symbolic links are not followed). Returns the paths it changed.
 */
export async function restrictToOwner(root: string): Promise<string[]> {
  const changed: string[] = [];
  const visit = async (entry: string): Promise<void> => {
    const stats = await lstat(entry);
    if (stats.isSymbolicLink()) return;
    const mode = stats.mode & 0o777;
    const wanted = mode & (stats.isDirectory() ? OWNER_ONLY_DIR_MODE : OWNER_ONLY_FILE_MODE);
    if (mode !== wanted) {
      await chmod(entry, wanted);
      changed.push(entry);
    }
    if (stats.isDirectory()) {
      for (const name of await readdir(entry)) await visit(path.join(entry, name));
    }
  };
  await visit(root);
  return changed;
}

async function startEmbedded(dir: string, logger: Logger): Promise<EmbeddedServer> {
  const started = Date.now();
  const onDisk = !dir.startsWith('memory://');
  if (onDisk) {
    // Created owner-only; an existing directory that others could read is tightened, with a warning.
    await mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
    const loose = await restrictToOwner(dir);
    if (loose.length > 0) {
      logger.warn(
        { dir, tightened: loose.length, examples: loose.slice(0, 5) },
        'the PGlite data directory was readable or writable by other users; its modes are now owner-only',
      );
    }
  }
  const db = await PGlite.create(dir, { extensions: { vector } });
  // PGlite writes its initial cluster 0666 and pg_internal.init 0644 whatever the umask (its wasm
  // file system chmods them), so its files are tightened again once it is up.
  if (onDisk) await restrictToOwner(dir);
  // Port 0 lets the OS choose a free loopback port; one connection, because PGlite is a single
  // session and interleaving two clients' transactions in it would break their isolation.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const address = server.getServerConn();
  logger.info({ dir, address, ms: Date.now() - started }, 'embedded PGlite started');
  return {
    connectionString: `postgresql://postgres@${address}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
      if (onDisk) await restrictToOwner(dir);
    },
  };
}

/** Opens (and by default migrates) the database chosen by `options`. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = options.logger ?? defaultLogger;
  const embedded = options.databaseUrl
    ? null
    : await startEmbedded(options.pgliteDir ?? './.data/pglite', logger);
  const connectionString = options.databaseUrl ?? embedded!.connectionString;
  try {
    const migrations = options.runMigrations === false ? null : await migrate(connectionString, logger, options.migrationsDir);
    const adapter = new PrismaPg(createQueryPool(connectionString, embedded ? 1 : 10), { disposeExternalPool: true });
    const prisma = new PrismaClient({ adapter });
    await prisma.$connect();
    return {
      mode: embedded ? 'pglite' : 'postgres',
      prisma,
      connectionString,
      migrations,
      async close() {
        await prisma.$disconnect();
        await embedded?.close();
      },
    };
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}
