import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_MODES, createTestDatabase } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminHeaders, createApiKey, type AuthHeaders } from '../../../test/auth-helpers.js';
import { startTestServerOn, type TestServer } from '../../../test/test-server.js';
import { RECOGNITION_NO_WORKER_HIDDEN } from '../../modules/health/health.service.js';
import { RecognitionRepository } from './recognition.repository.js';

// The recognition package's test worker: it speaks the pool's protocol, exits when an image starts
// with '!' and throws at start while FACELEDGER_TEST_WORKER=fail-start (read when a worker starts).
const CRASHING_WORKER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../packages/recognition/test/fixtures/crashing-worker.mjs',
);
const CRASH = Buffer.from('!').toString('base64');
const IMAGE = Buffer.from([1, 2, 3]).toString('base64');
const DETECT = 'mutation Detect($image: ImageInput!) { detectFaces(image: $image) { faces { detectionScore } } }';
const HEALTH = '{ health { recognition { state workers workersConfigured error } } }';

interface RecognitionHealth {
  state: string;
  workers: number | null;
  workersConfigured: number | null;
  error: string | null;
}

describe.each(TEST_DATABASE_MODES)('recognition workers that die, on %s', (mode) => {
  let server: TestServer;
  let key: AuthHeaders;
  let admin: AuthHeaders;
  beforeAll(async () => {
    const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
    const recognition = new RecognitionRepository(
      {
        enabled: true,
        backend: 'cpu',
        workers: 2,
        pool: { script: CRASHING_WORKER, workerWaitMs: 300, respawnDelayMs: 10, maxRespawnDelayMs: 40 },
      },
      logger,
    );
    server = await startTestServerOn(await createTestDatabase(mode, logger), recognition);
    await recognition.whenSettled();
    key = await createApiKey(server, ['detect']);
    admin = await adminHeaders(server);
  });
  afterEach(() => {
    delete process.env.FACELEDGER_TEST_WORKER;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The engine in health as an ADMIN reads it (health.details: the workers' precise error). */
  async function recognitionHealth(headers: AuthHeaders = admin): Promise<RecognitionHealth> {
    const body = await server.graphql<{ health: { recognition: RecognitionHealth } }>(HEALTH, {}, headers);
    expect(body.errors).toBeUndefined();
    return body.data!.health.recognition;
  }

  it('answers ENGINE_UNAVAILABLE (not INTERNAL) for a call whose worker died, and health counts the workers up', async () => {
    expect(await recognitionHealth()).toEqual({ state: 'READY', workers: 2, workersConfigured: 2, error: null });
    const crashed = await server.graphql(DETECT, { image: { base64: CRASH } }, key);
    expect(crashed.errors?.[0]?.extensions).toMatchObject({ code: 'ENGINE_UNAVAILABLE', reason: 'WORKER_FAILED' });
    expect(crashed.errors?.[0]?.message).toMatch(/worker crashed.*retry/);
    await vi.waitFor(async () => expect((await recognitionHealth()).workers).toBe(2), { timeout: 20_000 });
    const served = await server.graphql<{ detectFaces: { faces: unknown[] } }>(DETECT, { image: { base64: IMAGE } }, key);
    expect(served.errors).toBeUndefined();
    expect(served.data?.detectFaces.faces).toEqual([]);
  });

  it('reports FAILED with 0 workers and the reason while restarts fail, answers ENGINE_UNAVAILABLE instead of hanging, and recovers', async () => {
    process.env.FACELEDGER_TEST_WORKER = 'fail-start';
    const [first, second] = await Promise.all([
      server.graphql(DETECT, { image: { base64: CRASH } }, key),
      server.graphql(DETECT, { image: { base64: CRASH } }, key),
    ]);
    expect(first.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
    expect(second.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
    expect(await recognitionHealth()).toMatchObject({ state: 'FAILED', workers: 0, workersConfigured: 2 });
    await vi.waitFor(async () => {
      const down = await recognitionHealth();
      expect(down).toMatchObject({ state: 'FAILED', workers: 0 });
      expect(down.error).toMatch(/No recognition worker is running .*models could not be loaded/);
    });
    // Without health.details (nobody signed in, as GET /healthz) the same state and counts, and a fixed sentence.
    const anonymous = await recognitionHealth({});
    expect(anonymous).toMatchObject({ state: 'FAILED', workers: 0, workersConfigured: 2, error: RECOGNITION_NO_WORKER_HIDDEN });
    const refused = await server.graphql(DETECT, { image: { base64: IMAGE } }, key);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'ENGINE_UNAVAILABLE', reason: 'WORKERS_UNAVAILABLE' });
    expect(refused.errors?.[0]?.message).toMatch(/No recognition worker is running.*Retry/);

    delete process.env.FACELEDGER_TEST_WORKER;
    await vi.waitFor(async () => expect(await recognitionHealth()).toMatchObject({ state: 'READY', workers: 2 }), {
      timeout: 20_000,
    });
    expect((await server.graphql(DETECT, { image: { base64: IMAGE } }, key)).errors).toBeUndefined();
  });
});
