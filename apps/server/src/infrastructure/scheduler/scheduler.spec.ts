// The scheduler on a real database, in both modes: two schedulers (as two server processes would,
// each with its own connection on PostgreSQL) never run a 'task' task at once and share its
// schedule; stop() waits for the run in flight and gives its lease back; a failing run records its
// error and the task runs again one interval later.
import { openDatabase, type Database } from '@faceledger/db';
import { createTestDatabaseLocation, TEST_DATABASE_MODES, type TestDatabaseLocation } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HealthService } from '../../modules/health/health.service.js';
import { RecognitionRepository } from '../recognition/recognition.repository.js';
import { ScheduledTasksRepository, type ClaimResult } from './scheduled-tasks.repository.js';
import { Scheduler, type BackgroundTask, type PreviousRun } from './scheduler.js';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A repository that keeps every claim's result, so a test can wait for a scheduler's next attempt. */
class WatchedRepository extends ScheduledTasksRepository {
  readonly claims: ClaimResult[] = [];
  override async claim(name: string, holder: string, leaseMs: number, force: boolean): Promise<ClaimResult> {
    const result = await super.claim(name, holder, leaseMs, force);
    this.claims.push(result);
    return result;
  }
}

describe.each(TEST_DATABASE_MODES)('Scheduler on %s', (mode) => {
  let location: TestDatabaseLocation;
  let first: Database;
  /** A second connection on PostgreSQL (another process); the same one on PGlite (one session). */
  let second: Database;
  const schedulers: Scheduler[] = [];

  beforeAll(async () => {
    location = await createTestDatabaseLocation(mode);
    first = await openDatabase({ databaseUrl: location.databaseUrl, pgliteDir: location.pgliteDir, logger });
    second =
      mode === 'postgres'
        ? await openDatabase({ databaseUrl: location.databaseUrl, pgliteDir: location.pgliteDir, logger })
        : first;
  });

  afterEach(async () => {
    for (const scheduler of schedulers.splice(0)) await scheduler.stop(1000);
  });

  afterAll(async () => {
    if (second !== first) await second.close();
    await first.close();
    await location.remove();
  });

  function schedulerOn(db: Database, tasks: BackgroundTask[], id: string): { scheduler: Scheduler; repository: WatchedRepository } {
    const repository = new WatchedRepository(db.prisma);
    const scheduler = new Scheduler(repository, tasks, logger, { schedulerId: id, leaseMs: 30_000 });
    schedulers.push(scheduler);
    return { scheduler, repository };
  }

  const row = (name: string) => first.prisma.scheduledTask.findUniqueOrThrow({ where: { name } });

  it('runs a task in one process at a time and shares its schedule between processes', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const runs: Array<{ by: string; previous: PreviousRun | null }> = [];
    const release = deferred();
    const task = (by: string): BackgroundTask => ({
      name: 'exclusive',
      description: 'test',
      everyMs: HOUR,
      lease: 'task',
      async run({ previous }) {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        runs.push({ by, previous });
        await release.promise;
        running -= 1;
      },
    });
    const a = schedulerOn(first, [task('a')], 'a');
    const b = schedulerOn(second, [task('b')], 'b');
    await Promise.all([a.scheduler.start(), b.scheduler.start()]);
    // Both try their first claim of a task that is due; exactly one gets the lease.
    await vi.waitFor(() => expect(a.repository.claims.length + b.repository.claims.length).toBeGreaterThanOrEqual(2));
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    const winner = runs[0]!.by;
    const loser = winner === 'a' ? b : a;
    expect(runs[0]!.previous).toEqual({ startedAt: null, finishedAt: null, error: null });
    expect((await row('exclusive')).lockedBy).toBe(winner);

    // Asked to run now while the other holds the lease, the loser is refused.
    const before = loser.repository.claims.length;
    loser.scheduler.wake('exclusive');
    await vi.waitFor(() => expect(loser.repository.claims.length).toBeGreaterThan(before));
    expect(loser.repository.claims.at(-1)?.claimed).toBe(false);
    expect(runs).toHaveLength(1);

    // Once the run ends the lease is free and the task is due in an hour, for both processes.
    release.resolve();
    await vi.waitFor(async () => expect((await row('exclusive')).lockedBy).toBeNull());
    const done = await row('exclusive');
    expect(done.lastError).toBeNull();
    expect(done.nextRunAt.getTime() - done.lastFinishedAt!.getTime()).toBe(HOUR);

    // A process starting now keeps that schedule (it does not run the task again because it started).
    const late = schedulerOn(second, [task('c')], 'c');
    await late.scheduler.start();
    expect((await row('exclusive')).nextRunAt).toEqual(done.nextRunAt);
    await late.scheduler.stop();

    // Woken, the other process runs it now and sees the first run as its previous one.
    loser.scheduler.wake('exclusive');
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    expect(runs[1]!.by).not.toBe(winner);
    expect(runs[1]!.previous?.startedAt?.getTime()).toBe(done.lastStartedAt!.getTime());
    expect(runs[1]!.previous?.finishedAt?.getTime()).toBe(done.lastFinishedAt!.getTime());
    expect(mostAtOnce).toBe(1);
  });

  it('takes over the task of a process that died holding its lease once the lease expires', async () => {
    // A process claimed the task and died: no renewal, no release.
    const dead = new ScheduledTasksRepository(first.prisma);
    await dead.register('orphaned', 0, HOUR);
    expect(await dead.claim('orphaned', 'dead', 2000, false)).toMatchObject({ claimed: true });
    const runs: Array<PreviousRun | null> = [];
    const { scheduler, repository } = schedulerOn(
      second,
      [
        {
          name: 'orphaned',
          description: 'test',
          everyMs: HOUR,
          lease: 'task',
          async run({ previous }) {
            runs.push(previous);
          },
        },
      ],
      'b',
    );
    await scheduler.start();
    await vi.waitFor(() => expect(runs).toHaveLength(1), { timeout: 10_000 });
    // Refused while the dead process's lease lasted, then taken over.
    expect(repository.claims[0]).toMatchObject({ claimed: false });
    // The previous run started and never finished (webhook recovery then looks back its full window).
    expect(runs[0]?.startedAt).not.toBeNull();
    expect(runs[0]?.finishedAt).toBeNull();
    await vi.waitFor(async () => expect((await row('orphaned')).lastFinishedAt).not.toBeNull());
    expect((await row('orphaned')).lockedBy).toBeNull();
  });

  it('stop() lets the run in flight finish its unit of work and gives the lease back', async () => {
    const started = deferred();
    const events: string[] = [];
    const { scheduler } = schedulerOn(
      first,
      [
        {
          name: 'graceful',
          description: 'test',
          everyMs: HOUR,
          lease: 'task',
          async run({ signal }) {
            started.resolve();
            await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
            // The unit in hand still reaches the database after the stop was asked for.
            const [held] = await first.prisma.$queryRaw<Array<{ lockedBy: string }>>`
              SELECT locked_by AS "lockedBy" FROM scheduled_tasks WHERE name = 'graceful'`;
            events.push(`run finished holding the lease: ${held?.lockedBy}`);
          },
        },
      ],
      'a',
    );
    await scheduler.start();
    await started.promise;
    expect((await row('graceful')).lockedBy).toBe('a');
    const unfinished = await scheduler.stop(60_000);
    events.push('stopped');
    expect(events).toEqual(['run finished holding the lease: a', 'stopped']);
    expect(unfinished).toEqual([]);
    const after = await row('graceful');
    expect(after.lockedBy).toBeNull();
    expect(after.lockedUntil).toBeNull();
    // Cut short by the stop: due at once for the next process or start.
    const due = await first.prisma.$queryRaw<Array<{ due: boolean }>>`
      SELECT next_run_at <= now() AS due FROM scheduled_tasks WHERE name = 'graceful'`;
    expect(due).toEqual([{ due: true }]);
  });

  it('records a failed run and runs the task again one interval later', async () => {
    const everyMs = 300;
    let calls = 0;
    const { scheduler } = schedulerOn(
      first,
      [
        {
          name: 'flaky',
          description: 'test',
          everyMs,
          lease: 'task',
          async run() {
            calls += 1;
            if (calls === 1) throw new Error('the disk is full');
          },
        },
        {
          name: 'flaky-here',
          description: 'test',
          everyMs,
          lease: 'rows',
          async run() {
            if (calls === 1) throw new Error('the queue is gone');
          },
        },
      ],
      'a',
    );
    await scheduler.start();
    await vi.waitFor(async () => expect((await row('flaky')).lastFinishedAt).not.toBeNull());
    const failed = await row('flaky');
    expect(failed.lastError).toBe('the disk is full');
    expect(failed.lockedBy).toBeNull();
    expect(failed.nextRunAt.getTime() - failed.lastFinishedAt!.getTime()).toBe(everyMs);
    await vi.waitFor(async () => expect(calls).toBe(2));
    await vi.waitFor(async () => expect((await row('flaky')).lastError).toBeNull());
    const listed = await scheduler.status();
    expect(listed.map((t) => [t.name, t.lease, t.everySeconds])).toEqual([
      ['flaky', 'TASK', 0.3],
      ['flaky-here', 'ROWS', 0.3],
    ]);
    expect(listed[0]).toMatchObject({ lastError: null, lockedBy: null, running: false });

    // Operators see the same list in the health query and GET /healthz.
    const health = new HealthService(first, new RecognitionRepository({ enabled: false, backend: 'wasm', workers: 1 }, logger), 'test');
    expect((await health.check()).backgroundTasks).toEqual([]);
    health.showBackgroundTasks(scheduler);
    const shown = (await health.check()).backgroundTasks;
    expect(shown.map((t) => t.name)).toEqual(['flaky', 'flaky-here']);
    expect(shown[0]).toMatchObject({ lease: 'TASK', everySeconds: 0.3, lastError: null, lastStartedAt: expect.any(String) });
  });
});
