// Jobs: creates them (audited) for the modules that define a kind, serves job, jobs and cancelJob,
// and builds the runner that works them. Who may see a job depends on its kind's permission.
import type { Prisma } from '@faceledger/db';
import type { JobItem, JobKind } from '@faceledger/schema';
import type { JobModel } from '@faceledger/schema/server';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import {
  cutPage,
  encodeCreatedAtCursor,
  encodeCursor,
  parseCreatedAtKey,
  parsePageArgs,
  toConnection,
  type Connection,
} from '../../shared/relay-pagination.js';
import { isUuid } from '../../shared/uuid.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { actorRef, auditEntry, type Actor } from '../auth/actor.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { JobHandler } from './job-handler.js';
import { JobRunner, type JobRunnerOptions } from './job-runner.js';
import type { JobItemRecord, JobRecord, JobsRepository, NewJob } from './jobs.repository.js';

/** A page of jobs. */
export type JobConnectionModel = Connection<JobModel>;

/** A page of job items. */
export interface JobItemConnectionModel extends Connection<JobItem> {
  totalCount: number;
}

/** Forward page arguments. */
export interface ForwardPageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

export interface JobsDependencies {
  jobs: JobsRepository;
  uow: Pick<UnitOfWork, 'transaction'>;
  users: Pick<UsersRepository, 'findById'>;
}

/** The largest index the job items' integer column holds. */
const MAX_ITEM_INDEX = 2_147_483_647;

function parseIndexKey(value: unknown): number | null {
  if (!Array.isArray(value) || value.length !== 1) return null;
  const [index] = value as unknown[];
  // An item's index is a PostgreSQL integer: a larger number was never one of our cursors.
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index <= MAX_ITEM_INDEX
    ? index
    : null;
}

function asObject(value: Prisma.JsonValue): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toItemModel(item: JobItemRecord): JobItem {
  const input = asObject(item.input);
  const result = asObject(item.result);
  return {
    index: item.index,
    done: item.processedAt !== null,
    outcome: item.outcome,
    message: item.message,
    line: typeof input.line === 'number' ? input.line : null,
    externalId: text(input.externalId),
    name: text(input.name),
    photo: text(input.photo),
    identityId: text(result.identityId),
    faceId: text(result.faceId),
    photosEnrolled: typeof result.photosEnrolled === 'number' ? result.photosEnrolled : null,
    photosRefused: typeof result.photosRefused === 'number' ? result.photosRefused : null,
    path: text(input.path),
  };
}

export class JobsService {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly runners = new Set<JobRunner>();

  constructor(private readonly deps: JobsDependencies) {}

  /** Adds a kind of job; services.ts registers each one once. */
  registerHandler(handler: JobHandler): void {
    this.handlers.set(handler.kind, handler);
  }

  /**
   * A runner over every registered kind; main.ts starts one, tests drive their own. `decorate` wraps
   * each handler (tests use it to simulate a crash in the middle of a job).
   */
  createRunner(
    logger: Logger,
    options: JobRunnerOptions = {},
    decorate: (handler: JobHandler) => JobHandler = (handler) => handler,
  ): JobRunner {
    const handlers = new Map([...this.handlers].map(([kind, handler]) => [kind, decorate(handler)] as const));
    const runner = new JobRunner(
      this.deps.jobs,
      handlers,
      (createdBy) => this.resolveActor(createdBy),
      logger,
      options,
    );
    this.runners.add(runner);
    return runner;
  }

