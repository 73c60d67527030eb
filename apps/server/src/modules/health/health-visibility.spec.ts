// Who sees what in health. The models folder's error and operator models' refusal messages name the
// server's files, so only callers with health.details (ADMIN) get them; everyone else, GET /healthz
// included, gets ids, states and refusal codes. MQTT shows its state and last error code, never the
// broker's URL or password: against the local mosquitto (127.0.0.1:1883, started by .ci/run), a
// port where nothing listens, and no URL at all.
import { createTestDatabase, type TestDatabase } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MqttPublisher } from '../../infrastructure/mqtt/mqtt-publisher.js';
import type {
  ModelStatus,
  RecognitionRepository,
  RecognitionStatus,
} from '../../infrastructure/recognition/recognition.repository.js';
import type { Actor } from '../auth/actor.js';
import { HealthService, MODELS_DIR_ERROR_HIDDEN } from './health.service.js';

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
