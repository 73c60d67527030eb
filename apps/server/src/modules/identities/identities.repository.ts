// Reads and writes identities and lists their faces (never their embeddings). Enrollment, matching
// and reviews look identities up through here too.
import type { IdentityStatus, Prisma, PrismaClient } from '@faceledger/db';
import type { PageRequest } from '../../shared/relay-pagination.js';
import { rethrowUniqueViolation } from '../../shared/unique-violation.js';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';
// The face columns the API shows are declared once, beside the face search.
import { FACE_COLUMNS } from '../matching/matching.repository.js';

/** An identity row with the number of its enrolled faces. */
export interface IdentityRecord {
  id: string;
  galleryId: string;
  externalId: string;
  displayName: string;
  metadata: Prisma.JsonValue;
  consentGivenAt: Date | null;
  consentGivenBy: string | null;
  status: IdentityStatus;
  faceCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a caller sets on an identity. */
export interface IdentityFields {
  externalId: string;
  displayName: string;
  metadata: Prisma.InputJsonObject;
  consentGivenAt: Date | null;
  consentGivenBy: string | null;
}

/** An enrolled face without its embedding. */
export interface FaceRecord {
  id: string;
  identityId: string;
  imageKey: string;
  box: Prisma.JsonValue;
  landmarks: Prisma.JsonValue;
  quality: Prisma.JsonValue;
  modelId: string;
  createdAt: Date;
}

/** Which identities a list shows. A null status lists every status but ERASED. */
export interface IdentityFilter {
  galleryId: string;
  /** Matched anywhere in displayName or externalId, ignoring case. */
  search: string | null;
  status: IdentityStatus | null;
}

/** The sort key of identity lists: displayName, then id to break ties. */
export interface IdentityKey {
  displayName: string;
  id: string;
}

/** One page in display order, and whether more rows lie in the direction read. */
export interface IdentityPage {
  rows: IdentityRecord[];
  hasMore: boolean;
}

const withFaceCount = { _count: { select: { faces: true } } } as const satisfies Prisma.IdentityInclude;

type IdentityRow = Prisma.IdentityGetPayload<{ include: typeof withFaceCount }>;

function toRecord(row: IdentityRow): IdentityRecord {
  const { _count, ...fields } = row;
  return { ...fields, faceCount: _count.faces };
}

function whereOf(filter: IdentityFilter): Prisma.IdentityWhereInput {
  const where: Prisma.IdentityWhereInput = {
    galleryId: filter.galleryId,
    status: filter.status ?? { not: 'ERASED' },
  };
  if (filter.search) {
    // Prisma passes contains to ILIKE as is, so the caller's % and _ are escaped to match literally.
    const text = filter.search.replace(/[\\%_]/g, '\\$&');
    where.OR = [
      { displayName: { contains: text, mode: 'insensitive' } },
      { externalId: { contains: text, mode: 'insensitive' } },
    ];
  }
  return where;
}

/** Rows strictly after (or before) `key` in (displayName, id) order; `orEqual` includes the key's row. */
function beyond(key: IdentityKey, side: 'after' | 'before', orEqual = false): Prisma.IdentityWhereInput {
  const op = side === 'after' ? 'gt' : 'lt';
  const idOp = orEqual ? (side === 'after' ? 'gte' : 'lte') : op;
  return {
    OR: [
      { displayName: { [op]: key.displayName } },
      { displayName: key.displayName, id: { [idOp]: key.id } },
    ],
  };
}

function rethrowExternalIdConflict(error: unknown, externalId: string | undefined): never {
  rethrowUniqueViolation(
    error,
    'externalId',
    `An identity with externalId "${externalId ?? ''}" already exists in this gallery; use another externalId, or update that identity.`,
  );
}

export class IdentitiesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string, tx: Transaction = this.prisma): Promise<IdentityRecord | null> {
    if (!isUuid(id)) return null;
    const row = await tx.identity.findUnique({ where: { id }, include: withFaceCount });
    return row ? toRecord(row) : null;
  }

  /** The identities among `ids` that exist, in no particular order. */
  async findByIds(ids: readonly string[], tx: Transaction = this.prisma): Promise<IdentityRecord[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await tx.identity.findMany({ where: { id: { in: valid } }, include: withFaceCount });
    return rows.map(toRecord);
  }

  async findByExternalId(
    galleryId: string,
    externalId: string,
    tx: Transaction = this.prisma,
  ): Promise<IdentityRecord | null> {
    if (!isUuid(galleryId)) return null;
    const row = await tx.identity.findUnique({
      where: { galleryId_externalId: { galleryId, externalId } },
      include: withFaceCount,
    });
    return row ? toRecord(row) : null;
  }

  async create(tx: Transaction, galleryId: string, fields: IdentityFields): Promise<IdentityRecord> {
    try {
      return toRecord(await tx.identity.create({ data: { galleryId, ...fields }, include: withFaceCount }));
    } catch (error) {
      rethrowExternalIdConflict(error, fields.externalId);
    }
  }

  async update(
    tx: Transaction,
    id: string,
    fields: Partial<IdentityFields> & { status?: IdentityStatus },
  ): Promise<IdentityRecord> {
    try {
      return toRecord(await tx.identity.update({ where: { id }, data: fields, include: withFaceCount }));
    } catch (error) {
      rethrowExternalIdConflict(error, fields.externalId);
    }
  }

  /** Identities matching `filter`, across all pages. */
  async count(filter: IdentityFilter): Promise<number> {
    return this.prisma.identity.count({ where: whereOf(filter) });
  }

  /** Reads one page (in display order) plus one row to learn whether more follow. */
  async findPage(filter: IdentityFilter, page: PageRequest<IdentityKey>): Promise<IdentityPage> {
    const isForward = page.direction === 'forward';
    const where: Prisma.IdentityWhereInput = page.cursor
      ? { AND: [whereOf(filter), beyond(page.cursor, isForward ? 'after' : 'before')] }
      : whereOf(filter);
    const order = isForward ? 'asc' : 'desc';
    const rows = await this.prisma.identity.findMany({
      where,
      include: withFaceCount,
      orderBy: [{ displayName: order }, { id: order }],
      take: page.size + 1,
    });
    const hasMore = rows.length > page.size;
    const kept = rows.slice(0, page.size).map(toRecord);
    return { rows: isForward ? kept : kept.reverse(), hasMore };
  }

  /** True when a row matching `filter` lies at or beyond `key` on `side` (the cursor row counts). */
  async existsBeyond(filter: IdentityFilter, key: IdentityKey, side: 'after' | 'before'): Promise<boolean> {
    const row = await this.prisma.identity.findFirst({
      where: { AND: [whereOf(filter), beyond(key, side, true)] },
      select: { id: true },
    });
    return row !== null;
  }

  /** The faces of an identity, oldest first, without embeddings. */
  async listFaces(identityId: string): Promise<FaceRecord[]> {
    if (!isUuid(identityId)) return [];
    return this.prisma.face.findMany({
      where: { identityId },
      select: FACE_COLUMNS,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }
}
