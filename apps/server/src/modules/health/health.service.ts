// Answers "is this server ready?" for the health query and GET /healthz. It asks the database it is
// serving each time: a database that went away, or was recreated empty under the running server,
// is not ok, whatever the migrations at start-up were. Messages that may name the server's files,
// hosts or drivers (the database's and the engine's errors, ffmpeg's path, version and error, background
// tasks' errors, operator models' refusals, the models folder's error) go only to callers with
// health.details (ADMIN); everyone else, GET /healthz included, reads fixed sentences, states and counts.
import path from 'node:path';
import { readMigrations, type Database } from '@faceledger/db';
import type { Logger } from 'pino';
import type { MqttStatus } from '../../infrastructure/mqtt/mqtt-publisher.js';
import {
  RECOGNITION_DISABLED_ERROR,
  type RecognitionRepository,
  type RecognitionStatus,
} from '../../infrastructure/recognition/recognition.repository.js';
import type { BackgroundTaskStatus } from '../../infrastructure/scheduler/scheduler.js';
import type { BackgroundTask, CamerasHealth, Health, MqttHealth } from '@faceledger/schema';
import type { Actor } from '../auth/actor.js';
import { isAllowed } from '../auth/permissions.js';

/** How long health waits for the database before calling it down (a black-holed host never refuses). */
const DATABASE_ANSWER_MS = 5000;

/** What callers without health.details read instead of the models folder's error (which names the folder). */
export const MODELS_DIR_ERROR_HIDDEN =
  'The models folder (FACELEDGER_MODELS_DIR) cannot be read; an admin sees why in health (signed in) or Settings > Engine.';

/** What callers without health.details read for a database that does not answer (the driver's message may name its host). */
export const DATABASE_NO_ANSWER_HIDDEN =
  "The database does not answer; an admin finds the driver's message in the server's log (health: the database is not ok).";

/** What callers without health.details read for a database without migration history (the driver's message names tables and the host). */
export const DATABASE_NO_HISTORY_HIDDEN =
  "The database has no migration history: it was emptied or replaced. Restart the server to migrate it, or restore it; the server's log has the driver's message.";

/** What callers without health.details read when the engine failed to start (its message may name model files). */
export const RECOGNITION_START_ERROR_HIDDEN =
  "The recognition engine failed to start; an admin sees why in health (signed in) or Settings > Engine, and in the server's log.";

/** What callers without health.details read while no recognition worker runs (the workers' error may name files). */
export const RECOGNITION_NO_WORKER_HIDDEN =
  'No recognition worker is running; the server is restarting them. An admin sees why in health (signed in) or Settings > Engine.';

/** What callers without health.details read while some recognition workers restart (their error may name files). */
export const RECOGNITION_SOME_WORKERS_HIDDEN =
  'Some recognition workers stopped and are being restarted; an admin sees why in health (signed in) or Settings > Engine.';

/** What callers without health.details read when ffmpeg cannot be run (the reason names FACELEDGER_FFMPEG_PATH's folder). */
export const FFMPEG_ERROR_HIDDEN =
  "ffmpeg cannot be run on this server; install Debian's ffmpeg package (apt-get install ffmpeg) or set FACELEDGER_FFMPEG_PATH to an ffmpeg binary. An admin sees why in health (signed in).";

/** What callers without health.details read for a background task's failed run (its error may name hosts, files or SQL). */
export const TASK_ERROR_HIDDEN = "The last run failed; an admin sees why in health (signed in) or the server's log.";

/** ffmpeg's error where this server runs no cameras (tests); it names nothing of the server. */
const CAMERAS_NOT_SET_UP = 'cameras are not set up in this server';

/** The caller of GET /healthz: nobody in particular. */
const ANONYMOUS: Actor = { kind: 'anonymous' };

/** Applied migrations as the database records them now; `error` when it cannot be asked. */
interface LiveMigrations {
  names: string[];
  /** Why they could not be read: the precise message, and what callers without health.details read instead. */
  error: { detail: string; hidden: string } | null;
}

