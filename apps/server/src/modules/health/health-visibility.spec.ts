// Who sees what in health. Messages that may name the server's files, hosts or drivers (the models
// folder's error, operator models' refusals, the database's and the engine's errors, ffmpeg's path,
// version line and error, background tasks' errors) go only to callers with health.details (ADMIN);
// everyone else, GET /healthz included, gets fixed sentences, ids, states, codes, counts and times.
// MQTT shows its state and last error code, never the broker's URL or password: against the local
// mosquitto (127.0.0.1:1883, started by .ci/run), a port where nothing listens, and no URL at all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Database } from '@faceledger/db';
import { createTestDatabase, type TestDatabase } from '@faceledger/db/testing';
import type { CamerasHealth } from '@faceledger/schema';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn } from '../../../test/auth-helpers.js';
import { startTestServer } from '../../../test/test-server.js';
import { MqttPublisher } from '../../infrastructure/mqtt/mqtt-publisher.js';
import {
  RECOGNITION_DISABLED_ERROR,
  type ModelStatus,
  type RecognitionRepository,
  type RecognitionStatus,
} from '../../infrastructure/recognition/recognition.repository.js';
import type { BackgroundTaskStatus } from '../../infrastructure/scheduler/scheduler.js';
import type { Actor } from '../auth/actor.js';
import { ffmpegMissingReason } from '../cameras/ffmpeg.js';
import {
  DATABASE_NO_ANSWER_HIDDEN,
  FFMPEG_ERROR_HIDDEN,
  HealthService,
  MODELS_DIR_ERROR_HIDDEN,
  RECOGNITION_NO_WORKER_HIDDEN,
  RECOGNITION_SOME_WORKERS_HIDDEN,
  RECOGNITION_START_ERROR_HIDDEN,
  TASK_ERROR_HIDDEN,
} from './health.service.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const BROKER = new URL(process.env.FACELEDGER_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883');
const MODELS_DIR = '/srv/faceledger-secret-layout/operator-models';
const PASSWORD = 'broker-pa55word-never-shown';

const refused: ModelStatus = {
  id: 'sface',
  source: 'OPERATOR',
  state: 'REFUSED',
  refusal: 'MISSING_FILE',
  error: `sface.json names the model file ${MODELS_DIR}/sface.onnx, which does not exist; put the file there or fix "file".`,
  manifest: 'sface.json',
  version: null,
  dims: null,
  inputSize: null,
  alignment: null,
  pairThreshold: null,
  licence: null,
};

/** The engine as RecognitionRepository reports it with a refused operator model and an unreadable folder. */
const engine = {
  status: (): RecognitionStatus => ({
    state: 'READY',
    info: null,
    workers: 0,
    workersConfigured: 0,
    error: null,
    models: [refused],
    modelsDirError: `The models directory ${MODELS_DIR} cannot be read (EACCES); create it, or unset the models directory setting.`,
  }),
} as unknown as RecognitionRepository;

const ACTORS: Record<string, Actor> = {
  anonymous: { kind: 'anonymous' },
  reviewer: { kind: 'user', userId: 'u-reviewer', email: 'reviewer@example.org', role: 'REVIEWER' },
  auditor: { kind: 'user', userId: 'u-auditor', email: 'auditor@example.org', role: 'AUDITOR' },
  readKey: { kind: 'apiKey', keyId: 'k-1', scopes: ['read', 'identify', 'enroll'], galleryId: null, createdById: 'u-admin' },
};
const admin: Actor = { kind: 'user', userId: 'u-admin', email: 'admin@example.org', role: 'ADMIN' };

let db: TestDatabase;
const publishers: MqttPublisher[] = [];

beforeAll(async () => {
  db = await createTestDatabase('pglite', logger);
});

afterEach(async () => {
  for (const publisher of publishers.splice(0)) await publisher.close();
});

afterAll(async () => {
  await db?.drop();
});

