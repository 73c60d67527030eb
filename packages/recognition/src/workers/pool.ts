import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecognitionConfig } from '../config.js';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { moduleLogger } from '../logger.js';
import type { OperatorModelLoadFailure } from '../models/operator-models.js';
import { registeredOperatorModels } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import type { AnalysisResult, AnalyzeOptions } from '../types.js';
import type { FromWorker, ToWorker, WireError, WorkerInit } from './protocol.js';

const log = moduleLogger('pool');

/** Locates the compiled worker script: beside this file in dist/, or dist/ of the package when run from src/. */
export function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, 'worker.js');
  if (existsSync(sibling)) return sibling;
  const built = path.resolve(here, '../../dist/workers/worker.js');
  if (existsSync(built)) return built;
  throw new RecognitionError(RecognitionErrorCode.BACKEND_UNAVAILABLE, 'The worker script dist/workers/worker.js is missing; run `npm run build -w @faceledger/recognition` first, or use runtime.workers = 0.', { looked: [sibling, built] });
}

/** Rebuilds an error sent by a worker. */
export function fromWire(error: WireError): Error {
  if (error.code) return new RecognitionError(error.code, error.message, error.details ?? {});
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

interface Job {
  bytes: Uint8Array;
  options: AnalyzeOptions;
  resolve: (r: AnalysisResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Embedding models the worker loaded before it reported ready. */
  models: string[];
  job?: { id: number; job: Job };
}

/** How the pool starts and replaces workers; the defaults suit a server. */
export interface WorkerPoolOptions {
  /** Worker script to run (default: the compiled dist/workers/worker.js); tests pass scripts that crash on purpose. */
  script?: string;
  /** How long queued images wait while no worker is running before they fail with WORKERS_UNAVAILABLE (ms). */
  workerWaitMs?: number;
  /** Delay before the first restart of a crashed worker (ms); doubles after each failed restart. */
  respawnDelayMs?: number;
  /** Longest delay between two restart attempts (ms). */
  maxRespawnDelayMs?: number;
}

/** Live state of a pool's workers, for health checks. */
export interface WorkerPoolStatus {
  /** Workers that have loaded their models and take images. */
  ready: number;
  /** Workers the pool is configured to run. */
  wanted: number;
  /** Restart attempts since the pool started (successful or not). */
  restarts: number;
  /** Why the last worker crashed or failed to restart, while fewer than `wanted` are ready; else null. */
  lastError: string | null;
  /** One entry per ready worker: the embedding models it has loaded (the default first, then the operator models). */
  workers: WorkerModelsStatus[];
}

/** What one ready worker has loaded. */
export interface WorkerModelsStatus {
  loadedModels: readonly string[];
}

const DEFAULT_WORKER_WAIT_MS = 10_000;
const DEFAULT_RESPAWN_DELAY_MS = 250;
const DEFAULT_MAX_RESPAWN_DELAY_MS = 30_000;
const CLOSED_MESSAGE = 'The recognition engine is closed; create a new engine to analyse more images.';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Fixed-size worker_threads pool with a bounded FIFO queue; callers wait when the queue is full.
 * A worker that dies fails the image it held (WORKER_FAILED) and is restarted with exponential
 * backoff. While no worker is running, queued images fail with WORKERS_UNAVAILABLE after
 * `workerWaitMs`, and new ones at once, until a restart succeeds.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private nextId = 1;
  private started = false;
  private closing = false;
  private closed: Promise<void> | null = null;
  private respawnTimer: NodeJS.Timeout | null = null;
  private respawnFailures = 0;
  private restarts = 0;
  private lastError: string | null = null;
  /** Operator models some worker failed to load (first failure per model), since the pool started. */
  private readonly failedModels: OperatorModelLoadFailure[] = [];
  /** Armed while images wait and no worker is ready; when it fires they fail. */
  private waitTimer: NodeJS.Timeout | null = null;
  /** True once the wait ran out with no worker: new images fail at once until a worker is ready. */
  private unavailable = false;
  private readonly workerWaitMs: number;
  private readonly respawnDelayMs: number;
  private readonly maxRespawnDelayMs: number;
  backend: BackendName;

  private constructor(
    private readonly config: RecognitionConfig,
    private readonly script: string,
    options: WorkerPoolOptions,
  ) {
    this.backend = config.runtime.backend;
    this.workerWaitMs = options.workerWaitMs ?? DEFAULT_WORKER_WAIT_MS;
    this.respawnDelayMs = options.respawnDelayMs ?? DEFAULT_RESPAWN_DELAY_MS;
    this.maxRespawnDelayMs = options.maxRespawnDelayMs ?? DEFAULT_MAX_RESPAWN_DELAY_MS;
  }

  /** Starts `config.runtime.workers` workers and waits until every one has loaded its models (the operator models included). */
  static async start(config: RecognitionConfig, options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const pool = new WorkerPool(config, options.script ?? workerScript(), options);
    try {
      await Promise.all(Array.from({ length: config.runtime.workers }, () => pool.spawn()));
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    pool.started = true;
    return pool;
  }

  /** Number of worker threads the pool runs when all are up. */
  get size(): number {
    return this.config.runtime.workers;
  }

  /** How many workers are up, how many should be, and why some are not. */
  status(): WorkerPoolStatus {
    const ready = this.slots.filter((s) => s.ready).length;
    const workers = this.slots.filter((s) => s.ready).map((s) => ({ loadedModels: [...s.models] }));
    return { ready, wanted: this.size, restarts: this.restarts, lastError: ready < this.size ? this.lastError : null, workers };
  }

  /** Operator models that passed the main thread's check but that a worker could not load, and why. */
  modelFailures(): readonly OperatorModelLoadFailure[] {
    return this.failedModels;
  }

  /** Starts one worker; resolves once it has loaded its models, rejects when it fails before that. */
  private spawn(): Promise<void> {
    const init: WorkerInit = { config: this.config, operatorModels: registeredOperatorModels() };
    const worker = new Worker(this.script, { workerData: init });
    const slot: Slot = { worker, ready: false, models: [] };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          slot.ready = true;
          slot.models = msg.models;
          for (const failure of msg.failedModels) {
            if (!this.failedModels.some((f) => f.id === failure.id)) this.failedModels.push(failure);
          }
          this.backend = msg.backend;
          resolve();
          this.pump();
        } else if (msg.type === 'init-error') {
          const error = fromWire(msg.error);
          reject(error);
          this.onWorkerGone(slot, error);
          void worker.terminate();
        } else if (msg.type === 'result' || msg.type === 'error' || msg.type === 'tensors') {
          const current = slot.job;
          slot.job = undefined;
          if (current && current.id === msg.id) {
            if (msg.type === 'error') current.job.reject(fromWire(msg.error));
            else if (msg.type === 'result') current.job.resolve(msg.result);
          }
          this.pump();
        }
      });
      worker.on('error', (error) => {
        // A worker failing while it loads is logged once, as a failed (re)start.
        if (slot.ready) log.error({ err: error }, 'worker crashed');
        reject(error);
        this.onWorkerGone(slot, error);
      });
      worker.on('exit', (code) => {
        const error = new Error(`worker exited with code ${code}`);
        reject(error);
        this.onWorkerGone(slot, error);
      });
    });
  }

  /** Forgets a dead worker, fails the image it held and, for a worker that was serving, starts a replacement. */
  private onWorkerGone(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (!this.closing) this.lastError = error.message;
    if (slot.job) {
      slot.job.job.reject(new RecognitionError(RecognitionErrorCode.WORKER_FAILED, `A recognition worker crashed (${error.message}); retry the image. If it keeps failing, the image may trigger a bug: report it with the image.`, {}));
      slot.job = undefined;
    }
    // A worker that never became ready is a failed restart: the promise of spawn() reschedules it.
    if (slot.ready) this.scheduleRespawn();
    this.pump();
  }

  /** Starts a replacement after a delay that doubles with each failed restart (up to maxRespawnDelayMs). */
  private scheduleRespawn(): void {
    if (!this.started || this.closing || this.respawnTimer || this.slots.length >= this.size) return;
    const delay = Math.min(this.maxRespawnDelayMs, this.respawnDelayMs * 2 ** this.respawnFailures);
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = null;
      if (this.closing || this.slots.length >= this.size) return;
      this.restarts++;
      this.spawn().then(
        () => {
          this.respawnFailures = 0;
          log.info({ restarts: this.restarts }, 'worker restarted');
          this.scheduleRespawn();
        },
        (error: unknown) => {
          this.respawnFailures++;
          this.lastError = `restarting a worker failed: ${messageOf(error)}`;
          log.error({ err: error, failures: this.respawnFailures }, 'worker restart failed');
          this.scheduleRespawn();
        },
      );
    }, delay);
    this.respawnTimer.unref();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) break;
      const id = this.nextId++;
      slot.job = { id, job };
      const msg: ToWorker = { type: 'analyze', id, bytes: job.bytes, options: job.options };
      slot.worker.postMessage(msg);
      this.spaceWaiters.shift()?.();
    }
    if (this.slots.some((s) => s.ready)) {
      this.unavailable = false;
      this.clearWaitTimer();
    } else if (this.closing) {
      this.failQueued(new RecognitionError(RecognitionErrorCode.ENGINE_CLOSED, `${CLOSED_MESSAGE} (It closed while no worker was running to take this image.)`));
    } else if (this.queue.length > 0 && !this.waitTimer) {
      this.waitTimer = setTimeout(() => {
        this.waitTimer = null;
        if (this.slots.some((s) => s.ready)) return;
        this.unavailable = true;
        this.failQueued(this.unavailableError());
      }, this.workerWaitMs);
      this.waitTimer.unref();
    }
    if (this.queue.length === 0 && this.slots.every((s) => !s.job)) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private clearWaitTimer(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
  }

  private unavailableError(): RecognitionError {
    const status = this.status();
    return new RecognitionError(
      RecognitionErrorCode.WORKERS_UNAVAILABLE,
      `No recognition worker is running (${status.lastError ?? 'they stopped'}); they are being restarted. Retry in a few seconds; if this persists, check the server log.`,
      { workers: status.ready, wanted: status.wanted, restarts: status.restarts },
    );
  }

  /** Rejects every queued image with `error` and wakes callers waiting for queue space. */
  private failQueued(error: RecognitionError): void {
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const w of this.spaceWaiters.splice(0)) w();
  }

  private async enqueue(job: Job): Promise<void> {
    for (;;) {
      if (this.closing) throw new RecognitionError(RecognitionErrorCode.ENGINE_CLOSED, CLOSED_MESSAGE);
      if (this.unavailable) throw this.unavailableError();
      if (this.queue.length < this.config.runtime.maxQueue) break;
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    this.queue.push(job);
    this.pump();
  }

  /** Queues one image; waits for queue space when maxQueue images are already waiting (backpressure). */
  async analyze(bytes: Uint8Array, options: AnalyzeOptions): Promise<AnalysisResult> {
    const copy = new Uint8Array(bytes);
    return new Promise<AnalysisResult>((resolve, reject) => {
      this.enqueue({ bytes: copy, options, resolve, reject }).catch(reject);
    });
  }

  /**
   * Stops accepting work, lets queued and running images finish (queued ones fail with ENGINE_CLOSED
   * when no worker is left to take them), then stops the workers. Restarts stop at once.
   */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    this.respawnTimer = null;
    this.clearWaitTimer();
    for (const w of this.spaceWaiters.splice(0)) w();
    this.pump();
    if (this.queue.length > 0 || this.slots.some((s) => s.job)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.splice(0).map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (!slot.ready) {
              // Still loading its models: nothing to dispose, and it would read the message only after loading.
              void slot.worker.terminate().then(() => resolve());
              return;
            }
            const timer = setTimeout(() => void slot.worker.terminate().then(() => resolve()), 5000);
            slot.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }
}