export class HealthService {
  private readonly startedAt = Date.now();
  /** Names of the migrations this version ships, read once. */
  private shipped: Promise<string[]> | null = null;
  /** The scheduler whose tasks health lists (main.ts's); none where no scheduler runs (tests). */
  private scheduler: { status(): Promise<BackgroundTaskStatus[]> } | null = null;
  /** The database's last precise error logged, so that a polled /healthz logs an outage once, not at every call. */
  private loggedDatabaseError: string | null = null;

  constructor(
    private readonly db: Database,
    private readonly recognition: RecognitionRepository,
    private readonly version: string,
    /** ffmpeg and the cameras' states (CamerasService); where none is given, health says cameras are not set up. */
    private readonly cameras?: { health(): Promise<CamerasHealth> },
    /** The MQTT publisher (FACELEDGER_MQTT_URL); none: health says DISABLED. */
    private readonly mqtt?: { status(): MqttStatus } | null,
    /** Where the database's precise error goes when it changes (callers without health.details do not read it). */
    private readonly logger?: Logger,
  ) {}

  /** Lists `scheduler`'s background tasks in health from now on. */
  showBackgroundTasks(scheduler: { status(): Promise<BackgroundTaskStatus[]> }): void {
    this.scheduler = scheduler;
  }

  /**
   * Health as `viewer` may see it: with health.details the precise messages; else the same states,
   * booleans, counts, codes and times, with a fixed sentence for each message and ffmpeg's file name only.
   */
  async check(viewer: Actor = ANONYMOUS): Promise<Health> {
    const isDetailed = isAllowed(viewer, 'health.details');
    this.shipped ??= readMigrations().then((files) => files.map((f) => f.name));
    const [shipped, live, backgroundTasks, cameras] = await Promise.all([
      this.shipped,
      this.readApplied(),
      this.readBackgroundTasks(),
      this.readCameras(),
    ]);
    const applied = new Set(live.names);
    const missing = shipped.filter((name) => !applied.has(name));
    this.logDatabaseError(live.error?.detail ?? null);
    // The missing migrations' count and first name come from this version's files, not from the server.
    const missingError =
      missing.length > 0
        ? `${missing.length} of ${shipped.length} migrations are not applied to this database (first missing: ${missing[0]}); restart the server to apply them, or restore the database.`
        : null;
    const liveError = isDetailed ? live.error?.detail : live.error?.hidden;
    const databaseError = liveError ?? missingError;
    const engine = this.recognition.status();
    const modelsDirError = engine.modelsDirError ?? null;
    return {
      ok: databaseError === null,
      database: this.db.mode === 'pglite' ? 'PGLITE' : 'POSTGRES',
      databaseError,
      migrations: {
        applied: shipped.length - missing.length,
        total: shipped.length,
        latest: live.names.at(-1) ?? null,
      },
      recognition: {
        state: engine.state,
        backend: engine.info?.backend ?? null,
        workers: engine.workers ?? null,
        workersConfigured: engine.workersConfigured ?? null,
        defaultModel: engine.info?.defaultModel ?? null,
        embedder: engine.info ? { ...engine.info.embedder, runtime: engine.info.embedder.runtime === 'onnx' ? 'ONNX' : 'TFJS' } : null,
        error: isDetailed ? engine.error : hiddenEngineError(engine),
        models: isDetailed ? (engine.models ?? []) : (engine.models ?? []).map((model) => ({ ...model, error: null })),
        modelsDirError: isDetailed || modelsDirError === null ? modelsDirError : MODELS_DIR_ERROR_HIDDEN,
      },
      version: this.version,
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      backgroundTasks: isDetailed
        ? backgroundTasks
        : backgroundTasks.map((task) => ({ ...task, lastError: task.lastError === null ? null : TASK_ERROR_HIDDEN })),
      cameras: isDetailed ? cameras : withoutFfmpegDetails(cameras),
      mqtt: this.readMqtt(),
    };
  }

  /** Logs the database's precise error once per change (a polled /healthz would repeat it every few seconds). */
  private logDatabaseError(detail: string | null): void {
    if (detail === this.loggedDatabaseError) return;
    if (detail !== null) this.logger?.warn({ databaseError: detail }, 'health: the database is not ok');
    else this.logger?.info('health: the database answers again');
    this.loggedDatabaseError = detail;
  }

