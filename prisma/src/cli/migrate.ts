#!/usr/bin/env node
// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite
// in FACELEDGER_DATA_DIR/pglite (default ./.data/pglite), then exits.
import path from 'node:path';
import { openDatabase } from '../database.js';
import { defaultLogger } from '../logger.js';

const dataDir = process.env.FACELEDGER_DATA_DIR ?? path.resolve(process.env.INIT_CWD ?? process.cwd(), '.data');
const db = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  pgliteDir: path.join(dataDir, 'pglite'),
  logger: defaultLogger,
});
defaultLogger.info({ mode: db.mode, ...db.migrations }, 'database is up to date');
await db.close();
