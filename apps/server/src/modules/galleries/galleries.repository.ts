// Reads and writes galleries. The only code of the galleries module that touches Prisma.
import type { Prisma, PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import { rethrowUniqueViolation } from '../../shared/unique-violation.js';
import { isUuid } from '../../shared/uuid.js';

/** The settable fields of a gallery. */
export interface GalleryFields {
  name: string;
  description: string;
  matchThreshold: number;
  /** Identify's target false-positive identification rate. */
  identifyTargetFpir: number;
  /** Explicit identify threshold, or null to follow the calibration. */
  identifyThresholdOverride: number | null;
  embeddingModelId: string;
  probeRetentionDays: number;
  forbidLikelyDuplicates: boolean;
}

/** A gallery row with the number of its identities that are not erased. */
export interface GalleryRecord extends GalleryFields {
  id: string;
  /** Reviewers who must confirm an identification (set by ReviewsService.setGalleryReviewPolicy). */
  requiredConfirmations: number;
  identityCount: number;
  /** Identities with status ACTIVE: the gallery size identify's calibrated threshold is read at. */
  activeIdentityCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Counts that decide whether a gallery may be deleted or change its model. */
export interface GalleryContents {
  /** Identities that are not erased tombstones. */
  liveIdentities: number;
  faces: number;
  /** API keys restricted to this gallery and not revoked; deleting the gallery would delete them. */
  activeApiKeys: number;
}

const withIdentityCount = {
  _count: { select: { identities: { where: { status: { not: 'ERASED' } } } } },
} as const satisfies Prisma.GalleryInclude;

type GalleryRow = Prisma.GalleryGetPayload<{ include: typeof withIdentityCount }>;

function toRecord(row: GalleryRow, activeIdentityCount: number): GalleryRecord {
  const { _count, ...fields } = row;
  return { ...fields, identityCount: _count.identities, activeIdentityCount };
}

/** ACTIVE identities per gallery of `ids` (one grouped count). */
async function activeCounts(tx: Transaction, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const groups = await tx.identity.groupBy({
    by: ['galleryId'],
    where: { galleryId: { in: ids }, status: 'ACTIVE' },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.galleryId, g._count._all]));
}

async function withActive(tx: Transaction, row: GalleryRow): Promise<GalleryRecord> {
  return toRecord(row, (await activeCounts(tx, [row.id])).get(row.id) ?? 0);
}

/** Turns a unique violation on the name into CONFLICT; a race past the service's check lands here. */
function rethrowNameConflict(error: unknown, name: string | undefined): never {
  rethrowUniqueViolation(
    error,
    'name',
    `A gallery named "${name ?? ''}" already exists; choose another name.`,
  );
}

export class GalleriesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string, tx: Transaction = this.prisma): Promise<GalleryRecord | null> {
    if (!isUuid(id)) return null;
    const row = await tx.gallery.findUnique({ where: { id }, include: withIdentityCount });
    return row ? withActive(tx, row) : null;
  }

  /** Every gallery, or only `onlyId` when given, by name. */
  async list(onlyId: string | null = null): Promise<GalleryRecord[]> {
    if (onlyId !== null && !isUuid(onlyId)) return [];
    const rows = await this.prisma.gallery.findMany({
      where: onlyId === null ? {} : { id: onlyId },
      include: withIdentityCount,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
    const active = await activeCounts(
      this.prisma,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toRecord(r, active.get(r.id) ?? 0));
  }

  /** The gallery whose name equals `name` ignoring case, other than `exceptId`. */
  async findByName(
    name: string,
    exceptId: string | null,
    tx: Transaction = this.prisma,
  ): Promise<{ id: string } | null> {
    return tx.gallery.findFirst({
      where: {
        name: { equals: name, mode: 'insensitive' },
        ...(exceptId === null ? {} : { id: { not: exceptId } }),
      },
      select: { id: true },
    });
  }

  async countContents(id: string, tx: Transaction = this.prisma): Promise<GalleryContents> {
    const liveIdentities = await tx.identity.count({ where: { galleryId: id, status: { not: 'ERASED' } } });
    const faces = await tx.face.count({ where: { identity: { galleryId: id } } });
    const activeApiKeys = await tx.apiKey.count({ where: { galleryId: id, revokedAt: null } });
    return { liveIdentities, faces, activeApiKeys };
  }

  async create(tx: Transaction, fields: GalleryFields): Promise<GalleryRecord> {
    try {
      return await withActive(tx, await tx.gallery.create({ data: fields, include: withIdentityCount }));
    } catch (error) {
      rethrowNameConflict(error, fields.name);
    }
  }

  async update(tx: Transaction, id: string, fields: Partial<GalleryFields>): Promise<GalleryRecord> {
    try {
      return await withActive(
        tx,
        await tx.gallery.update({ where: { id }, data: fields, include: withIdentityCount }),
      );
    } catch (error) {
      rethrowNameConflict(error, fields.name);
    }
  }

  /** Deletes the gallery; its erased tombstones and revoked restricted API keys go with it (cascade). */
  async delete(tx: Transaction, id: string): Promise<{ tombstonesDeleted: number; apiKeysDeleted: number }> {
    const tombstonesDeleted = await tx.identity.count({ where: { galleryId: id } });
    const apiKeysDeleted = await tx.apiKey.count({ where: { galleryId: id } });
    await tx.gallery.delete({ where: { id } });
    return { tombstonesDeleted, apiKeysDeleted };
  }
}
