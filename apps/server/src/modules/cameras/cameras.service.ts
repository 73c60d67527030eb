// Cameras: admins register video sources with the fps to analyse, their watchlist galleries and the
// sightings' retention (audited); anyone with cameras.read sees them with their readers' state.
// testCameraConnection opens a source with ffmpeg and decodes one frame, bounded in time. The
// readers themselves run in the CameraSupervisor of the one process holding the camera-readers task.
import type { Camera, CameraConnectionTest, CamerasHealth } from '@faceledger/schema';
import { z } from 'zod';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import { parseInput } from '../../shared/parse-input.js';
import { rethrowUniqueViolation } from '../../shared/unique-violation.js';
import { actorRef, type Actor } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import { CameraSourceError, maskSource, parseCameraSource } from './camera-source.js';
import { CameraSupervisor, type CameraSupervisorOptions } from './camera-supervisor.js';
import type { CameraRecord, CamerasRepository, CameraWrite } from './cameras.repository.js';
import { checkFfmpeg, probeSource, type FfmpegCheck } from './ffmpeg.js';

export const MIN_FPS = 0.1;
export const MAX_FPS = 30;
export const MAX_CAMERA_GALLERIES = 20;
/** How long an ffmpeg check is reused by health. */
const FFMPEG_CHECK_TTL_MS = 30_000;
/** How long health waits for the camera counts (a black-holed database never refuses). */
const HEALTH_DATABASE_WAIT_MS = 5000;

