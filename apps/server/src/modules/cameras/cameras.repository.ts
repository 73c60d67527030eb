// Reads and writes cameras and their watchlist galleries; the readers' state columns are written by
// the supervisor (writeStatus), outside any audited transaction: they are measurements, not changes
// a person made.
import type { CameraState, PrismaClient } from '@faceledger/db';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';
import type { ReaderSnapshot } from './camera-reader.js';

/** A camera as the service sees it (sourceUrl unmasked: only ffmpeg and the service read it). */
export interface CameraRecord {
  id: string;
  name: string;
  sourceUrl: string;
  fps: number;
  enabled: boolean;
  retentionDays: number;
  galleryIds: string[];
  state: CameraState;
  stateReason: string | null;
  stateChangedAt: Date | null;
  measuredFps: number;
  framesDecoded: number;
  framesDropped: number;
  lastFrameAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What the supervisor needs to run a camera's reader. */
export interface CameraToRead {
  id: string;
  sourceUrl: string;
  fps: number;
}

export interface CameraWrite {
  name: string;
  sourceUrl: string;
  fps: number;
  enabled: boolean;
  retentionDays: number;
  galleryIds: string[];
}

const SELECT = {
  id: true,
  name: true,
  sourceUrl: true,
  fps: true,
  enabled: true,
  retentionDays: true,
  state: true,
  stateReason: true,
  stateChangedAt: true,
  measuredFps: true,
  framesDecoded: true,
  framesDropped: true,
  lastFrameAt: true,
  createdBy: true,
  createdAt: true,
  updatedAt: true,
  galleries: { select: { galleryId: true }, orderBy: { galleryId: 'asc' } },
} as const;

type Row = Omit<CameraRecord, 'galleryIds'> & { galleries: Array<{ galleryId: string }> };

function toRecord({ galleries, ...row }: Row): CameraRecord {
  return { ...row, galleryIds: galleries.map((g) => g.galleryId) };
}

export class CamerasRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async list(): Promise<CameraRecord[]> {
    return (await this.prisma.camera.findMany({ select: SELECT, orderBy: { name: 'asc' } })).map(toRecord);
  }

  async findById(id: string, db: Transaction | PrismaClient = this.prisma): Promise<CameraRecord | null> {
    if (!isUuid(id)) return null;
    const row = await db.camera.findUnique({ where: { id }, select: SELECT });
    return row ? toRecord(row) : null;
  }

  /** The ids among `ids` that name no gallery. */
  async missingGalleries(ids: readonly string[]): Promise<string[]> {
    const valid = ids.filter(isUuid);
    const found = new Set(
      (await this.prisma.gallery.findMany({ where: { id: { in: valid } }, select: { id: true } })).map((g) => g.id),
    );
    return ids.filter((id) => !found.has(id));
  }

  async create(tx: Transaction, data: CameraWrite & { createdBy: string }): Promise<CameraRecord> {
    const { galleryIds, ...fields } = data;
    const row = await tx.camera.create({
      data: {
        ...fields,
        state: data.enabled ? 'CONNECTING' : 'STOPPED',
        stateChangedAt: new Date(),
        galleries: { create: galleryIds.map((galleryId) => ({ galleryId })) },
      },
      select: SELECT,
    });
    return toRecord(row);
  }

  /** Writes the camera's settings; a changed source, fps or enabled resets its reader state. */
  async update(tx: Transaction, id: string, data: CameraWrite, resetState: boolean): Promise<CameraRecord> {
    const { galleryIds, ...fields } = data;
    await tx.cameraGallery.deleteMany({ where: { cameraId: id } });
    const row = await tx.camera.update({
      where: { id },
      data: {
        ...fields,
        ...(resetState
          ? {
              state: data.enabled ? 'CONNECTING' : 'STOPPED',
              stateReason: null,
              stateChangedAt: new Date(),
              measuredFps: 0,
            }
          : {}),
        galleries: { create: galleryIds.map((galleryId) => ({ galleryId })) },
      },
      select: SELECT,
    });
    return toRecord(row);
  }

  async delete(tx: Transaction, id: string): Promise<boolean> {
    return (await tx.camera.deleteMany({ where: { id } })).count === 1;
  }

  /** Enabled cameras, for the supervisor's reconcile. */
  async listEnabled(): Promise<CameraToRead[]> {
    return this.prisma.camera.findMany({
      where: { enabled: true },
      select: { id: true, sourceUrl: true, fps: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Writes a reader's state (a camera deleted meanwhile is skipped). */
  async writeStatus(id: string, status: ReaderSnapshot): Promise<void> {
    await this.prisma.camera.updateMany({
      where: { id, enabled: true },
      data: {
        state: status.state,
        stateReason: status.reason,
        stateChangedAt: status.stateChangedAt,
        measuredFps: status.measuredFps,
        framesDecoded: Math.min(status.framesDecoded, 2 ** 31 - 1),
        framesDropped: Math.min(status.framesDropped, 2 ** 31 - 1),
        lastFrameAt: status.lastFrameAt,
      },
    });
  }

  /** Marks disabled cameras that still show a running state as STOPPED (their reader ended). */
  async markDisabledStopped(): Promise<void> {
    await this.prisma.camera.updateMany({
      where: { enabled: false, state: { not: 'STOPPED' } },
      data: { state: 'STOPPED', stateReason: null, stateChangedAt: new Date(), measuredFps: 0 },
    });
  }

  /** How many cameras are in each state. */
  async countByState(): Promise<Map<CameraState, number>> {
    const groups = await this.prisma.camera.groupBy({ by: ['state'], _count: { _all: true } });
    return new Map(groups.map((g) => [g.state, g._count._all]));
  }
}