/** A publisher to `url` with a user and PASSWORD in it, closed after the test. */
function publisherTo(url: URL): MqttPublisher {
  const withPassword = new URL(url);
  withPassword.username = 'faceledger';
  withPassword.password = PASSWORD;
  const publisher = new MqttPublisher({ url: withPassword.toString(), topicPrefix: `health-test-${process.pid}`, reconnectMs: 100 }, logger);
  publishers.push(publisher);
  return publisher;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('health details', () => {
  it.each(Object.keys(ACTORS))('gives %s the model id, state and refusal code, without messages or paths', async (name) => {
    const health = await new HealthService(db, engine, 'test').check(ACTORS[name]);
    expect(health.recognition.models).toEqual([{ ...refused, error: null }]);
    expect(health.recognition.modelsDirError).toBe(MODELS_DIR_ERROR_HIDDEN);
    expect(JSON.stringify(health)).not.toContain(MODELS_DIR);
  });

  it('gives the same public view when no caller is named (GET /healthz)', async () => {
    const health = await new HealthService(db, engine, 'test').check();
    expect(health.recognition.models[0]?.error).toBeNull();
    expect(JSON.stringify(health)).not.toContain(MODELS_DIR);
  });

  it("gives an admin the precise messages, the models folder's path included", async () => {
    const health = await new HealthService(db, engine, 'test').check(admin);
    expect(health.recognition.models).toEqual([refused]);
    expect(health.recognition.modelsDirError).toContain(`The models directory ${MODELS_DIR} cannot be read (EACCES)`);
  });

  it('keeps modelsDirError null for everyone when the folder was read', async () => {
    const readable = { status: () => ({ ...engine.status(), modelsDirError: null }) } as unknown as RecognitionRepository;
    expect((await new HealthService(db, readable, 'test').check()).recognition.modelsDirError).toBeNull();
  });
});

describe('health.mqtt', () => {
  it('is DISABLED without FACELEDGER_MQTT_URL', async () => {
    const health = await new HealthService(db, engine, 'test').check(admin);
    expect(health.mqtt).toEqual({ state: 'DISABLED', lastErrorCode: null, published: 0, dropped: 0 });
  });

  it('is CONNECTED to the local broker, and shows neither its URL nor its password', async () => {
    const publisher = publisherTo(BROKER);
    const service = new HealthService(db, engine, 'test', undefined, publisher);
    await until(() => publisher.status().connected);
    for (const viewer of [admin, ACTORS.anonymous!]) {
      const health = await service.check(viewer);
      expect(health.mqtt).toEqual({ state: 'CONNECTED', lastErrorCode: null, published: 0, dropped: 0 });
      expect(JSON.stringify(health)).not.toContain(PASSWORD);
      expect(JSON.stringify(health)).not.toContain(`${BROKER.hostname}:${BROKER.port}`);
    }
  });

  it('is RECONNECTING with the error code when nothing listens, and shows neither URL nor password', async () => {
    // 127.0.0.1:4261 is one of this suite's ports, where nothing listens.
    const publisher = publisherTo(new URL('mqtt://127.0.0.1:4261'));
    const service = new HealthService(db, engine, 'test', undefined, publisher);
    await until(() => publisher.status().lastErrorCode !== null);
    publisher.publish('alerts', { n: 1 }, { qos: 0 });
    const health = await service.check(admin);
    expect(health.mqtt).toEqual({ state: 'RECONNECTING', lastErrorCode: 'ECONNREFUSED', published: 0, dropped: 1 });
    const text = JSON.stringify(health);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('127.0.0.1:4261');
    expect(text).not.toContain('mqtt://');
  });
});

// What a stranger must not read: a database host, a driver's message, a model file, ffmpeg's folder
// and build, a task's error naming an internal address.
const DB_HOST = 'db-7.internal.faceledger.example:6432';
const DRIVER_MESSAGE = `Can't reach database server at \`${DB_HOST}\``;
const ENGINE_FILE = '/srv/faceledger-secret-layout/models/ssd_mobilenetv1_model-weights_manifest.json';
const FFMPEG_DIR = '/opt/secret-build/bin';
const FFMPEG_VERSION = 'ffmpeg version 6.1.1-3ubuntu5+esm-secret Copyright (c) 2000-2023 the FFmpeg developers';
const TASK_ERROR = 'connect ECONNREFUSED 10.20.30.40:8443 (webhook receiver at https://hr.internal.example/hooks)';
const SECRETS = [DB_HOST, 'reach database server', ENGINE_FILE, FFMPEG_DIR, '6.1.1-3ubuntu5', '10.20.30.40', 'hr.internal.example'];

/** A database whose driver cannot reach its host, as Prisma words it (the invocation, then the cause). */
const unreachableDatabase = {
  mode: 'postgres',
  prisma: { $queryRaw: () => Promise.reject(new Error(`Invalid \`prisma.$queryRaw()\` invocation:\n\n${DRIVER_MESSAGE}`)) },
} as unknown as Database;

const engineInfo = {
  backend: 'cpu',
  defaultModel: 'faceapi-resnet128',
  embedder: { runtime: 'onnx', executionProvider: 'cpu', intraOpThreads: 0 },
} as unknown as NonNullable<RecognitionStatus['info']>;

/** An engine whose status is `status`. */
function engineWith(status: RecognitionStatus): RecognitionRepository {
  return { status: () => status } as unknown as RecognitionRepository;
}

const failedToStart = engineWith({ state: 'FAILED', info: null, workers: null, workersConfigured: null, error: `ENOENT: no such file or directory, open '${ENGINE_FILE}'` });

function camerasWith(ffmpeg: CamerasHealth['ffmpeg']): { health(): Promise<CamerasHealth> } {
  return { health: () => Promise.resolve({ ffmpeg, total: 3, connecting: 0, live: 1, stalled: 0, failed: 2, stopped: 0 }) };
}

const missingFfmpeg = camerasWith({
  available: false,
  path: `${FFMPEG_DIR}/ffmpeg`,
  version: null,
  error: ffmpegMissingReason(`${FFMPEG_DIR}/ffmpeg`, 'no such file'),
});

const FINISHED = new Date('2026-12-06T14:00:00.000Z');
const task = (name: string, lastError: string | null): BackgroundTaskStatus => ({
  name,
  description: `the ${name} task`,
  everySeconds: 60,
  lease: 'TASK',
  running: false,
  lockedBy: null,
  lastStartedAt: FINISHED,
  lastFinishedAt: FINISHED,
  lastError,
  nextRunAt: FINISHED,
});
const scheduler = { status: () => Promise.resolve([task('webhook-delivery', TASK_ERROR), task('job-retention', null)]) };

/** A health service with every message above in it. */
function leakyHealth(logger?: pino.Logger): HealthService {
  const service = new HealthService(unreachableDatabase, failedToStart, 'test', missingFfmpeg, null, logger);
  service.showBackgroundTasks(scheduler);
  return service;
}

describe('health messages naming hosts, files or drivers', () => {
  it.each([...Object.keys(ACTORS), 'GET /healthz (no caller)'])('gives %s fixed sentences, and the same states, counts and times', async (name) => {
    const health = await leakyHealth().check(ACTORS[name]);
    const text = JSON.stringify(health);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(health).toMatchObject({ ok: false, database: 'POSTGRES', databaseError: DATABASE_NO_ANSWER_HIDDEN });
    expect(health.recognition).toMatchObject({ state: 'FAILED', error: RECOGNITION_START_ERROR_HIDDEN });
    expect(health.cameras).toEqual({
      ffmpeg: { available: false, path: 'ffmpeg', version: null, error: FFMPEG_ERROR_HIDDEN },
      total: 3,
      connecting: 0,
      live: 1,
      stalled: 0,
      failed: 2,
      stopped: 0,
    });
    expect(health.backgroundTasks.map((t) => [t.name, t.lastError, t.lastFinishedAt, t.nextRunAt, t.running])).toEqual([
      ['webhook-delivery', TASK_ERROR_HIDDEN, FINISHED.toISOString(), FINISHED.toISOString(), false],
      ['job-retention', null, FINISHED.toISOString(), FINISHED.toISOString(), false],
    ]);
  });

  it('gives an admin every precise message: the driver, the engine, ffmpeg and the task', async () => {
    const health = await leakyHealth().check(admin);
    expect(health.databaseError).toBe(`The database does not answer: ${DRIVER_MESSAGE}`);
    expect(health.recognition.error).toContain(ENGINE_FILE);
    expect(health.cameras.ffmpeg).toEqual({
      available: false,
      path: `${FFMPEG_DIR}/ffmpeg`,
      version: null,
      error: ffmpegMissingReason(`${FFMPEG_DIR}/ffmpeg`, 'no such file'),
    });
    expect(health.backgroundTasks[0]?.lastError).toBe(TASK_ERROR);
  });

  it("hides a running ffmpeg's version line and folder, not that it is available", async () => {
    const running = camerasWith({ available: true, path: `${FFMPEG_DIR}/ffmpeg`, version: FFMPEG_VERSION, error: null });
    const service = new HealthService(db, engine, 'test', running);
    expect((await service.check()).cameras.ffmpeg).toEqual({ available: true, path: 'ffmpeg', version: null, error: null });
    expect((await service.check(admin)).cameras.ffmpeg).toEqual({ available: true, path: `${FFMPEG_DIR}/ffmpeg`, version: FFMPEG_VERSION, error: null });
  });

  it("words the engine's error by state for strangers: no worker, some workers; the disabled engine's sentence as it is", async () => {
    const workerError = `Cannot find module '${ENGINE_FILE}'`;
    const cases: Array<[RecognitionStatus, string | null]> = [
      [{ state: 'FAILED', info: engineInfo, workers: 0, workersConfigured: 2, error: `No recognition worker is running (${workerError}); restarting them (3 restarts so far).` }, RECOGNITION_NO_WORKER_HIDDEN],
      [{ state: 'READY', info: engineInfo, workers: 1, workersConfigured: 2, error: workerError }, RECOGNITION_SOME_WORKERS_HIDDEN],
      [{ state: 'FAILED', info: null, workers: null, workersConfigured: null, error: RECOGNITION_DISABLED_ERROR }, RECOGNITION_DISABLED_ERROR],
      [{ state: 'LOADING', info: null, workers: null, workersConfigured: null, error: null }, null],
    ];
    for (const [status, hidden] of cases) {
      const service = new HealthService(db, engineWith(status), 'test');
      const publicView = await service.check();
      expect(publicView.recognition).toMatchObject({ state: status.state, workers: status.workers, workersConfigured: status.workersConfigured, error: hidden });
      expect((await service.check(admin)).recognition.error).toBe(status.error);
    }
  });

  it("logs the database's precise error once per change, for the admin who cannot sign in during an outage", async () => {
    const lines: Array<{ msg: string; databaseError?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { msg: string; databaseError?: string });
        done();
      },
    });
    const service = leakyHealth(pino({ level: 'info' }, sink));
    await service.check();
    await service.check();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.msg, line.databaseError])).toEqual([
      ['health: the database is not ok', `The database does not answer: ${DRIVER_MESSAGE}`],
    ]);
  });
});

