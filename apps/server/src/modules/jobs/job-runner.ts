// The job runner: claims one job at a time (QUEUED, or RUNNING with an expired lease: that is how a
// job resumes after a crash or restart), processes the items not yet done, renews its lease, records
// each outcome exactly once and finishes the job. It has no loop of its own: the server's scheduler
// runs runOne() as its "jobs" task (infrastructure/scheduler/background-tasks.ts), in every process;
// the job's lease lets several processes share the queue without working one job twice.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Actor } from '../auth/actor.js';
import { RetryLaterError, type JobHandler, type RunningJob } from './job-handler.js';
import type { JobRecord, JobsRepository } from './jobs.repository.js';

/** How the runner paces itself. */
export interface JobRunnerOptions {
  /** How long a claim lasts without renewal; another runner may take the job after it. */
  leaseMs?: number;
  /** Identifies this runner in the lease (a fresh id per runner by default). */
  workerId?: string;
}

/** Items read per query while working a job. */
const ITEM_BATCH = 20;

export class JobRunner {
  readonly workerId: string;
  private readonly leaseMs: number;
  private stopping = false;
  private abandoned = false;
  private inFlight: Promise<boolean> | null = null;
  private readonly wakeListeners = new Set<() => void>();

  constructor(
    private readonly repository: JobsRepository,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly resolveActor: (createdBy: string) => Promise<Actor | null>,
    private readonly logger: Logger,
    options: JobRunnerOptions = {},
  ) {
    this.workerId = options.workerId ?? `runner-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Calls `listener` whenever there may be new work (a job was queued); returns the unsubscribe. */
  onWake(listener: () => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  /** Tells whoever runs this runner to look for work now instead of at its next interval. */
  wake(): void {
    for (const listener of this.wakeListeners) listener();
  }

  /** Finishes the item in progress, gives the job back for the next start, and waits for that. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.inFlight?.catch(() => undefined);
  }

  /** Stops at once without touching the database, as a crash would (tests of resumption). */
  abandon(): void {
    this.abandoned = true;
    this.stopping = true;
  }

  /** Works jobs until none is claimable (tests, and one-off runs). */
  async runUntilIdle(): Promise<void> {
    while (!this.stopping && (await this.runOne())) {
      // keep going
    }
  }

  /**
   * Claims one job and works it until it ends, pauses or is lost; false when none was claimable. An
   * aborted `signal` (the scheduler stopping) stops it as stop() does: the job is given back.
   */
  runOne(signal?: AbortSignal): Promise<boolean> {
    if (this.stopping || signal?.aborted) return Promise.resolve(false);
    const run = this.claimAndWork(signal);
    this.inFlight = run;
    return run.finally(() => {
      if (this.inFlight === run) this.inFlight = null;
    });
  }

  private async claimAndWork(signal: AbortSignal | undefined): Promise<boolean> {
    const record = await this.repository.claimNext(this.workerId, [...this.handlers.keys()], this.leaseMs);
    if (!record) return false;
    const handler = this.handlers.get(record.kind);
    if (!handler) return false;
    const log = this.logger.child({ jobId: record.id, kind: record.kind });
    log.info({ attempt: record.attempts, done: record.done, total: record.total }, 'job claimed');
    let lost = false;
    const heartbeat = setInterval(
      () => {
        if (this.abandoned) return;
        this.repository.renewLease(record.id, this.workerId, this.leaseMs).then(
          (held) => {
            if (!held) lost = true;
          },
          (error: unknown) => log.warn({ err: error }, 'lease renewal failed'),
        );
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      await this.work(record, handler, log, () => lost, () => this.stopping || signal?.aborted === true);
    } catch (error) {
      if (this.abandoned) return true;
      log.error({ err: error }, 'job failed');
      const message = error instanceof Error ? error.message : String(error);
      await this.repository.finish(record.id, this.workerId, {
        status: 'FAILED',
        result: null,
        error: `The job stopped on an unexpected error: ${message}. Start it again; rows already done are listed in the job.`,
      });
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }

  private async work(
    record: JobRecord,
    handler: JobHandler,
    log: Logger,
    isLost: () => boolean,
    isStopping: () => boolean,
  ): Promise<void> {
    const actor = await this.resolveActor(record.createdBy);
    if (!actor) {
      await this.repository.finish(record.id, this.workerId, {
        status: 'FAILED',
        result: null,
        error:
          'The user who started this job no longer exists or is disabled; start it again as another user.',
      });
      return;
    }
    const job: RunningJob = { record, actor };
    let noteCleared = record.error === null;
    for (;;) {
      const items = await this.repository.findPendingItems(record.id, ITEM_BATCH);
      if (items.length === 0) break;
      for (const item of items) {
        if (this.abandoned) return;
        if (isStopping()) {
          // A clean stop: the next start (of this or another process) takes the job at once.
          await this.repository.release(record.id, this.workerId, 0, null);
          log.info('job released on shutdown');
          return;
        }
        if (isLost()) return;
        let outcome;
        try {
          outcome = await handler.processItem(job, item);
        } catch (error) {
          if (this.abandoned) return;
          if (error instanceof RetryLaterError) {
            await this.repository.release(record.id, this.workerId, error.delayMs, error.message);
            log.info({ reason: error.message, delayMs: error.delayMs }, 'job paused');
            return;
          }
          throw error;
        }
        if (this.abandoned) return;
        if (!noteCleared) {
          await this.repository.clearNote(record.id);
          noteCleared = true;
        }
        if (
          !(await this.repository.completeItem(record.id, this.workerId, item.index, outcome, this.leaseMs))
        ) {
          log.info('job cancelled or taken over; stopping');
          return;
        }
      }
    }
    const result = await handler.finish(job);
    if (this.abandoned) return;
    await this.repository.finish(record.id, this.workerId, { status: 'SUCCEEDED', result, error: null });
    log.info({ total: record.total }, 'job succeeded');
  }
}
