import { gallerySubject } from './audit-filter.js';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.js';
/** Serialises appends across connections and processes; any constant unique to this lock. */
const LEDGER_LOCK_KEY = 4_202_611;
/** One row in the form it is hashed and exported in (seq as a string, at as ISO-8601). */
export function toChainedEntry(row) {
    return {
        seq: row.seq.toString(),
        at: row.at.toISOString(),
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        payload: row.payload,
        prevHash: row.prevHash,
        hash: row.hash,
    };
}
function whereOf(filter) {
    const where = {};
    if (filter.from || filter.to)
        where.at = { gte: filter.from, lt: filter.to };
    if (filter.actor !== undefined)
        where.actor = filter.actor;
    if (filter.action !== undefined)
        where.action = filter.action;
    if (filter.subject !== undefined)
        where.subject = filter.subject;
    if (filter.galleryId !== undefined) {
        where.OR = [
            { subject: gallerySubject(filter.galleryId) },
            { payload: { path: ['galleryId'], equals: filter.galleryId } },
        ];
    }
    return where;
}
export class AuditRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    /** Appends one entry inside `tx`; the ledger lock is held until that transaction ends. */
    async append(tx, entry) {
        await tx.$executeRaw `SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`;
        const last = await tx.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
        const seq = (last?.seq ?? 0n) + 1n;
        const prevHash = last?.hash ?? GENESIS_HASH;
        const at = new Date();
        const payload = JSON.parse(JSON.stringify(entry.payload));
        const hash = hashAuditEntry(prevHash, {
            seq: seq.toString(),
            at: at.toISOString(),
            actor: entry.actor,
            action: entry.action,
            subject: entry.subject,
            payload,
        });
        await tx.auditEntry.create({
            data: { seq, at, actor: entry.actor, action: entry.action, subject: entry.subject, payload, prevHash, hash },
        });
        return { seq, hash };
    }
    /** Runs `work` and appends the entry it returns, in one transaction. */
    async withEntry(work) {
        return this.prisma.$transaction(async (tx) => {
            const { result, audit } = await work(tx);
            await this.append(tx, audit);
            return result;
        });
    }
    /** Up to `limit` entries matching `filter`, strictly after `afterSeq` in `order`, at most `throughSeq`. */
    async findBatch(options) {
        const order = options.order ?? 'asc';
        const seq = {};
        if (options.afterSeq !== undefined)
            seq[order === 'asc' ? 'gt' : 'lt'] = options.afterSeq;
        if (options.throughSeq !== undefined)
            seq.lte = options.throughSeq;
        return this.prisma.auditEntry.findMany({
            where: { ...whereOf(options.filter ?? {}), seq },
            orderBy: { seq: order },
            take: options.limit,
        });
    }
    /** Entries matching `filter`. */
    async count(filter) {
        return this.prisma.auditEntry.count({ where: whereOf(filter) });
    }
    /** The last entry of the ledger, or null when it is empty. */
    async findHead() {
        return this.prisma.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    }
    /** Appends one entry in its own transaction (for actions that change nothing else, such as an export). */
    async appendAlone(entry) {
        return this.prisma.$transaction((tx) => this.append(tx, entry));
    }
}
//# sourceMappingURL=audit.repository.js.map