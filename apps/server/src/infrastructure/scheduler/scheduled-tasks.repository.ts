// The rows of scheduled_tasks: the lease of a task that runs in one process at a time, its shared
// schedule and how its last run went. Every time is the database's clock (now()), so processes on
// several machines agree whatever their own clocks say.
import type { PrismaClient } from '@faceledger/db';

/** How the task's previous run went, as the row said when this run was claimed. */
export interface PreviousRun {
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Why it failed; null when it succeeded (or never ran). */
  error: string | null;
}

/** A scheduled_tasks row. */
export interface ScheduledTaskRow {
  name: string;
  lockedBy: string | null;
  lockedUntil: Date | null;
  nextRunAt: Date;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastError: string | null;
}

/** A claim attempt: the previous run when this scheduler got the lease, else how long to wait before trying again. */
export type ClaimResult = { claimed: true; previous: PreviousRun } | { claimed: false; waitMs: number };

const seconds = (ms: number): number => ms / 1000;

export class ScheduledTasksRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Adds the task's row, due `firstRunAfterMs` from now. An existing row keeps its schedule (another
   * process runs the task, or a restart: the hourly purge does not run again because a server
   * started), unless that is more than `everyMs` away (the interval was shortened).
   */
  async register(name: string, firstRunAfterMs: number, everyMs: number): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO scheduled_tasks (name, next_run_at)
      VALUES (${name}, now() + make_interval(secs => ${seconds(firstRunAfterMs)}::float8))
      ON CONFLICT (name) DO UPDATE
      SET next_run_at = LEAST(scheduled_tasks.next_run_at, now() + make_interval(secs => ${seconds(everyMs)}::float8))`;
  }

  /**
   * Takes the task's lease for `leaseMs` when nobody holds it (or the holder's lease expired: its
   * process died) and the task is due (or `force`: the task was asked to run now).
   */
  async claim(name: string, holder: string, leaseMs: number, force: boolean): Promise<ClaimResult> {
    // `prev` is read from the statement's snapshot: the row as it was before this UPDATE.
    const rows = await this.prisma.$queryRaw<PreviousRun[]>`
      UPDATE scheduled_tasks t
      SET locked_by = ${holder}, locked_until = now() + make_interval(secs => ${seconds(leaseMs)}::float8),
          last_started_at = now()
      FROM scheduled_tasks prev
      WHERE t.name = ${name} AND prev.name = t.name
        AND (t.locked_until IS NULL OR t.locked_until < now())
        AND (t.next_run_at <= now() OR ${force}::boolean)
      RETURNING prev.last_started_at AS "startedAt", prev.last_finished_at AS "finishedAt", prev.last_error AS "error"`;
    const previous = rows[0];
    if (previous) return { claimed: true, previous };
    const [wait] = await this.prisma.$queryRaw<Array<{ ms: number | null }>>`
      SELECT (EXTRACT(EPOCH FROM GREATEST(next_run_at, COALESCE(locked_until, next_run_at)) - now()) * 1000)::float8 AS ms
      FROM scheduled_tasks WHERE name = ${name}`;
    return { claimed: false, waitMs: Math.max(0, wait?.ms ?? 0) };
  }

  /** Extends the lease; false when `holder` no longer holds it (it expired and another process took it). */
  async renew(name: string, holder: string, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE scheduled_tasks SET locked_until = now() + make_interval(secs => ${seconds(leaseMs)}::float8)
      WHERE name = ${name} AND locked_by = ${holder}`;
    return count === 1;
  }

  /**
   * Records the run's end (`error` null: it succeeded), gives the lease back and makes the task due
   * `nextRunAfterMs` from now; false when `holder` had lost the lease (nothing is written then).
   */
  async finish(name: string, holder: string, error: string | null, nextRunAfterMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE scheduled_tasks
      SET locked_by = NULL, locked_until = NULL, last_finished_at = now(), last_error = ${error},
          next_run_at = now() + make_interval(secs => ${seconds(nextRunAfterMs)}::float8)
      WHERE name = ${name} AND locked_by = ${holder}`;
    return count === 1;
  }

  /** Gives the lease back without recording a run (claimed just as the scheduler stopped). */
  async release(name: string, holder: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE scheduled_tasks SET locked_by = NULL, locked_until = NULL WHERE name = ${name} AND locked_by = ${holder}`;
  }

  /** The rows of the named tasks. */
  async findAll(names: readonly string[]): Promise<ScheduledTaskRow[]> {
    return this.prisma.scheduledTask.findMany({ where: { name: { in: [...names] } }, orderBy: { name: 'asc' } });
  }
}
