// Entry point: read settings, open the database (migrating it), start the engine, serve, and stop
// cleanly on SIGINT/SIGTERM. A start that fails for a reason the operator can fix (a database that
// cannot be reached, a port in use) prints one line saying what to change and exits with 1.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openDatabase, type Database } from '@faceledger/db';
import { createApp } from './app.js';
import { loadEnv, type Env } from './env.js';
import { secureDataDir } from './infrastructure/data-dir.js';
import { DomainEventBus } from './infrastructure/events/domain-event-bus.js';
import { startEventTransport } from './infrastructure/events/pg-notify-transport.js';
import { createImageStore } from './infrastructure/image-store/create-image-store.js';
import { RecognitionRepository } from './infrastructure/recognition/recognition.repository.js';
import { createLogger } from './logger.js';
import { createFirstAdminFromSettings } from './modules/users/first-admin.js';
import { createServices } from './services.js';
import { isDatabaseUnavailable } from './shared/database-unavailable.js';
import { createBackgroundTasks } from './infrastructure/scheduler/background-tasks.js';
import { ScheduledTasksRepository } from './infrastructure/scheduler/scheduled-tasks.repository.js';
import { Scheduler } from './infrastructure/scheduler/scheduler.js';
import { MqttPublisher } from './infrastructure/mqtt/mqtt-publisher.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Prints `line` on stderr and exits with 1: for start failures whose cause is a setting, not a bug. */
function exitWithReason(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** SQLSTATEs of a database that answers but refuses us: wrong password, no such user or database. */
const DATABASE_SETTING_ERRORS: ReadonlySet<string> = new Set(['28P01', '28000', '3D000']);

/** The first line of an error's message, or its code (an AggregateError of several addresses has no message). */
function reasonOf(error: unknown): string {
  const { message, code, errors } = error as { message?: unknown; code?: unknown; errors?: unknown[] };
  const text = typeof message === 'string' ? message.trim().split('\n')[0] : '';
  if (text) return text;
  if (errors?.[0]) return reasonOf(errors[0]);
  return typeof code === 'string' ? code : String(error);
}

let env: Env;
try {
  env = loadEnv();
} catch (error) {
  exitWithReason((error as Error).message);
}

const address = `${env.FACELEDGER_HOST}:${env.FACELEDGER_PORT}`;

/** Why the server cannot listen, as the one line to print. */
function listenFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE')
    return `FaceLedger cannot start: ${address} is already in use by another process; stop that process or set FACELEDGER_PORT to a free port.`;
  if (error.code === 'EACCES')
    return `FaceLedger cannot start: this user may not listen on ${address} (ports below 1024 need privileges); set FACELEDGER_PORT to 1024 or above.`;
  if (error.code === 'EADDRNOTAVAIL')
    return `FaceLedger cannot start: ${env.FACELEDGER_HOST} is not an address of this machine; set FACELEDGER_HOST to 127.0.0.1 or 0.0.0.0.`;
  return `FaceLedger cannot start: listening on ${address} failed (${reasonOf(error)}); check FACELEDGER_HOST and FACELEDGER_PORT.`;
}

// Try the port before opening the database and starting the engine: a port in use fails in a
// moment with one line (a race with another process is still caught when the server listens).
await new Promise<void>((resolve, reject) => {
  const probe = net.createServer();
  probe.once('error', reject);
  probe.listen(env.FACELEDGER_PORT, env.FACELEDGER_HOST, () => probe.close(() => resolve()));
}).catch((error: NodeJS.ErrnoException) => exitWithReason(listenFailure(error)));

const logger = createLogger(env.FACELEDGER_LOG_LEVEL);
// Owner-only before anything is written there: it holds the faces, embeddings and database files.
await secureDataDir(env.FACELEDGER_DATA_DIR, logger.child({ module: 'data-dir' }));
let db: Database;
try {
  db = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: path.join(env.FACELEDGER_DATA_DIR, 'pglite'),
    logger: logger.child({ module: 'db' }),
  });
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (!env.DATABASE_URL || !(isDatabaseUnavailable(error, { rawConnection: true }) || (typeof code === 'string' && DATABASE_SETTING_ERRORS.has(code)))) throw error;
  const url = new URL(env.DATABASE_URL);
  exitWithReason(
    `FaceLedger cannot start: the database ${url.pathname.slice(1)} at ${url.hostname}:${url.port || '5432'} (DATABASE_URL) refused or could not be reached (${reasonOf(error)}); check DATABASE_URL and that PostgreSQL is running there.`,
  );
}
const recognition = new RecognitionRepository(
  {
    enabled: env.FACELEDGER_RECOGNITION_ENABLED,
    backend: env.FACELEDGER_RECOGNITION_BACKEND,
    workers: env.FACELEDGER_RECOGNITION_WORKERS,
    modelsDir: env.FACELEDGER_MODELS_DIR,
    runtime: {
      ...(env.FACELEDGER_EMBEDDER_RUNTIME ? { embedder: env.FACELEDGER_EMBEDDER_RUNTIME } : {}),
      onnx: {
        ...(env.FACELEDGER_ONNX_PROVIDER ? { executionProvider: env.FACELEDGER_ONNX_PROVIDER } : {}),
        ...(env.FACELEDGER_ONNX_THREADS !== undefined ? { intraOpThreads: env.FACELEDGER_ONNX_THREADS } : {}),
        cacheDir: env.FACELEDGER_ONNX_CACHE_DIR ?? path.join(env.FACELEDGER_DATA_DIR, 'onnx-cache'),
      },
    },
  },
  logger.child({ module: 'recognition' }),
);
const imageStore = createImageStore(env.FACELEDGER_IMAGE_STORE, { dataDir: env.FACELEDGER_DATA_DIR, prisma: db.prisma });

