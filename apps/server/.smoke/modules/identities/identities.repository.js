// Reads and writes identities and lists their faces (never their embeddings). Enrollment, matching
// and reviews look identities up through here too.
import { Prisma } from '@faceledger/db';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { isUuid } from '../../shared/uuid.js';
const withFaceCount = { _count: { select: { faces: true } } };
const faceColumns = {
    id: true,
    identityId: true,
    imageKey: true,
    box: true,
    landmarks: true,
    quality: true,
    modelId: true,
    createdAt: true,
};
function toRecord(row) {
    const { _count, ...fields } = row;
    return { ...fields, faceCount: _count.faces };
}
function whereOf(filter) {
    const where = {
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
function beyond(key, side, orEqual = false) {
    const op = side === 'after' ? 'gt' : 'lt';
    const idOp = orEqual ? (side === 'after' ? 'gte' : 'lte') : op;
    return {
        OR: [
            { displayName: { [op]: key.displayName } },
            { displayName: key.displayName, id: { [idOp]: key.id } },
        ],
    };
}
function rethrowExternalIdConflict(error, externalId) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new AppError(ErrorCode.CONFLICT, `An identity with externalId "${externalId ?? ''}" already exists in this gallery; use another externalId, or update that identity.`, { field: 'externalId' });
    }
    throw error;
}
export class IdentitiesRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    async findById(id, tx = this.prisma) {
        if (!isUuid(id))
            return null;
        const row = await tx.identity.findUnique({ where: { id }, include: withFaceCount });
        return row ? toRecord(row) : null;
    }
    /** The identities among `ids` that exist, in no particular order. */
    async findByIds(ids, tx = this.prisma) {
        const valid = ids.filter(isUuid);
        if (valid.length === 0)
            return [];
        const rows = await tx.identity.findMany({ where: { id: { in: valid } }, include: withFaceCount });
        return rows.map(toRecord);
    }
    async findByExternalId(galleryId, externalId, tx = this.prisma) {
        if (!isUuid(galleryId))
            return null;
        const row = await tx.identity.findUnique({
            where: { galleryId_externalId: { galleryId, externalId } },
            include: withFaceCount,
        });
        return row ? toRecord(row) : null;
    }
    async create(tx, galleryId, fields) {
        try {
            return toRecord(await tx.identity.create({ data: { galleryId, ...fields }, include: withFaceCount }));
        }
        catch (error) {
            rethrowExternalIdConflict(error, fields.externalId);
        }
    }
    async update(tx, id, fields) {
        try {
            return toRecord(await tx.identity.update({ where: { id }, data: fields, include: withFaceCount }));
        }
        catch (error) {
            rethrowExternalIdConflict(error, fields.externalId);
        }
    }
    /** Identities matching `filter`, across all pages. */
    async count(filter) {
        return this.prisma.identity.count({ where: whereOf(filter) });
    }
    /** Reads one page (in display order) plus one row to learn whether more follow. */
    async findPage(filter, page) {
        const isForward = page.direction === 'forward';
        const where = page.cursor
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
    async existsBeyond(filter, key, side) {
        const row = await this.prisma.identity.findFirst({
            where: { AND: [whereOf(filter), beyond(key, side, true)] },
            select: { id: true },
        });
        return row !== null;
    }
    /** The faces of an identity, oldest first, without embeddings. */
    async listFaces(identityId) {
        if (!isUuid(identityId))
            return [];
        return this.prisma.face.findMany({
            where: { identityId },
            select: faceColumns,
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        });
    }
}
//# sourceMappingURL=identities.repository.js.map