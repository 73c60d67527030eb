export class ApiKeysRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    create(tx, data) {
        return tx.apiKey.create({ data, include: { createdBy: true } });
    }
    findByPrefix(prefix) {
        return this.prisma.apiKey.findUnique({ where: { prefix } });
    }
    findById(id, tx = this.prisma) {
        return tx.apiKey.findUnique({ where: { id }, include: { createdBy: true } });
    }
    list() {
        return this.prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' }, include: { createdBy: true } });
    }
    revoke(tx, id, at) {
        return tx.apiKey.update({ where: { id }, data: { revokedAt: at }, include: { createdBy: true } });
    }
    /** Records a use unless one was recorded after `notBefore`; keeps the write to about one a minute. */
    async recordUse(id, at, notBefore) {
        await this.prisma.apiKey.updateMany({
            where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notBefore } }] },
            data: { lastUsedAt: at },
        });
    }
    async galleryExists(galleryId) {
        return (await this.prisma.gallery.count({ where: { id: galleryId } })) > 0;
    }
}
//# sourceMappingURL=api-keys.repository.js.map