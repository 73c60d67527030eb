// The database and image-store side of erasing an identity: removes its faces, embeddings, match
// candidates and the probes that pointed at it, leaves a tombstone, and deletes unreferenced images.
import { Prisma } from '@faceledger/db';
/**
 * What a tombstone keeps instead of personal data: the id (which the audit trail names), gallery,
 * status ERASED and timestamps. The placeholders say nothing about the person; externalId embeds
 * the identity's own id so it stays unique in the gallery and the real externalId can be reused.
 */
export const ERASED_DISPLAY_NAME = '[erased]';
export function erasedExternalId(identityId) {
    return `erased:${identityId}`;
}
function uuidList(ids) {
    return Prisma.join(ids.map((id) => Prisma.sql `${id}::uuid`));
}
export class IdentityErasureRepository {
    prisma;
    images;
    constructor(prisma, images) {
        this.prisma = prisma;
        this.images = images;
    }
    /**
     * Erases inside `tx`. Locks the identity row first, so an enrollment that checks the status under
     * FOR SHARE waits for this transaction and then sees ERASED. Null when the identity does not exist.
     */
    async eraseWithin(tx, identityId) {
        const locked = await tx.$queryRaw `
      SELECT status::text AS status FROM identities WHERE id = ${identityId}::uuid FOR UPDATE`;
        const status = locked[0]?.status;
        if (status === undefined)
            return null;
        if (status === 'ERASED')
            return { alreadyErased: true };
        const faceImages = await tx.face.findMany({
            where: { identityId },
            select: { imageKey: true },
            distinct: ['imageKey'],
        });
        // Events that named this person: as a candidate, or as the target of a review (REASSIGN/CONFIRM).
        const candidateEvents = await tx.matchCandidate.findMany({
            where: { identityId },
            select: { eventId: true },
            distinct: ['eventId'],
        });
        const reviewEvents = await tx.review.findMany({
            where: { targetIdentityId: identityId },
            select: { eventId: true },
            distinct: ['eventId'],
        });
        const eventIds = [...new Set([...candidateEvents, ...reviewEvents].map((e) => e.eventId))];
        const probeImages = eventIds.length === 0
            ? []
            : await tx.matchEvent.findMany({
                where: { id: { in: eventIds }, probeImageKey: { not: null } },
                select: { probeImageKey: true },
                distinct: ['probeImageKey'],
            });
        const { count: matchCandidatesDeleted } = await tx.matchCandidate.deleteMany({ where: { identityId } });
        const probesCleared = eventIds.length === 0
            ? 0
            : await tx.$executeRaw `
            UPDATE match_events SET probe_embedding = NULL, probe_image_key = NULL
            WHERE id IN (${uuidList(eventIds)})
              AND (probe_embedding IS NOT NULL OR probe_image_key IS NOT NULL)`;
        const { count: facesDeleted } = await tx.face.deleteMany({ where: { identityId } });
        await tx.identity.update({
            where: { id: identityId },
            data: {
                status: 'ERASED',
                displayName: ERASED_DISPLAY_NAME,
                externalId: erasedExternalId(identityId),
                metadata: {},
                consentGivenAt: null,
                consentGivenBy: null,
            },
        });
        const keys = [
            ...new Set([
                ...faceImages.map((f) => f.imageKey),
                ...probeImages.flatMap((e) => (e.probeImageKey === null ? [] : [e.probeImageKey])),
            ]),
        ];
        const imageKeys = await this.findUnreferencedImageKeys(keys, tx);
        return {
            alreadyErased: false,
            counts: { facesDeleted, matchCandidatesDeleted, probesCleared },
            imageKeys,
        };
    }
    /** The keys among `keys` that no face and no match event uses. */
    async findUnreferencedImageKeys(keys, tx = this.prisma) {
        if (keys.length === 0)
            return [];
        const faceRefs = await tx.face.findMany({
            where: { imageKey: { in: [...keys] } },
            select: { imageKey: true },
            distinct: ['imageKey'],
        });
        const probeRefs = await tx.matchEvent.findMany({
            where: { probeImageKey: { in: [...keys] } },
            select: { probeImageKey: true },
            distinct: ['probeImageKey'],
        });
        const used = new Set([
            ...faceRefs.map((f) => f.imageKey),
            ...probeRefs.map((e) => e.probeImageKey),
        ]);
        return keys.filter((key) => !used.has(key));
    }
    /** Deletes the images (and their thumbnails) from the store; returns how many were there. */
    async deleteImages(keys) {
        let deleted = 0;
        for (const key of keys) {
            if (await this.images.has(key)) {
                await this.images.delete(key);
                deleted += 1;
            }
        }
        return deleted;
    }
}
//# sourceMappingURL=identity-erasure.repository.js.map