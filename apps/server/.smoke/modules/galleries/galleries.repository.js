// Reads and writes galleries. The only code of the galleries module that touches Prisma.
import { Prisma } from '@faceledger/db';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { isUuid } from '../../shared/uuid.js';
const withIdentityCount = {
    _count: { select: { identities: { where: { status: { not: 'ERASED' } } } } },
};
function toRecord(row) {
    const { _count, ...fields } = row;
    return { ...fields, identityCount: _count.identities };
}
/** Turns a unique violation on the name into CONFLICT; a race past the service's check lands here. */
function rethrowNameConflict(error, name) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new AppError(ErrorCode.CONFLICT, `A gallery named "${name ?? ''}" already exists; choose another name.`, { field: 'name' });
    }
    throw error;
}
export class GalleriesRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    async findById(id, tx = this.prisma) {
        if (!isUuid(id))
            return null;
        const row = await tx.gallery.findUnique({ where: { id }, include: withIdentityCount });
        return row ? toRecord(row) : null;
    }
    /** Every gallery, or only `onlyId` when given, by name. */
    async list(onlyId = null) {
        if (onlyId !== null && !isUuid(onlyId))
            return [];
        const rows = await this.prisma.gallery.findMany({
            where: onlyId === null ? {} : { id: onlyId },
            include: withIdentityCount,
            orderBy: [{ name: 'asc' }, { id: 'asc' }],
        });
        return rows.map(toRecord);
    }
    /** The gallery whose name equals `name` ignoring case, other than `exceptId`. */
    async findByName(name, exceptId, tx = this.prisma) {
        return tx.gallery.findFirst({
            where: {
                name: { equals: name, mode: 'insensitive' },
                ...(exceptId === null ? {} : { id: { not: exceptId } }),
            },
            select: { id: true },
        });
    }
    async countContents(id, tx = this.prisma) {
        const liveIdentities = await tx.identity.count({ where: { galleryId: id, status: { not: 'ERASED' } } });
        const faces = await tx.face.count({ where: { identity: { galleryId: id } } });
        const activeApiKeys = await tx.apiKey.count({ where: { galleryId: id, revokedAt: null } });
        return { liveIdentities, faces, activeApiKeys };
    }
    async create(tx, fields) {
        try {
            return toRecord(await tx.gallery.create({ data: fields, include: withIdentityCount }));
        }
        catch (error) {
            rethrowNameConflict(error, fields.name);
        }
    }
    async update(tx, id, fields) {
        try {
            return toRecord(await tx.gallery.update({ where: { id }, data: fields, include: withIdentityCount }));
        }
        catch (error) {
            rethrowNameConflict(error, fields.name);
        }
    }
    /** Deletes the gallery; its erased tombstones and revoked restricted API keys go with it (cascade). */
    async delete(tx, id) {
        const tombstonesDeleted = await tx.identity.count({ where: { galleryId: id } });
        const apiKeysDeleted = await tx.apiKey.count({ where: { galleryId: id } });
        await tx.gallery.delete({ where: { id } });
        return { tombstonesDeleted, apiKeysDeleted };
    }
}
//# sourceMappingURL=galleries.repository.js.map