const sourceUrl = z.string().transform((value, ctx) => {
  try {
    parseCameraSource(value);
    return value.trim();
  } catch (error) {
    if (!(error instanceof CameraSourceError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const fields = {
  name: z.string().trim().min(1, 'name must not be empty.').max(100, 'name must be at most 100 characters.'),
  sourceUrl,
  fps: z
    .number()
    .min(MIN_FPS, `fps must be from ${MIN_FPS} to ${MAX_FPS} frames per second.`)
    .max(MAX_FPS, `fps must be from ${MIN_FPS} to ${MAX_FPS} frames per second.`),
  galleryIds: z
    .array(z.string())
    .max(MAX_CAMERA_GALLERIES, `galleryIds may name at most ${MAX_CAMERA_GALLERIES} galleries.`)
    .transform((ids) => [...new Set(ids)]),
  enabled: z.boolean(),
  retentionDays: z
    .number()
    .int('retentionDays must be a whole number of days.')
    .min(1, 'retentionDays must be from 1 to 3650 days.')
    .max(3650, 'retentionDays must be from 1 to 3650 days.'),
};

/** Optional fields of a creation: absent or null takes the default. */
const createSchema = z.object({
  ...fields,
  fps: fields.fps.nullish().transform((v) => v ?? 2),
  enabled: fields.enabled.nullish().transform((v) => v ?? true),
  retentionDays: fields.retentionDays.nullish().transform((v) => v ?? 30),
});

/** Fields of an update; null means "leave as is", like an absent field. */
const updateSchema = z.object({
  name: fields.name.nullish(),
  sourceUrl: fields.sourceUrl.nullish(),
  fps: fields.fps.nullish(),
  galleryIds: fields.galleryIds.nullish(),
  enabled: fields.enabled.nullish(),
  retentionDays: fields.retentionDays.nullish(),
});

export type CreateCameraArgs = z.input<typeof createSchema>;
export type UpdateCameraArgs = z.input<typeof updateSchema>;

export function toCamera(record: CameraRecord): Camera {
  return {
    id: record.id,
    name: record.name,
    sourceUrl: maskSource(record.sourceUrl),
    fps: record.fps,
    enabled: record.enabled,
    retentionDays: record.retentionDays,
    galleryIds: record.galleryIds,
    state: record.state,
    stateReason: record.stateReason,
    stateChangedAt: record.stateChangedAt?.toISOString() ?? null,
    measuredFps: record.measuredFps,
    framesDecoded: record.framesDecoded,
    framesDropped: record.framesDropped,
    lastFrameAt: record.lastFrameAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** What an audit entry keeps of a camera (the source without its password). */
function auditPayload(camera: CameraWrite): Record<string, unknown> {
  return { ...camera, sourceUrl: maskSource(camera.sourceUrl) };
}

export interface CamerasSettings {
  /** FACELEDGER_FFMPEG_PATH. */
  ffmpegPath: string;
}

export class CamerasService {
  private readonly changeListeners = new Set<() => void>();
  private ffmpegCheck: { at: number; result: Promise<FfmpegCheck> } | null = null;

  constructor(
    private readonly cameras: CamerasRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
    readonly settings: CamerasSettings,
  ) {}

  /** The supervisor of this server's camera readers (run by the scheduler's camera-readers task). */
  createSupervisor(options: Pick<CameraSupervisorOptions, 'analyzer' | 'logger' | 'timings' | 'reconcileMs' | 'statusWriteMs'>): CameraSupervisor {
    return new CameraSupervisor({
      ...options,
      cameras: this.cameras,
      ffmpegPath: this.settings.ffmpegPath,
      wakeOn: (wake) => this.onChange(wake),
    });
  }

  /** Calls `listener` after each committed change of a camera (the supervisor reconciles at once); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async list(actor: Actor): Promise<Camera[]> {
    authorize(actor, 'cameras.read');
    return (await this.cameras.list()).map(toCamera);
  }

  async get(actor: Actor, id: string): Promise<Camera> {
    authorize(actor, 'cameras.read');
    return toCamera(await this.require(id));
  }

  async create(actor: Actor, args: CreateCameraArgs): Promise<Camera> {
    authorize(actor, 'cameras.manage');
    const input = parseInput(createSchema, args);
    await this.requireGalleries(input.galleryIds);
    const created = await this.uow
      .transaction(async (tx) => {
        const record = await this.cameras.create(tx.db, { ...input, createdBy: actorRef(actor) });
        await tx.audit({ actor: actorRef(actor), action: 'camera.create', subject: `camera:${record.id}`, payload: auditPayload(input) });
        return record;
      })
      .catch((error: unknown) => this.rethrowNameTaken(error, input.name));
    this.changed();
    return toCamera(created);
  }

  async update(actor: Actor, id: string, args: UpdateCameraArgs): Promise<Camera> {
    authorize(actor, 'cameras.manage');
    const input = parseInput(updateSchema, args);
    const current = await this.require(id);
    const next: CameraWrite = {
      name: input.name ?? current.name,
      sourceUrl: input.sourceUrl ?? current.sourceUrl,
      fps: input.fps ?? current.fps,
      galleryIds: input.galleryIds ?? current.galleryIds,
      enabled: input.enabled ?? current.enabled,
      retentionDays: input.retentionDays ?? current.retentionDays,
    };
    if (input.galleryIds) await this.requireGalleries(input.galleryIds);
    const restart = next.sourceUrl !== current.sourceUrl || next.fps !== current.fps || next.enabled !== current.enabled;
    const updated = await this.uow
      .transaction(async (tx) => {
        if (!(await this.cameras.findById(id, tx.db))) throw notFound('camera', id);
        const record = await this.cameras.update(tx.db, current.id, next, restart);
        await tx.audit({ actor: actorRef(actor), action: 'camera.update', subject: `camera:${record.id}`, payload: auditPayload(next) });
        return record;
      })
      .catch((error: unknown) => this.rethrowNameTaken(error, next.name));
    this.changed();
    return toCamera(updated);
  }

  async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<Camera> {
    return this.update(actor, id, { enabled });
  }

  async delete(actor: Actor, id: string): Promise<string> {
    authorize(actor, 'cameras.manage');
    const camera = await this.require(id);
    await this.uow.transaction(async (tx) => {
      if (!(await this.cameras.delete(tx.db, camera.id))) throw notFound('camera', id);
      await tx.audit({ actor: actorRef(actor), action: 'camera.delete', subject: `camera:${camera.id}`, payload: { name: camera.name } });
    });
    this.changed();
    return camera.id;
  }

  /** Opens the source (given, or the camera's) and decodes one frame; never stores anything. */
  async testConnection(
    actor: Actor,
    args: { sourceUrl?: string | null; cameraId?: string | null; timeoutSeconds?: number | null },
  ): Promise<CameraConnectionTest> {
    authorize(actor, 'cameras.manage');
    const timeoutSeconds = args.timeoutSeconds ?? 10;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) {
      throw new AppError(ErrorCode.BAD_INPUT, 'timeoutSeconds must be a whole number from 1 to 30.', { field: 'timeoutSeconds' });
    }
    if ((args.sourceUrl == null) === (args.cameraId == null)) {
      throw new AppError(ErrorCode.BAD_INPUT, 'Give either sourceUrl (to test before creating a camera) or cameraId, not both.', {
        field: 'sourceUrl',
      });
    }
    const raw = args.cameraId != null ? (await this.require(args.cameraId)).sourceUrl : parseInput(z.object({ sourceUrl }), args).sourceUrl;
    return probeSource(this.settings.ffmpegPath, parseCameraSource(raw), timeoutSeconds * 1000);
  }

  /** For health: ffmpeg (checked at most every 30 s) and the cameras per state. Needs no permission. */
  async health(): Promise<CamerasHealth> {
    const now = Date.now();
    if (!this.ffmpegCheck || now - this.ffmpegCheck.at > FFMPEG_CHECK_TTL_MS) {
      this.ffmpegCheck = { at: now, result: checkFfmpeg(this.settings.ffmpegPath) };
    }
    const [ffmpeg, counts] = await Promise.all([this.ffmpegCheck.result, this.countByState()]);
    const count = (state: CameraRecord['state']): number => counts.get(state) ?? 0;
    return {
      ffmpeg: { ...ffmpeg, path: this.settings.ffmpegPath },
      total: [...counts.values()].reduce((a, b) => a + b, 0),
      connecting: count('CONNECTING'),
      live: count('LIVE'),
      stalled: count('STALLED'),
      failed: count('FAILED'),
      stopped: count('STOPPED'),
    };
  }

  /** Cameras per state; none when the database does not answer within 5 s (health's databaseError says why). */
  private async countByState(): Promise<Map<CameraRecord['state'], number>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), HEALTH_DATABASE_WAIT_MS);
    });
    const counts = await Promise.race([this.cameras.countByState().catch(() => null), timeout]).finally(() => clearTimeout(timer));
    return counts ?? new Map();
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private async require(id: string): Promise<CameraRecord> {
    const camera = await this.cameras.findById(id);
    if (!camera) throw notFound('camera', id);
    return camera;
  }

  private async requireGalleries(ids: readonly string[]): Promise<void> {
    const missing = await this.cameras.missingGalleries(ids);
    if (missing[0] !== undefined) throw notFound('gallery', missing[0], { field: 'galleryIds' });
  }

  private rethrowNameTaken(error: unknown, name: string): never {
    rethrowUniqueViolation(error, 'name', `A camera named "${name}" exists already; choose another name.`);
  }
}
