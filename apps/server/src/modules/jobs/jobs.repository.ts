// Jobs, their items and input files: creation, the runner's lease (claim, renew, release) and the
// exactly-once completion of items. Leases use the database clock, so several processes agree.
import { Prisma, type JobStatus, type PrismaClient } from '@faceledger/db';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';

/** A job row. */
export interface JobRecord {
  id: string;
  kind: string;
  status: JobStatus;
  galleryId: string | null;
  label: string;
  payload: Prisma.JsonValue;
  result: Prisma.JsonValue;
  error: string | null;
  done: number;
  total: number;
  createdBy: string;
  attempts: number;
  lockedBy: string | null;
  lockedUntil: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A job item row; processedAt is set exactly once, when its outcome is recorded. */
export interface JobItemRecord {
  jobId: string;
  index: number;
  input: Prisma.JsonValue;
  outcome: string | null;
  message: string | null;
  result: Prisma.JsonValue;
  processedAt: Date | null;
}

/** What a job is created with. */
export interface NewJob {
  kind: string;
  galleryId: string | null;
  label: string;
  payload: Prisma.InputJsonObject;
  createdBy: string;
  /** One input per item, in order (index = position). */
  items: readonly Prisma.InputJsonObject[];
  /**
   * Input files, read by the handler through readFile. `data` may be a loader: such files are read
   * and written one at a time, so a large job never holds more than one file in memory.
   */
  files: ReadonlyArray<{ name: string; data: Uint8Array | (() => Promise<Uint8Array>) }>;
}

/** The recorded outcome of one item. */
export interface ItemOutcome {
  outcome: string;
  message: string | null;
  result?: Prisma.InputJsonObject | undefined;
}

/** The keyset of job lists: newest first. */
export interface JobKey {
  createdAt: Date;
  id: string;
}

const JOB_COLUMNS = {
  id: true,
  kind: true,
  status: true,
  galleryId: true,
  label: true,
  payload: true,
  result: true,
  error: true,
  done: true,
  total: true,
  createdBy: true,
  attempts: true,
  lockedBy: true,
  lockedUntil: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const satisfies Prisma.JobSelect;

const ITEM_COLUMNS = {
  jobId: true,
  index: true,
  input: true,
  outcome: true,
  message: true,
  result: true,
  processedAt: true,
} as const satisfies Prisma.JobItemSelect;

/** Rows per INSERT when a job is created. */
const INSERT_CHUNK = 500;
/**
 * Bytes of input files per INSERT (a single larger file goes alone): Prisma holds several copies of
 * a statement's bytes while it sends them, so a statement stays small.
 */
const FILE_BATCH_BYTES = 4 * 1024 * 1024;

export class JobsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the job with its items and input files inside `tx` (the caller adds the audit entry). */
  async create(tx: Transaction, job: NewJob): Promise<JobRecord> {
    const created = await tx.job.create({
      data: {
        kind: job.kind,
        galleryId: job.galleryId,
        label: job.label,
        payload: job.payload,
        createdBy: job.createdBy,
        total: job.items.length,
      },
      select: JOB_COLUMNS,
    });
    for (let start = 0; start < job.items.length; start += INSERT_CHUNK) {
      await tx.jobItem.createMany({
        data: job.items.slice(start, start + INSERT_CHUNK).map((input, offset) => ({
          jobId: created.id,
          index: start + offset,
          input,
        })),
      });
    }
    // Batches of up to 50 files and FILE_BATCH_BYTES: one statement's parameters stay small.
    let batch: Array<{ jobId: string; name: string; data: Uint8Array<ArrayBuffer> }> = [];
    let batchBytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length > 0) await tx.jobFile.createMany({ data: batch });
      batch = [];
      batchBytes = 0;
    };
    for (const file of job.files) {
      const data = typeof file.data === 'function' ? await file.data() : file.data;
      if (batch.length > 0 && (batch.length >= 50 || batchBytes + data.length > FILE_BATCH_BYTES)) await flush();
      batch.push({ jobId: created.id, name: file.name, data: new Uint8Array(data) });
      batchBytes += data.length;
    }
    await flush();
    return created;
  }

  async findById(id: string, tx: Transaction = this.prisma): Promise<JobRecord | null> {
    if (!isUuid(id)) return null;
    return tx.job.findUnique({ where: { id }, select: JOB_COLUMNS });
  }

  /** Up to `limit` jobs of `kind`, newest first, after `after`. */
  async findPage(kind: string, limit: number, after: JobKey | null): Promise<JobRecord[]> {
    return this.prisma.job.findMany({
      where: {
        kind,
        ...(after
          ? {
              OR: [
                { createdAt: { lt: after.createdAt } },
                { createdAt: after.createdAt, id: { lt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: JOB_COLUMNS,
    });
  }

  /** Items in index order after `afterIndex`; `excludeOutcomes` keeps only done items with another outcome. */
  async findItems(
    jobId: string,
    options: { afterIndex: number; limit: number; excludeOutcomes?: readonly string[] | undefined },
  ): Promise<JobItemRecord[]> {
    return this.prisma.jobItem.findMany({
      where: { ...this.itemFilter(jobId, options.excludeOutcomes), index: { gt: options.afterIndex } },
      orderBy: { index: 'asc' },
      take: options.limit,
      select: ITEM_COLUMNS,
    });
  }

  async countItems(jobId: string, excludeOutcomes?: readonly string[]): Promise<number> {
    return this.prisma.jobItem.count({ where: this.itemFilter(jobId, excludeOutcomes) });
  }

  /** Done items per outcome. */
  async countOutcomes(jobId: string): Promise<Map<string, number>> {
    const groups = await this.prisma.jobItem.groupBy({
      by: ['outcome'],
      where: { jobId, processedAt: { not: null } },
      _count: { _all: true },
    });
    return new Map(groups.flatMap((g) => (g.outcome === null ? [] : [[g.outcome, g._count._all] as const])));
  }

  /**
   * Takes the oldest job of `kinds` that is QUEUED, or RUNNING with an expired lease (its runner died
   * or paused it), marks it RUNNING for `workerId` until the lease ends, and returns it.
   */
  async claimNext(workerId: string, kinds: readonly string[], leaseMs: number): Promise<JobRecord | null> {
    if (kinds.length === 0) return null;
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE jobs SET status = 'RUNNING'::"JobStatus", locked_by = ${workerId},
             locked_until = now() + make_interval(secs => ${leaseMs / 1000}::float8),
             attempts = attempts + 1, started_at = COALESCE(started_at, now()), updated_at = now()
      WHERE id = (
        SELECT id FROM jobs
        WHERE kind IN (${Prisma.join(kinds)})
          AND (status = 'QUEUED'::"JobStatus"
               OR (status = 'RUNNING'::"JobStatus" AND (locked_until IS NULL OR locked_until < now())))
        ORDER BY created_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id`;
    const id = rows[0]?.id;
    return id ? this.findById(id) : null;
  }

  /** Extends the lease; false when `workerId` no longer holds a RUNNING job (cancelled, taken over). */
  async renewLease(jobId: string, workerId: string, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
      WHERE id = ${jobId}::uuid AND locked_by = ${workerId} AND status = 'RUNNING'::"JobStatus"`;
    return count === 1;
  }

  /** Up to `limit` items not yet done, in index order. */
  async findPendingItems(jobId: string, limit: number): Promise<JobItemRecord[]> {
    return this.prisma.jobItem.findMany({
      where: { jobId, processedAt: null },
      orderBy: { index: 'asc' },
      take: limit,
      select: ITEM_COLUMNS,
    });
  }

  /**
   * Records an item's outcome and counts it, renewing the lease, in one transaction under the job's
   * row lock. An item already done is left as it is (never counted twice). False when `workerId`
   * lost the job (cancelled, or its lease was taken over): the caller stops.
   */
  async completeItem(
    jobId: string,
    workerId: string,
    index: number,
    outcome: ItemOutcome,
    leaseMs: number,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [job] = await tx.$queryRaw<Array<{ status: string; lockedBy: string | null }>>`
        SELECT status::text AS status, locked_by AS "lockedBy" FROM jobs WHERE id = ${jobId}::uuid FOR UPDATE`;
      if (!job || job.status !== 'RUNNING' || job.lockedBy !== workerId) return false;
      const updated = await tx.jobItem.updateMany({
        where: { jobId, index, processedAt: null },
        data: {
          outcome: outcome.outcome,
          message: outcome.message,
          result: outcome.result ?? Prisma.DbNull,
          processedAt: new Date(),
        },
      });
      await tx.$executeRaw`
        UPDATE jobs SET done = done + ${updated.count}, updated_at = now(),
               locked_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        WHERE id = ${jobId}::uuid`;
      return true;
    });
  }

  /** Ends a RUNNING job held by `workerId` and deletes its input files; false when it was not held. */
  async finish(
    jobId: string,
    workerId: string,
    end: { status: 'SUCCEEDED' | 'FAILED'; result: Prisma.InputJsonObject | null; error: string | null },
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.job.updateMany({
        where: { id: jobId, lockedBy: workerId, status: 'RUNNING' },
        data: {
          status: end.status,
          result: end.result ?? Prisma.DbNull,
          error: end.error,
          finishedAt: new Date(),
          lockedBy: null,
          lockedUntil: null,
        },
      });
      if (updated.count === 1) await tx.jobFile.deleteMany({ where: { jobId } });
      return updated.count === 1;
    });
  }

  /** Gives a RUNNING job back without finishing it: any runner may take it after `delayMs`. */
  async release(jobId: string, workerId: string, delayMs: number, note: string | null): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE jobs SET locked_by = NULL, error = ${note}, updated_at = now(),
             locked_until = now() + make_interval(secs => ${delayMs / 1000}::float8)
      WHERE id = ${jobId}::uuid AND locked_by = ${workerId} AND status = 'RUNNING'::"JobStatus"`;
  }

  /** Clears the note of a job that makes progress again (it waited for the engine). */
  async clearNote(jobId: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: jobId, error: { not: null }, status: 'RUNNING' },
      data: { error: null },
    });
  }

  /** CANCELLED for a QUEUED or RUNNING job, in `tx`, deleting its files; false when it had already ended. */
  async cancel(tx: Transaction, jobId: string): Promise<boolean> {
    const updated = await tx.job.updateMany({
      where: { id: jobId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'CANCELLED', finishedAt: new Date(), lockedBy: null, lockedUntil: null },
    });
    if (updated.count === 1) await tx.jobFile.deleteMany({ where: { jobId } });
    return updated.count === 1;
  }

  /** The bytes of one input file of a job, or null when there is none by that name. */
  async readFile(jobId: string, name: string): Promise<Uint8Array | null> {
    const file = await this.prisma.jobFile.findUnique({
      where: { jobId_name: { jobId, name } },
      select: { data: true },
    });
    return file ? new Uint8Array(file.data) : null;
  }

  private itemFilter(
    jobId: string,
    excludeOutcomes: readonly string[] | undefined,
  ): Prisma.JobItemWhereInput {
    return excludeOutcomes && excludeOutcomes.length > 0
      ? { jobId, processedAt: { not: null }, outcome: { notIn: [...excludeOutcomes] } }
      : { jobId };
  }
}
