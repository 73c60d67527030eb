import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecognitionConfig } from '../config.js';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { moduleLogger } from '../logger.js';
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
  job?: { id: number; job: Job };
}

/** Fixed-size worker_threads pool with a bounded FIFO queue; callers wait when the queue is full. */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private nextId = 1;
  private closing = false;
  backend: BackendName;

  private constructor(
    private readonly config: RecognitionConfig,
    private readonly script: string,
  ) {
    this.backend = config.runtime.backend;
  }

  /** Starts `config.runtime.workers` workers and waits until every one has loaded its models. */
  static async start(config: RecognitionConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(config, workerScript());
    try {
      await Promise.all(Array.from({ length: config.runtime.workers }, () => pool.spawn()));
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    return pool;
  }

  /** Number of worker threads. */
  get size(): number {
    return this.slots.length;
  }

  private spawn(): Promise<void> {
    const init: WorkerInit = { config: this.config };
    const worker = new Worker(this.script, { workerData: init });
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          slot.ready = true;
          this.backend = msg.backend;
          resolve();
          this.pump();
        } else if (msg.type === 'init-error') {
          reject(fromWire(msg.error));
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
        log.error({ err: error }, 'worker crashed');
        reject(error);
        this.onWorkerGone(slot, error);
      });
      worker.on('exit', (code) => {
        if (!this.closing) this.onWorkerGone(slot, new Error(`worker exited with code ${code}`));
      });
    });
  }

  private onWorkerGone(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (slot.job) {
      slot.job.job.reject(new RecognitionError(RecognitionErrorCode.WORKER_FAILED, `A recognition worker crashed (${error.message}); retry the image. If it keeps failing, the image may trigger a bug: report it with the image.`, {}));
      slot.job = undefined;
    }
    if (!this.closing && slot.ready) {
      this.spawn().catch((e: unknown) => log.error({ err: e }, 'worker respawn failed'));
    }
    this.pump();
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
    if (this.queue.length === 0 && this.slots.every((s) => !s.job)) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async enqueue(job: Job): Promise<void> {
    if (this.closing) throw new RecognitionError(RecognitionErrorCode.ENGINE_CLOSED, 'The recognition engine is closed; create a new engine to analyse more images.');
    while (this.queue.length >= this.config.runtime.maxQueue) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      if (this.closing) throw new RecognitionError(RecognitionErrorCode.ENGINE_CLOSED, 'The recognition engine is closed; create a new engine to analyse more images.');
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

  /** Stops accepting work, lets queued and running images finish, then stops the workers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const w of this.spaceWaiters.splice(0)) w();
    if (this.queue.length > 0 || this.slots.some((s) => s.job)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void slot.worker.terminate().then(() => resolve()), 5000);
            slot.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
    this.slots.length = 0;
  }
}