// Committed domain events reach every server process on one PostgreSQL (LISTEN/NOTIFY); PGlite: this one.
const events = new DomainEventBus(
  await startEventTransport(db, logger.child({ module: 'event-transport' })),
  logger.child({ module: 'events' }),
);
// Alerts and sightings also go to MQTT when a broker is set; its client never blocks the API.
const mqtt = env.FACELEDGER_MQTT_URL ? new MqttPublisher({ url: env.FACELEDGER_MQTT_URL }, logger.child({ module: 'mqtt' })) : null;
const services = createServices({
  db,
  imageStore,
  events,
  recognition,
  logger,
  version,
  auth: {
    sessionTtlMs: env.FACELEDGER_SESSION_TTL_HOURS * 3_600_000,
    secureCookies: env.FACELEDGER_SECURE_COOKIES,
    apiKeyRateLimits: { perMinute: env.FACELEDGER_API_KEY_RATE_LIMIT, burst: env.FACELEDGER_API_KEY_BURST },
  },
  webhookAllowedNetworks: env.FACELEDGER_WEBHOOK_ALLOWED_NETWORKS,
  ffmpegPath: env.FACELEDGER_FFMPEG_PATH,
  sightings: {
    mqtt,
    settings: {
      alertCooldownMs: env.FACELEDGER_ALERT_COOLDOWN_SECONDS * 1000,
      unknownAlertAfter: env.FACELEDGER_UNKNOWN_ALERT_AFTER,
    },
  },
});
await createFirstAdminFromSettings(
  services.users,
  { email: env.FACELEDGER_ADMIN_EMAIL, password: env.FACELEDGER_ADMIN_PASSWORD },
  logger.child({ module: 'users' }),
);

// All background work (jobs, webhook deliveries, retention and purges) runs on one scheduler; what
// runs when is listed in infrastructure/scheduler/background-tasks.ts.
const scheduler = new Scheduler(
  new ScheduledTasksRepository(db.prisma),
  createBackgroundTasks({
    services,
    jobRunner: services.jobs.createRunner(logger.child({ module: 'jobs' })),
    engineSettled: recognition.whenSettled(),
    webhookIntervalMs: env.FACELEDGER_WEBHOOK_INTERVAL_SECONDS * 1000,
    // Frames are decoded by the readers and analysed into sightings and alerts.
    cameraSupervisor: services.cameras.createSupervisor({ analyzer: services.sightingAnalyzer, logger: logger.child({ module: 'cameras' }) }),
    logger,
  }),
  logger.child({ module: 'scheduler' }),
);
await scheduler.start();
services.health.showBackgroundTasks(scheduler);

const app = await createApp({
  services,
  logger,
  maxBodyBytes: env.FACELEDGER_MAX_BODY_MB * 1024 * 1024,
  introspection: env.FACELEDGER_GRAPHQL_INTROSPECTION,
});
const onListenError = (error: NodeJS.ErrnoException): void => {
  const line = listenFailure(error);
  // The database was opened and migrated: close it (PGlite flushes its files), but never wait long.
  const timeout = new Promise((resolve) => setTimeout(resolve, 3000).unref());
  void Promise.race([db.close().catch(() => undefined), timeout]).then(() => exitWithReason(line));
};
app.httpServer.once('error', onListenError);
app.httpServer.listen(env.FACELEDGER_PORT, env.FACELEDGER_HOST, () => {
  app.httpServer.off('error', onListenError);
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
  // Runs in flight finish their unit (a job gives its lease back); leases of runs still going expire.
  await scheduler.stop(8_000);
  // The readers have stopped: record the tracks still open, then say offline on MQTT.
  await services.sightingAnalyzer.flush().catch((error: unknown) => logger.error({ err: error }, 'open face tracks could not be recorded'));
  await mqtt?.close();
  await app.stop();
  await events.close();
  await recognition.close();
  await db.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
