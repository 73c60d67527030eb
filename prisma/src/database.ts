// Opens the one database FaceLedger uses: PostgreSQL through DATABASE_URL, or else an embedded
// PGlite (with pgvector) served on a loopback socket, so both modes share one code path (pg + Prisma).
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from 'pino';
import { PrismaClient } from './generated/prisma/client.js';
import { defaultLogger } from './logger.js';
import { migrate, type MigrationReport } from './migrate.js';

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

async function startEmbedded(dir: string, logger: Logger): Promise<EmbeddedServer> {
  const started = Date.now();
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { vector } });
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
    const adapter = new PrismaPg({ connectionString, max: embedded ? 1 : 10 });
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
