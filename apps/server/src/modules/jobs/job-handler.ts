// What a kind of job plugs into the runner: how to process one item and how to sum up at the end.
import type { Prisma } from '@faceledger/db';
import type { JobModel } from '@faceledger/schema/server';
import type { Actor } from '../auth/actor.js';
import type { Permission } from '../auth/permissions.js';
import type { ItemOutcome, JobItemRecord, JobRecord } from './jobs.repository.js';

/** A job being run, with the actor it runs as (its creator, as that user is now). */
export interface RunningJob {
  record: JobRecord;
  actor: Actor;
}

/** One kind of job (BULK_IMPORT, EVALUATION). */
export interface JobHandler {
  readonly kind: string;
  /** Needed to start, read and cancel jobs of this kind. */
  readonly permission: Permission;
  /** Outcomes that are not a problem (left out by items(onlyProblems: true)). */
  readonly successOutcomes: readonly string[];
  /**
   * Processes one item and returns its outcome. Must be safe to run again for the same item: a
   * crash between its side effects and the recorded outcome makes the next runner repeat it.
   * Throw RetryLaterError to pause the job (the engine is still loading).
   */
  processItem(job: RunningJob, item: JobItemRecord): Promise<ItemOutcome>;
  /** Runs once every item is done; returns the job's result summary. */
  finish(job: RunningJob): Promise<Prisma.InputJsonObject>;
  /** The kind's own fields of the Job type (importSummary, evaluation). */
  describe(record: JobRecord): Promise<Partial<JobModel>>;
}

/** Thrown by a handler when the job cannot go on now but will later; the runner pauses it. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
