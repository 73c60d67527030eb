// Entry point: read settings, open the database (migrating it), start the engine, serve, and stop
// cleanly on SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@faceledger/db';
import { createApp } from './app.js';
import { loadEnv, type Env } from './env.js';
import { FileImageStore } from './infrastructure/image-store/file-image-store.js';
import { RecognitionRepository } from './infrastructure/recognition/recognition.repository.js';
import { createLogger } from './logger.js';
import { createFirstAdminFromSettings } from './modules/users/first-admin.js';
import { createServices } from './services.js';
import { startProbeRetentionJob } from './modules/matching/probe-retention.job.js';
import { startWebhookWorker } from './modules/live-feed/webhook-worker.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

let env: Env;
try {
  env = loadEnv();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

const logger = createLogger(env.FACELEDGER_LOG_LEVEL);
const db = await openDatabase({
  databaseUrl: env.DATABASE_URL,
  pgliteDir: path.join(env.FACELEDGER_DATA_DIR, 'pglite'),
  logger: logger.child({ module: 'db' }),
});
const recognition = new RecognitionRepository(
  {
    enabled: env.FACELEDGER_RECOGNITION_ENABLED,
    backend: env.FACELEDGER_RECOGNITION_BACKEND,
    workers: env.FACELEDGER_RECOGNITION_WORKERS,
  },
  logger.child({ module: 'recognition' }),
);
const imageStore = new FileImageStore(path.join(env.FACELEDGER_DATA_DIR, 'images'));

const services = createServices({
  db,
  imageStore,
  recognition,
  logger,
  version,
  auth: {
    sessionTtlMs: env.FACELEDGER_SESSION_TTL_HOURS * 3_600_000,
    secureCookies: env.FACELEDGER_SECURE_COOKIES,
    apiKeyRateLimits: { perMinute: env.FACELEDGER_API_KEY_RATE_LIMIT, burst: env.FACELEDGER_API_KEY_BURST },
  },
});
await createFirstAdminFromSettings(
  services.users,
  { email: env.FACELEDGER_ADMIN_EMAIL, password: env.FACELEDGER_ADMIN_PASSWORD },
  logger.child({ module: 'users' }),
);

const stopRetentionJob = startProbeRetentionJob(services, logger.child({ module: 'retention' }));
const stopWebhookWorker = startWebhookWorker(services, logger.child({ module: 'webhooks' }), {
  intervalMs: env.FACELEDGER_WEBHOOK_INTERVAL_SECONDS * 1000,
});

// Bulk imports and evaluations; a job left RUNNING by a crash resumes once its lease expires.
// It starts once the engine has loaded (or failed), so a resumed job does not pause at once.
const jobRunner = services.jobs.createRunner(logger.child({ module: 'jobs' }));
void recognition.whenSettled().then(() => jobRunner.start());

const app = await createApp({
  services,
  logger,
  maxBodyBytes: env.FACELEDGER_MAX_BODY_MB * 1024 * 1024,
  introspection: env.FACELEDGER_GRAPHQL_INTROSPECTION,
});
app.httpServer.listen(env.FACELEDGER_PORT, env.FACELEDGER_HOST, () => {
  logger.info(
    { url: `http://${env.FACELEDGER_HOST === '0.0.0.0' ? 'localhost' : env.FACELEDGER_HOST}:${env.FACELEDGER_PORT}/graphql`, database: db.mode },
    'FaceLedger API listening',
  );
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  const force = setTimeout(() => {
    logger.error('shutdown took longer than 15 s; exiting');
    process.exit(1);
  }, 15_000);
  force.unref();
  stopRetentionJob();
  await stopWebhookWorker();
  await jobRunner.stop();
  await app.stop();
  await recognition.close();
  await db.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
