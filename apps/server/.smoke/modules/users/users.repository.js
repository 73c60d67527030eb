export class UsersRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    findByEmail(email, tx = this.prisma) {
        return tx.user.findUnique({ where: { email } });
    }
    findById(id, tx = this.prisma) {
        return tx.user.findUnique({ where: { id } });
    }
    list() {
        return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
    }
    count(tx = this.prisma) {
        return tx.user.count();
    }
    /** Admins who can still sign in, other than `exceptId`. */
    countOtherActiveAdmins(tx, exceptId) {
        return tx.user.count({ where: { role: 'ADMIN', disabled: false, id: { not: exceptId } } });
    }
    create(tx, data) {
        return tx.user.create({ data });
    }
    update(tx, id, changes) {
        return tx.user.update({ where: { id }, data: changes });
    }
    /** Serialises first-admin creation across processes for the rest of `tx`. */
    async lockUserCreation(tx) {
        await tx.$executeRaw `SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK_KEY})`;
    }
}
/** Advisory lock key for first-admin creation; any constant unique to this lock. */
const FIRST_ADMIN_LOCK_KEY = 4_202_612;
//# sourceMappingURL=users.repository.js.map