  /**
   * Creates a job with its items and files and the audit entry, in one transaction, and wakes the
   * runners. The caller has authorized the actor for the kind already.
   */
  async enqueue(
    actor: Actor,
    job: Omit<NewJob, 'createdBy'>,
    audit: { action: string; payload: Record<string, unknown> },
  ): Promise<JobRecord> {
    if (actor.kind !== 'user') {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        'Background jobs are started by signed-in users; sign in to the dashboard.',
      );
    }
    const created = await this.deps.uow.transaction(async (tx) => {
      const record = await this.deps.jobs.create(tx.db, { ...job, createdBy: actorRef(actor) });
      await tx.audit(
        auditEntry(actor, audit.action, `job:${record.id}`, {
          kind: job.kind,
          items: job.items.length,
          ...(job.galleryId ? { galleryId: job.galleryId } : {}),
          ...audit.payload,
        }),
      );
      return record;
    });
    for (const runner of this.runners) runner.wake();
    return created;
  }

  /** The job record after checking the caller may see its kind (handlers use it for their own reads). */
  async load(actor: Actor, id: string, expectedKind?: string): Promise<JobRecord> {
    const record = await this.deps.jobs.findById(id);
    const handler = record ? this.handlers.get(record.kind) : undefined;
    if (!record || !handler || (expectedKind !== undefined && record.kind !== expectedKind)) {
      if (!record || !handler) authorize(actor, 'galleries.read');
      // Also a job of a kind the caller may not see: it learns nothing about it.
      throw notFound('job', id);
    }
    authorize(actor, handler.permission);
    if (record.galleryId) authorizeGallery(actor, record.galleryId);
    return record;
  }

  async get(actor: Actor, id: string): Promise<JobModel> {
    return this.toModel(await this.load(actor, id));
  }

  async list(actor: Actor, kind: JobKind, args: ForwardPageArgs): Promise<JobConnectionModel> {
    const handler = this.handlers.get(kind);
    if (!handler) throw new AppError(ErrorCode.BAD_INPUT, `Unknown job kind ${kind}.`, { field: 'kind' });
    authorize(actor, handler.permission);
    const page = parsePageArgs({ first: args.first, after: args.after }, parseCreatedAtKey);
    const { rows, hasMore } = cutPage(page, await this.deps.jobs.findPage(kind, page.size + 1, page.cursor));
    const edges = await Promise.all(
      rows.map(async (row) => ({
        node: await this.toModel(row),
        cursor: encodeCreatedAtCursor(row.createdAt, row.id),
      })),
    );
    return toConnection(page, edges, hasMore);
  }

  /** The items of a job in order (the Job.items field). */
  async listItems(
    actor: Actor,
    jobId: string,
    args: ForwardPageArgs & { onlyProblems?: boolean | null | undefined },
  ): Promise<JobItemConnectionModel> {
    const record = await this.load(actor, jobId);
    const handler = this.handlers.get(record.kind);
    const exclude = args.onlyProblems ? handler?.successOutcomes : undefined;
    const page = parsePageArgs({ first: args.first, after: args.after }, parseIndexKey);
    const { rows, hasMore } = cutPage(
      page,
      await this.deps.jobs.findItems(record.id, {
        afterIndex: page.cursor ?? -1,
        limit: page.size + 1,
        excludeOutcomes: exclude,
      }),
    );
    const edges = rows.map((row) => ({ node: toItemModel(row), cursor: encodeCursor([row.index]) }));
    return {
      ...toConnection(page, edges, hasMore),
      totalCount: await this.deps.jobs.countItems(record.id, exclude),
    };
  }

  /** Stops a QUEUED or RUNNING job (audited); items done stay done. */
  async cancel(actor: Actor, id: string): Promise<JobModel> {
    const record = await this.load(actor, id);
    await this.deps.uow.transaction(async (tx) => {
      const cancelled = await this.deps.jobs.cancel(tx.db, record.id);
      if (!cancelled) {
        throw new AppError(
          ErrorCode.CONFLICT,
          `Job ${record.id} has already ended (${record.status}); there is nothing to cancel.`,
          {
            id: record.id,
          },
        );
      }
      await tx.audit(
        auditEntry(actor, 'job.cancel', `job:${record.id}`, {
          kind: record.kind,
          done: record.done,
          total: record.total,
          ...(record.galleryId ? { galleryId: record.galleryId } : {}),
        }),
      );
      tx.publish({ type: 'JobFinished', jobId: record.id, kind: record.kind, status: 'CANCELLED' });
    });
    return this.get(actor, id);
  }

  /** The actor a job runs as: its creator as that user is now; null when gone or disabled. */
  async resolveActor(createdBy: string): Promise<Actor | null> {
    const match = /^user:(.+)$/.exec(createdBy);
    const userId = match?.[1];
    if (!userId || !isUuid(userId)) return null;
    const user = await this.deps.users.findById(userId);
    if (!user || user.disabled) return null;
    return { kind: 'user', userId: user.id, email: user.email, role: user.role };
  }

  private async toModel(record: JobRecord): Promise<JobModel> {
    const handler = this.handlers.get(record.kind);
    const extra = handler ? await handler.describe(record) : {};
    return {
      id: record.id,
      kind: record.kind as JobKind,
      status: record.status,
      galleryId: record.galleryId,
      label: record.label,
      progress: {
        done: record.done,
        total: record.total,
        fraction: record.total === 0 ? 1 : record.done / record.total,
      },
      error: record.error,
      createdBy: record.createdBy,
      attempts: record.attempts,
      createdAt: record.createdAt.toISOString(),
      startedAt: record.startedAt?.toISOString() ?? null,
      finishedAt: record.finishedAt?.toISOString() ?? null,
      importSummary: null,
      errorReportUrl: null,
      evaluation: null,
      identifyEvaluation: null,
      ...extra,
    };
  }
}
