// Child process for the crash test: opens (and so migrates) a database, logging to stdout.
import { pino } from 'pino';
import { openDatabase } from '../dist/index.js';

const [pgliteDir, databaseUrl, migrationsDir] = process.argv.slice(2);
const db = await openDatabase({
  pgliteDir: pgliteDir || undefined,
  databaseUrl: databaseUrl || undefined,
  migrationsDir,
  // Synchronous writes: PGlite runs in this process and blocks its event loop during the slow
  // migration, so a buffered 'applying migration' line would only arrive after it had finished.
  logger: pino({ level: 'info' }, pino.destination({ dest: 1, sync: true })),
});
await db.close();
