// The one scheduler of the server's background work. Each task runs in a loop of its own: after its
// first delay, then `everyMs` after each run ends, at once when it is woken (a job queued, an event
// published) and again at once while a run reports more work waiting; one run of a task at a time.
// A task with `lease: 'task'` runs in one process at a time across every server on the database:
// its scheduled_tasks row holds the lease (renewed while it runs) and the schedule all processes
// share. A task with `lease: 'rows'` runs in every process; the rows it works on carry their own
// leases (jobs, webhook deliveries), which lets several processes share that work.
// stop() wakes every loop, aborts the runs' signals, waits for the runs in flight (bounded) and gives
// their leases back.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PreviousRun, ScheduledTasksRepository } from './scheduled-tasks.repository.js';

export type { PreviousRun } from './scheduled-tasks.repository.js';

/** What a run is given. */
export interface TaskRunContext {
  /** Aborted when the scheduler stops or the task's lease is lost: finish the unit in hand and return. */
  signal: AbortSignal;
  /** The task's previous run: across processes for `lease: 'task'`, in this process for 'rows'; null before the first. */
  previous: PreviousRun | null;
}

/** A periodic piece of background work. */
export interface BackgroundTask {
  /** Unique; the key of its scheduled_tasks row. */
  name: string;
  /** What it does, in a few words, for the status listing. */
  description: string;
  /** Pause from the end of one run to the start of the next. */
  everyMs: number;
  /** Pause from start() (or `notBefore`) to the first run; 0 by default. */
  firstRunAfterMs?: number;
  /** 'task': one process at a time, under the task's lease; 'rows': every process, the work is leased row by row. */
  lease: 'task' | 'rows';
  /** The task's loop begins once this settles (the job runner waits for the engine). */
  notBefore?: Promise<unknown>;
  /** Subscribes `wake` to whatever should run the task at once; returns the unsubscribe. */
  wakeOn?: (wake: () => void) => () => void;
  /** Does the work; resolves true when more is waiting (it runs again at once). A throw is recorded as the run's error. */
  run(context: TaskRunContext): Promise<boolean | void>;
}

/** A task as the status listing shows it. */
export interface BackgroundTaskStatus {
  name: string;
  description: string;
  everySeconds: number;
  lease: 'TASK' | 'ROWS';
  /** A run is in progress in this process. */
  running: boolean;
  /** The scheduler holding the task's lease now (any process); null for 'rows' tasks and when free. */
  lockedBy: string | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  /** Why the last run failed; null when it succeeded. */
  lastError: string | null;
  /** When the next run may start (for 'rows' tasks: in this process). */
  nextRunAt: Date | null;
}

/** How the scheduler paces its leases and its stop. */
export interface SchedulerOptions {
  /** Names this scheduler in leases (a fresh id by default). */
  schedulerId?: string;
  /** How long a task's lease lasts without renewal (renewed every third of it while the task runs). */
  leaseMs?: number;
  /** Pause before claiming again after the database failed to answer (capped by the task's interval). */
  retryMs?: number;
}

