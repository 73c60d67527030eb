// Child process for the crash test: opens (and so migrates) a database, logging to stdout.
import { pino } from 'pino';
import { openDatabase } from '../dist/index.js';

const [pgliteDir, databaseUrl, migrationsDir] = process.argv.slice(2);
const db = await openDatabase({
  pgliteDir: pgliteDir || undefined,
  databaseUrl: databaseUrl || undefined,
  migrationsDir,
  logger: pino({ level: 'info' }),
});
await db.close();
