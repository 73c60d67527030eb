export class SessionsRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    create(tx, data) {
        return tx.session.create({ data });
    }
    findByTokenHash(tokenHash) {
        return this.prisma.session.findUnique({ where: { tokenHash }, include: { user: true } });
    }
    /** Slides the expiry of a live session; false when it was revoked meanwhile. */
    async touch(id, lastSeenAt, expiresAt) {
        const { count } = await this.prisma.session.updateMany({
            where: { id, revokedAt: null },
            data: { lastSeenAt, expiresAt },
        });
        return count === 1;
    }
    /** Revokes one session; false when it was revoked already. */
    async revoke(tx, id, at) {
        const { count } = await tx.session.updateMany({
            where: { id, revokedAt: null },
            data: { revokedAt: at },
        });
        return count === 1;
    }
    /** Revokes every live session of a user (after a password change or when disabling); returns how many. */
    async revokeAllOfUser(tx, userId, at) {
        const { count } = await tx.session.updateMany({
            where: { userId, revokedAt: null },
            data: { revokedAt: at },
        });
        return count;
    }
}
//# sourceMappingURL=sessions.repository.js.map