describe('health over HTTP with a wrong FACELEDGER_FFMPEG_PATH', () => {
  it("keeps the path out of GET /healthz and a reviewer's query; an admin's query has it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'faceledger-ffmpeg-secret-'));
    const ffmpegPath = path.join(dir, 'ffmpeg');
    const server = await startTestServer('pglite', { ffmpegPath });
    try {
      const HEALTH = '{ health { ok databaseError recognition { state error } cameras { total ffmpeg { available path version error } } } }';
      const response = await fetch(`${server.url}/healthz`);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).not.toContain(dir);
      expect(JSON.parse(text)).toMatchObject({
        ok: true,
        databaseError: null,
        recognition: { state: 'FAILED', error: RECOGNITION_DISABLED_ERROR },
        cameras: { total: 0, ffmpeg: { available: false, path: 'ffmpeg', version: null, error: FFMPEG_ERROR_HIDDEN } },
      });

      const reviewer = await server.graphql(HEALTH, {}, await createUserAndSignIn(server, 'REVIEWER'));
      expect(reviewer.errors).toBeUndefined();
      expect(JSON.stringify(reviewer)).not.toContain(dir);

      const detailed = await server.graphql<{ health: { cameras: { ffmpeg: { path: string; error: string } } } }>(HEALTH, {}, await adminHeaders(server));
      expect(detailed.errors).toBeUndefined();
      expect(detailed.data?.health.cameras.ffmpeg).toEqual({
        available: false,
        path: ffmpegPath,
        version: null,
        error: ffmpegMissingReason(ffmpegPath, 'no such file'),
      });
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