  /** MQTT's state and last error code; never its URL (it may hold a password). */
  private readMqtt(): MqttHealth {
    if (!this.mqtt) return { state: 'DISABLED', lastErrorCode: null, published: 0, dropped: 0 };
    const status = this.mqtt.status();
    return {
      state: status.connected ? 'CONNECTED' : 'RECONNECTING',
      lastErrorCode: status.connected ? null : status.lastErrorCode,
      published: status.published,
      dropped: status.dropped,
    };
  }

  /** Cameras' health; its ffmpeg check never throws, and a database that does not answer counts no camera (databaseError says why). */
  private async readCameras(): Promise<CamerasHealth> {
    const none = { total: 0, connecting: 0, live: 0, stalled: 0, failed: 0, stopped: 0 };
    if (!this.cameras) {
      return { ffmpeg: { available: false, path: '', version: null, error: CAMERAS_NOT_SET_UP }, ...none };
    }
    return this.cameras.health();
  }

  /** The scheduler's tasks; [] without one, or when the database does not answer in time (databaseError says why). */
  private async readBackgroundTasks(): Promise<BackgroundTask[]> {
    if (!this.scheduler) return [];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), DATABASE_ANSWER_MS);
    });
    const tasks = await Promise.race([this.scheduler.status().catch(() => null), timeout]).finally(() => clearTimeout(timer));
    return (tasks ?? []).map((task) => ({
      ...task,
      lastStartedAt: task.lastStartedAt?.toISOString() ?? null,
      lastFinishedAt: task.lastFinishedAt?.toISOString() ?? null,
      nextRunAt: task.nextRunAt?.toISOString() ?? null,
    }));
  }

  /** The finished migrations recorded in the serving database, oldest first. */
  private async readApplied(): Promise<LiveMigrations> {
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_ANSWER_MS / 1000} s`)), DATABASE_ANSWER_MS);
      });
      await Promise.race([this.db.prisma.$queryRaw`SELECT 1`, timeout]).finally(() => clearTimeout(timer));
    } catch (error) {
      return { names: [], error: { detail: `The database does not answer: ${messageOf(error)}`, hidden: DATABASE_NO_ANSWER_HIDDEN } };
    }
    try {
      const rows = await this.db.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
        ORDER BY migration_name`;
      return { names: rows.map((r) => r.migration_name), error: null };
    } catch (error) {
      return {
        names: [],
        error: {
          detail: `The database has no migration history (_prisma_migrations cannot be read: ${messageOf(error)}); it was emptied or replaced. Restart the server to migrate it, or restore it.`,
          hidden: DATABASE_NO_HISTORY_HIDDEN,
        },
      };
    }
  }
}

/** The engine's error as callers without health.details read it: the disabled engine's fixed sentence, else one by state. */
function hiddenEngineError(engine: RecognitionStatus): string | null {
  if (engine.error === null || engine.error === RECOGNITION_DISABLED_ERROR) return engine.error;
  if (engine.state === 'READY') return RECOGNITION_SOME_WORKERS_HIDDEN;
  return engine.info ? RECOGNITION_NO_WORKER_HIDDEN : RECOGNITION_START_ERROR_HIDDEN;
}

/** ffmpeg without its folder, version line (it names the build and distribution) or precise error; counts unchanged. */
function withoutFfmpegDetails(cameras: CamerasHealth): CamerasHealth {
  const { ffmpeg } = cameras;
  return {
    ...cameras,
    ffmpeg: {
      available: ffmpeg.available,
      path: ffmpeg.path === '' ? '' : path.basename(ffmpeg.path),
      version: null,
      error: ffmpeg.error === null || ffmpeg.error === CAMERAS_NOT_SET_UP ? ffmpeg.error : FFMPEG_ERROR_HIDDEN,
    },
  };
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Prisma prefixes the cause with the invocation; the last line says what happened.
  return text.trim().split('\n').filter(Boolean).at(-1) ?? text;
}