/** One task's loop state in this scheduler. */
interface TaskState {
  task: BackgroundTask;
  loop: Promise<void> | null;
  running: boolean;
  /** Woken while running or sleeping: run again at once. */
  woken: boolean;
  /** Asked to run now: claim even before next_run_at, until a run happens. */
  forced: boolean;
  wakeUp: (() => void) | null;
  unsubscribe: (() => void) | null;
  /** This process's view (all of it for 'rows' tasks). */
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastError: string | null;
  nextRunAt: Date | null;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class Scheduler {
  readonly schedulerId: string;
  private readonly leaseMs: number;
  private readonly retryMs: number;
  private readonly states = new Map<string, TaskState>();
  private readonly stopping = new AbortController();
  private started = false;

  constructor(
    private readonly repository: ScheduledTasksRepository,
    tasks: readonly BackgroundTask[],
    private readonly logger: Logger,
    options: SchedulerOptions = {},
  ) {
    this.schedulerId = options.schedulerId ?? `scheduler-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.retryMs = options.retryMs ?? 30_000;
    for (const task of tasks) {
      if (this.states.has(task.name)) throw new Error(`Two background tasks are named ${task.name}; rename one.`);
      this.states.set(task.name, {
        task,
        loop: null,
        running: false,
        woken: false,
        forced: false,
        wakeUp: null,
        unsubscribe: null,
        lastStartedAt: null,
        lastFinishedAt: null,
        lastError: null,
        nextRunAt: null,
      });
    }
  }

  /** Registers the tasks' rows and starts their loops (once; not after stop()). */
  async start(): Promise<void> {
    if (this.started || this.stopping.signal.aborted) return;
    this.started = true;
    for (const state of this.states.values()) {
      if (state.task.lease === 'task') await this.repository.register(state.task.name, state.task.firstRunAfterMs ?? 0, state.task.everyMs);
    }
    for (const state of this.states.values()) {
      state.unsubscribe = state.task.wakeOn?.(() => this.wake(state.task.name)) ?? null;
      state.loop = this.loop(state);
    }
  }

  /** Runs the task as soon as it may (after the run in flight, if any; for 'task' tasks, once no other process holds it). */
  wake(name: string): void {
    const state = this.states.get(name);
    if (!state) return;
    state.woken = true;
    state.forced = true;
    state.wakeUp?.();
  }

  /**
   * Stops every loop: no new run starts, the runs in flight see their signal aborted and are awaited
   * up to `timeoutMs`. Returns the names of tasks whose run had not ended by then (their leases
   * expire on their own).
   */
  async stop(timeoutMs = 10_000): Promise<string[]> {
    this.stopping.abort();
    const pending = new Set<string>();
    const loops = [...this.states.values()].map((state) => {
      state.unsubscribe?.();
      state.unsubscribe = null;
      state.wakeUp?.();
      if (!state.loop) return Promise.resolve();
      pending.add(state.task.name);
      return state.loop.then(() => pending.delete(state.task.name));
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(loops),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (pending.size > 0) this.logger.warn({ tasks: [...pending], timeoutMs }, 'background tasks still running at stop');
    return [...pending];
  }

  /** Every task with its interval and how its runs went, in the order they were given. */
  async status(): Promise<BackgroundTaskStatus[]> {
    const shared = [...this.states.values()].filter((s) => s.task.lease === 'task').map((s) => s.task.name);
    const rows = new Map((shared.length > 0 ? await this.repository.findAll(shared) : []).map((r) => [r.name, r]));
    return [...this.states.values()].map((state) => {
      const { task } = state;
      const row = rows.get(task.name);
      return {
        name: task.name,
        description: task.description,
        everySeconds: task.everyMs / 1000,
        lease: task.lease === 'task' ? 'TASK' : 'ROWS',
        running: state.running,
        lockedBy: row?.lockedBy ?? null,
        lastStartedAt: row ? row.lastStartedAt : state.lastStartedAt,
        lastFinishedAt: row ? row.lastFinishedAt : state.lastFinishedAt,
        lastError: row ? row.lastError : state.lastError,
        nextRunAt: row ? row.nextRunAt : state.nextRunAt,
      };
    });
  }

  private get isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private async loop(state: TaskState): Promise<void> {
    const { task } = state;
    if (task.notBefore) await Promise.race([task.notBefore.catch(() => undefined), this.stopped()]);
    if (task.lease === 'rows') await this.sleep(state, task.firstRunAfterMs ?? 0);
    while (!this.isStopping) {
      let delayMs: number;
      try {
        delayMs = task.lease === 'task' ? await this.claimAndRun(state) : await this.runHere(state, null);
      } catch (error) {
        // The database did not answer the claim or the release; try again later.
        this.logger.error({ err: error, task: task.name }, 'scheduling a background task failed; retrying');
        delayMs = Math.min(task.everyMs, this.retryMs);
      }
      await this.sleep(state, delayMs);
    }
  }

  /** A 'task' task: runs it if this scheduler gets the lease; the pause before the next try. */
  private async claimAndRun(state: TaskState): Promise<number> {
    const { task } = state;
    const force = state.forced;
    state.woken = false;
    const claim = await this.repository.claim(task.name, this.schedulerId, this.leaseMs, force);
    if (!claim.claimed) {
      // Due later, or another process runs it: look again then (a woken task asks again sooner).
      return Math.min(Math.max(claim.waitMs, 10), task.everyMs, force ? this.leaseMs / 3 : Infinity);
    }
    state.forced = false;
    if (this.isStopping) {
      await this.repository.release(task.name, this.schedulerId);
      return 0;
    }
    const lost = new AbortController();
    const renewal = setInterval(() => {
      this.repository.renew(task.name, this.schedulerId, this.leaseMs).then(
        (held) => {
          if (!held) lost.abort(new Error(`the lease of ${task.name} was taken over`));
        },
        (error: unknown) => this.logger.warn({ err: error, task: task.name }, 'renewing a task lease failed'),
      );
    }, Math.max(10, Math.floor(this.leaseMs / 3)));
    renewal.unref();
    let nextMs: number;
    try {
      nextMs = await this.runHere(state, claim.previous, lost.signal);
    } finally {
      clearInterval(renewal);
    }
    // A run cut short by stop() is due at once, for the next process (or start) to finish.
    const nextRunAfterMs = this.isStopping ? 0 : nextMs;
    const held = await this.repository.finish(task.name, this.schedulerId, state.lastError, nextRunAfterMs);
    if (!held) this.logger.warn({ task: task.name }, 'a background task ran past its lease; another process may have run it too');
    return nextMs;
  }

  /** Runs the task once in this process and records how it went; the pause before the next run. */
  private async runHere(state: TaskState, previous: PreviousRun | null, lost?: AbortSignal): Promise<number> {
    const { task } = state;
    if (this.isStopping) return 0;
    const signal = lost ? AbortSignal.any([this.stopping.signal, lost]) : this.stopping.signal;
    const before: PreviousRun = { startedAt: state.lastStartedAt, finishedAt: state.lastFinishedAt, error: state.lastError };
    state.running = true;
    state.woken = false;
    state.forced = false;
    state.lastStartedAt = new Date();
    let more = false;
    try {
      more = (await task.run({ signal, previous: previous ?? (before.startedAt ? before : null) })) === true;
      state.lastError = null;
    } catch (error) {
      state.lastError = messageOf(error);
      this.logger.error({ err: error, task: task.name }, 'background task failed; it runs again at the next interval');
    } finally {
      state.running = false;
      state.lastFinishedAt = new Date();
    }
    const nextMs = more || state.woken ? 0 : task.everyMs;
    state.nextRunAt = new Date(Date.now() + nextMs);
    return nextMs;
  }

  /** Waits `ms`, or less when the task is woken or the scheduler stops. */
  private sleep(state: TaskState, ms: number): Promise<void> {
    if (ms <= 0 || state.woken || this.isStopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        state.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      state.wakeUp = done;
    });
  }

  /** Settles when stop() is called. */
  private stopped(): Promise<void> {
    const { signal } = this.stopping;
    return signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}
