import { AppError, ErrorCode } from '../../shared/app-error.js';
import { actorRef } from '../auth/actor.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import { toIdentityModel } from './identities.mapper.js';
import { identityNotFound } from './identities.service.js';
const NOTHING_ERASED = { facesDeleted: 0, matchCandidatesDeleted: 0, probesCleared: 0 };
export class IdentityErasureService {
    identities;
    erasure;
    audit;
    logger;
    constructor(identities, erasure, audit, logger) {
        this.identities = identities;
        this.erasure = erasure;
        this.audit = audit;
        this.logger = logger;
    }
    async erase(actor, id) {
        authorize(actor, 'identities.erase');
        const identity = await this.identities.findById(id);
        if (!identity)
            throw identityNotFound(id);
        authorizeGallery(actor, identity.galleryId);
        const { counts, imageKeys } = await this.audit.withEntry(async (tx) => {
            const outcome = await this.erasure.eraseWithin(tx, id);
            if (outcome === null)
                throw identityNotFound(id);
            const result = outcome.alreadyErased
                ? { counts: NOTHING_ERASED, imageKeys: [] }
                : { counts: outcome.counts, imageKeys: outcome.imageKeys };
            return {
                result,
                audit: {
                    actor: actorRef(actor),
                    action: 'identity.erase',
                    subject: `identity:${id}`,
                    // Counts only: no names, keys of images or embeddings.
                    payload: {
                        galleryId: identity.galleryId,
                        alreadyErased: outcome.alreadyErased,
                        ...result.counts,
                        imagesToDelete: result.imageKeys.length,
                    },
                },
            };
        });
        const imagesDeleted = await this.deleteImages(id, imageKeys);
        const tombstone = await this.identities.findById(id);
        if (!tombstone)
            throw new AppError(ErrorCode.INTERNAL, `Identity ${id} vanished during erasure.`);
        this.logger.info({ identityId: id, ...counts, imagesDeleted }, 'identity erased');
        return { identity: toIdentityModel(tombstone), ...counts, imagesDeleted };
    }
    /**
     * Deletes after commit, so a rolled-back erasure never loses an image. Each key is checked again
     * first: an enrollment of the same photo may have committed in between. A failure is logged with
     * the keys (hashes, not images) for an operator to delete; the database part stands.
     */
    async deleteImages(identityId, keys) {
        if (keys.length === 0)
            return 0;
        try {
            return await this.erasure.deleteImages(await this.erasure.findUnreferencedImageKeys(keys));
        }
        catch (error) {
            this.logger.error({ err: error, identityId, imageKeys: keys }, 'erasure could not delete stored images');
            throw new AppError(ErrorCode.INTERNAL, `Identity ${identityId} is erased in the database, but some stored images could not be deleted; an operator must remove them (see the server log).`, { id: identityId }, { cause: error });
        }
    }
}
//# sourceMappingURL=identity-erasure.service.js.map