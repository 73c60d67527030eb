import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { isRecognitionError, RecognitionErrorCode } from '../src/errors.js';
import { WorkerPool } from '../src/workers/pool.js';

// A worker that speaks the pool's protocol and crashes on demand (see the fixture's header).
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crashing-worker.mjs');
const CRASH = new Uint8Array([0x21]);
const IMAGE = new Uint8Array([1, 2, 3]);

function errorCodeOf(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => 'resolved',
    (e: unknown) => (isRecognitionError(e) ? e.code : e),
  );
}

describe('worker pool when workers die', () => {
  afterEach(() => {
    delete process.env.FACELEDGER_TEST_WORKER;
  });

  it('fails the image of a worker that dies mid-request with WORKER_FAILED and restarts that worker', async () => {
    const pool = await WorkerPool.start(resolveConfig({ runtime: { workers: 2 } }), { script, respawnDelayMs: 10 });
    try {
      expect(pool.status()).toEqual({ ready: 2, wanted: 2, restarts: 0, lastError: null, workers: [{ loadedModels: ['stub-model'] }, { loadedModels: ['stub-model'] }] });
      expect(await errorCodeOf(pool.analyze(CRASH, {}))).toBe(RecognitionErrorCode.WORKER_FAILED);
      await vi.waitFor(() => expect(pool.status()).toMatchObject({ ready: 2, wanted: 2, restarts: 1, lastError: null }), { timeout: 20_000 });
      const results = await Promise.all([pool.analyze(IMAGE, {}), pool.analyze(IMAGE, {}), pool.analyze(IMAGE, {})]);
      expect(results.map((r) => r.faces)).toEqual([[], [], []]);
    } finally {
      await pool.close();
    }
  });

  it('fails queued images with WORKERS_UNAVAILABLE after a bounded wait while restarts keep failing, reports why, recovers, and closes', async () => {
    const pool = await WorkerPool.start(resolveConfig({ runtime: { workers: 1 } }), {
      script,
      workerWaitMs: 300,
      respawnDelayMs: 10,
      maxRespawnDelayMs: 40,
    });
    let closed = false;
    try {
      process.env.FACELEDGER_TEST_WORKER = 'fail-start';
      const crashed = pool.analyze(CRASH, {});
      // Queued behind the crash: no worker will ever take them while restarts fail.
      const queued = [pool.analyze(IMAGE, {}), pool.analyze(IMAGE, {})];
      expect(await errorCodeOf(crashed)).toBe(RecognitionErrorCode.WORKER_FAILED);
      expect(await Promise.all(queued.map(errorCodeOf))).toEqual([RecognitionErrorCode.WORKERS_UNAVAILABLE, RecognitionErrorCode.WORKERS_UNAVAILABLE]);
      expect(pool.status()).toMatchObject({ ready: 0, wanted: 1 });
      await vi.waitFor(() => expect(pool.status().lastError).toMatch(/restarting a worker failed: models could not be loaded/));
      expect(pool.status().restarts).toBeGreaterThan(0);
      // While none is up, a new image fails at once with the reason instead of hanging.
      const late = await pool.analyze(IMAGE, {}).catch((e: unknown) => e);
      expect(isRecognitionError(late) && late.code).toBe(RecognitionErrorCode.WORKERS_UNAVAILABLE);
      expect((late as Error).message).toMatch(/No recognition worker is running .*models could not be loaded.*Retry/);

      // The cause goes away: the next restart brings a worker back and images are served again.
      delete process.env.FACELEDGER_TEST_WORKER;
      await vi.waitFor(() => expect(pool.status()).toMatchObject({ ready: 1, lastError: null }), { timeout: 20_000 });
      expect((await pool.analyze(IMAGE, {})).faces).toEqual([]);

      // Dead again with restarts failing: close() still finishes and fails what waits.
      process.env.FACELEDGER_TEST_WORKER = 'fail-start';
      const dying = pool.analyze(CRASH, {});
      const waiting = pool.analyze(IMAGE, {});
      expect(await errorCodeOf(dying)).toBe(RecognitionErrorCode.WORKER_FAILED);
      await pool.close();
      closed = true;
      expect(await errorCodeOf(waiting)).toBe(RecognitionErrorCode.ENGINE_CLOSED);
      expect(pool.status().ready).toBe(0);
      expect(await errorCodeOf(pool.analyze(IMAGE, {}))).toBe(RecognitionErrorCode.ENGINE_CLOSED);
    } finally {
      if (!closed) await pool.close();
    }
  });

  it('refuses to start when the workers cannot load, with the reason', async () => {
    process.env.FACELEDGER_TEST_WORKER = 'fail-start';
    const error = await WorkerPool.start(resolveConfig({ runtime: { workers: 2 } }), { script }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/models could not be loaded/);
  });
});
